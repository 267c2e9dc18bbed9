"""Tiers given in input, in the shapes the exchanges publish, and the rates no exchange would.

Regression shapes from the issue: OKX's inclusive contract ranges (0-2000, 2001-4000;
0-1000 then 1000.01 with fractional lots), Bybit's risk-limit rows whose tier 1 has
`mmDeduction: ""`, and a rate given in percent (`"mmr": "0.5"` meaning 0.5%).
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest

from engine.cli.evaluate_cmd import evaluation_to_json, portfolio_from_json
from engine.errors import InvalidInput, TierDataError
from engine.margin import evaluate
from engine.tiers import TierBook, joined_floor, rate_problem


def _portfolio(tiers: list[dict[str, Any]], exchange: str = "bybit") -> dict[str, Any]:
    position = {
        "id": "eth",
        "symbol": "ETHUSDT",
        "side": "long",
        "qty": "10",
        "entry_price": "3000",
        "leverage": "10",
        "margin_mode": "isolated",
        "tiers": tiers,
    }
    return {"exchange": exchange, "wallet_balance": "10000", "positions": [position]}


def _floors(data: dict[str, Any]) -> list[Decimal]:
    table = portfolio_from_json(data).positions[0].tiers
    assert table is not None
    return [tier.floor for tier in table.tiers]


def _okx(floor: str, cap: str, mmr: str, leverage: str) -> dict[str, str]:
    return {"qty_floor": floor, "qty_cap": cap, "mmr": mmr, "max_leverage": leverage}


@pytest.mark.parametrize(
    ("rows", "floors"),
    [
        (
            [_okx("0", "2000", "0.004", "100"), _okx("2001", "4000", "0.005", "75")],
            ["0", "2000"],
        ),
        (
            [_okx("0", "1000", "0.004", "100"), _okx("1000.01", "5000", "0.005", "66.66")],
            ["0", "1000"],
        ),
    ],
    ids=["okx-whole-lots", "okx-fractional-lots"],
)
def test_okx_inclusive_ranges_join_at_the_cap_below(
    rows: list[dict[str, str]], floors: list[str]
) -> None:
    assert _floors(_portfolio(rows, "okx")) == [Decimal(f) for f in floors]


def test_a_real_gap_is_still_refused() -> None:
    rows = [_okx("0", "1000", "0.004", "100"), _okx("1500", "5000", "0.005", "66.66")]
    with pytest.raises(TierDataError) as caught:
        portfolio_from_json(_portfolio(rows, "okx"))
    assert caught.value.params["reason"] == "not_contiguous"


# Bybit GET /v5/market/risk-limit?category=linear&symbol=ETHUSDT, rows as published
# (tiers 1-2 of the 2025-12-29 table shipped in engine/data/tiers/bybit_2025-12-29.json).
BYBIT_ROWS = [
    {
        "id": 1,
        "symbol": "ETHUSDT",
        "riskLimitValue": "900000",
        "maintenanceMargin": "0.005",
        "initialMargin": "0.01",
        "isLowestRisk": 1,
        "maxLeverage": "100.00",
        "mmDeduction": "",
    },
    {
        "id": 2,
        "symbol": "ETHUSDT",
        "riskLimitValue": "1200000",
        "maintenanceMargin": "0.0056",
        "initialMargin": "0.0112",
        "isLowestRisk": 0,
        "maxLeverage": "90.00",
        "mmDeduction": "540",
    },
]
DOCUMENTED_ROWS = [
    {
        "notional_floor": "0",
        "notional_cap": "900000",
        "mmr": "0.005",
        "maintenance_amount": "",  # Bybit's blank tier-1 deduction, copied across
        "max_leverage": "100",
    },
    {
        "notional_floor": "900000",
        "notional_cap": "1200000",
        "mmr": "0.0056",
        "maintenance_amount": "540",
        "max_leverage": "90",
    },
]


def test_bybit_rows_as_published_read_like_the_documented_rows() -> None:
    book = TierBook()
    published = evaluate(portfolio_from_json(_portfolio(BYBIT_ROWS)), book)
    documented = evaluate(portfolio_from_json(_portfolio(DOCUMENTED_ROWS)), book)
    assert evaluation_to_json(published) == evaluation_to_json(documented)
    # 10 ETH x 3000 = 30,000 notional, tier 1: MM = 30,000 x 0.005 - 0 = 150, plus
    # Bybit's fee to close (the profile's part); the table's part is the 150.
    table = portfolio_from_json(_portfolio(BYBIT_ROWS)).positions[0].tiers
    assert table is not None
    assert table.tiers[0].maintenance_amount == 0 and table.tiers[1].floor == Decimal("900000")
    assert published.positions[0].status.value == "ok"


@pytest.mark.parametrize(
    ("mmr", "leverage", "reason"),
    [
        ("0.5", "100", "mmr_looks_like_percent"),  # the 0.5 meaning 0.5%
        ("2.5", "20", "mmr_looks_like_percent"),  # 2.5% on a 20x tier
        ("0.6", "1.5", "mmr_looks_like_percent"),  # above 50% on a tier above 1x
        ("1.5", "100", "mmr_out_of_range"),  # 1.5 x 100 >= 1 and 0.015 x 100 >= 1 too
        ("150", "100", "mmr_out_of_range"),
    ],
    ids=["half-percent", "percent-20x", "above-half", "wrong-either-way", "hopeless"],
)
def test_a_rate_that_cannot_be_right_is_refused_naming_the_field(
    mmr: str, leverage: str, reason: str
) -> None:
    rows = [dict(DOCUMENTED_ROWS[0], mmr=mmr, max_leverage=leverage)]
    with pytest.raises(InvalidInput) as caught:
        portfolio_from_json(_portfolio(rows))
    assert caught.value.params["reason"] == reason
    assert caught.value.params["field"] == "positions.0.tiers.0.mmr"


@pytest.mark.parametrize(
    ("mmr", "leverage"),
    [("0.0033", "150"), ("0.5", "1"), ("0.6", "1"), ("0.1525", "6.06"), ("0.0499", "20")],
    ids=["bybit-150x", "binance-1x", "bybit-last-tier-1x", "okx-eth-tier-32", "just-below"],
)
def test_real_rates_pass(mmr: str, leverage: str) -> None:
    assert rate_problem(Decimal(mmr), Decimal(leverage)) is None


@pytest.mark.parametrize(
    ("floor", "cap", "joined"),
    [
        ("2001", "2000", "2000"),
        ("1000.01", "1000", "1000"),
        ("0.001", "0", "0"),
        ("2000", "2000", "2000"),
        ("2002", "2000", "2002"),
        ("1000.1", "1000", "1000"),
    ],
    ids=["whole", "fraction", "first", "exact", "gap", "tenth"],
)
def test_joined_floor(floor: str, cap: str, joined: str) -> None:
    assert joined_floor(Decimal(floor), Decimal(cap)) == Decimal(joined)


def test_the_cli_prints_the_percent_refusal_as_one_json_line() -> None:
    rows = [dict(DOCUMENTED_ROWS[0], mmr="0.5")]
    done = subprocess.run(
        [sys.executable, "-m", "engine", "evaluate"],
        input=json.dumps(_portfolio(rows)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and done.stderr == ""
    error = json.loads(done.stdout)["error"]
    assert error == {
        "code": "invalid_input",
        "field": "positions.0.tiers.0.mmr",
        "reason": "mmr_looks_like_percent",
        "mmr": "0.5",
        "max_leverage": "100",
    }
