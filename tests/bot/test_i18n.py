"""Every user-facing message is in the catalogs, with the same placeholders everywhere."""

from __future__ import annotations

import re
import string
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, Catalogs

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"tr": None, "N_": None, "plural": (1, 2)}
CATALOGS = sorted(LOCALES_DIR.glob("*/LC_MESSAGES/isocross.po"))


def _source_messages() -> set[str]:
    found: set[str] = set()
    method_map = [("bot/**.py", "python")]
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, keywords=KEYWORDS):
        found.update([message] if isinstance(message, str) else message)
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_catalogs_hold_every_message_of_the_source() -> None:
    source = _source_messages()
    assert len(source) > 100
    for path in CATALOGS:
        with path.open("rb") as handle:
            catalog = read_po(handle)
        ids: set[str] = set()
        for message in catalog:
            if message.id:
                ids.update([message.id] if isinstance(message.id, str) else message.id)
        missing = source - ids
        assert not missing, f"{path}: run `make i18n`; missing {sorted(missing)[:5]}"


def _placeholder_faults(catalog: Catalog) -> list[str]:
    """Translations whose placeholders differ from their source's: a singular keeps exactly
    the source's; a plural form keeps them all, though it may spell out {n} ('one')."""
    faults = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        expected = set().union(*(_fields(i) for i in ids))
        allowed = [expected, expected - {"n"}] if message.pluralizable else [expected]
        for text in strings:
            if text and (_fields(text) not in allowed or not re.sub(r"\{n\}", "", text)):
                faults.append(f"{ids[0]!r} -> {text!r}")
    return faults


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_translations_keep_the_placeholders_of_the_source(path: Path) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    assert _placeholder_faults(catalog) == []


def test_a_translation_that_drops_or_adds_a_placeholder_is_caught() -> None:
    catalog = Catalog(locale="es")
    catalog.add("Mark {price} at {time}", "Marca a las {time}")  # {price} dropped
    catalog.add("Risk", "Riesgo {level}")  # {level} added
    catalog.add("Saved at {time}", "Guardado a las {time}")  # as it should be
    catalog.add(("{n} position", "{n} positions"), ("una posición", "{n} posiciones"))
    catalog.add(("{n} alert for {symbol}", "{n} alerts"), ("{n} alerta", "{n} alertas"))
    assert _placeholder_faults(catalog) == [
        "'Mark {price} at {time}' -> 'Marca a las {time}'",
        "'Risk' -> 'Riesgo {level}'",
        "'{n} alert for {symbol}' -> '{n} alerta'",
        "'{n} alert for {symbol}' -> '{n} alertas'",
    ]


def test_language_resolution_falls_back_through_regions_to_english() -> None:
    catalogs = Catalogs()
    assert catalogs.resolve("xx-YY") == "en"
    assert catalogs.resolve(None, "en-GB") == "en"
    assert catalogs.resolve("") == "en"


def test_numbers_follow_the_locale_and_liquidation_rounds_toward_danger() -> None:
    english = Catalogs().translator("en")
    assert english.price(Decimal("56024.0963855"), toward_danger_of_long=True) == "56,024.10"
    assert english.price(Decimal("56024.0963855"), toward_danger_of_long=False) == "56,024.09"
    assert english.price(Decimal("0.000012345")) == "0.000012345"
    assert english.percent(Decimal("0.0964"), 1) == "9.6%"
    assert english.money(Decimal("-1234.5")) == "-1,234.50"


SHIPPED = ("ru", "zh", "es", "tr", "vi")


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_is_translated_in_every_shipped_language(language: str) -> None:
    path = LOCALES_DIR / language / "LC_MESSAGES" / "isocross.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (
            not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
            or "fuzzy" in message.flags
        )
    ]
    assert not untranslated, f"{language}: {untranslated[:5]}"


def test_plural_forms_follow_the_language() -> None:
    russian = Catalogs().translator("ru")
    one, few, many = (
        russian.plural(
            "Portfolio “{name}”: {n} position, wallet {wallet} USDT",
            "Portfolio “{name}”: {n} positions, wallet {wallet} USDT",
            n,
            name="main",
            wallet="0",
        )
        for n in (1, 3, 5)
    )
    assert "позиция" in one and "позиции" in few and "позиций" in many


def test_a_telegram_language_code_selects_the_shipped_catalog() -> None:
    catalogs = Catalogs()
    assert catalogs.resolve(None, "pt-br") == "en"
    assert catalogs.resolve(None, "zh-hans") == "zh"
    assert catalogs.resolve(None, "ru-RU") == "ru"
    assert catalogs.resolve("es", "ru") == "es"  # the stored choice wins
    assert Catalogs().translator("es")("Nothing to undo.") != "Nothing to undo."


def test_a_liquidation_price_rounds_toward_the_mark_on_either_side() -> None:
    tr = Catalogs().translator("en")
    # a hedge long's account can liquidate above the mark: rounding down keeps it no farther
    assert tr.liquidation(Decimal("63032.367972"), Decimal("60000")) == "63,032.36"
    assert tr.liquidation(Decimal("2450.980392"), Decimal("60000")) == "2,450.99"


@pytest.mark.parametrize("language", ["en", "es", "ru"])
def test_a_figure_past_the_decimal_context_still_formats(language: str) -> None:
    """A hostile 1e30 position made /recommend's distance overflow Babel's quantize (the
    fuzz's two internal errors): the figure is shown, in full up to 24 digits, else in
    scientific notation."""
    tr = Catalogs().translator(language)
    assert (
        tr.money(Decimal("123456789012345678901234"))
        .replace("\u00a0", " ")
        .startswith({"en": "123,456,789", "es": "123.456.789", "ru": "123 456 789"}[language])
    )
    assert tr.percent(Decimal("1e308"), 1) == "1E310%"
    assert tr.money(Decimal("1e30")) == "1E30"
    assert tr.integer(10**40) == "1E40"  # a chart's axis of such a portfolio, too
