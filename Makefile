# IsoCross: every target creates .venv and installs the project into it when
# it is missing or older than pyproject.toml, so a fresh machine needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-deep lint typecheck unit bench clean i18n

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest

test: lint typecheck unit

# The liquidation solver against an independent bisection, ten times the examples `make test` runs.
test-deep: $(STAMP)
	ISOCROSS_SOLVER_EXAMPLES=20000 $(BIN)/python -m pytest tests/engine/test_liquidation_both_sides.py

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache

# Messages: extract from bot/ into the template, then merge into every catalog.
# English is the source language; other languages are translated in their .po.
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k tr -k N_ -k plural:1,2 --no-location \
		--sort-output --omit-header -o locales/isocross.pot .
	$(BIN)/pybabel update -D isocross -i locales/isocross.pot -d locales --no-fuzzy-matching \
		--ignore-obsolete
