"""Numbers in the user's locale: read the way the replies write them (`bot.parsing.numbers`)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.commands import Caller, CommandLayer
from bot.commands.registry import REGISTRY
from bot.i18n import Catalogs, number_format
from bot.parsing import ParseError
from bot.parsing.intents import AdjustMargin, Intent, OpenPosition, SetBalance, SetLeverage
from bot.parsing.numbers import ENGLISH, NumberFormat
from bot.telegram.newflow import STEPS
from bot.views.lines import plain

LANGUAGES = ("en", "es", "ru", "tr", "vi", "zh")
NBSP, THIN = "\u00a0", "\u2009"


def parse(text: str, language: str) -> Intent:
    return REGISTRY.parse(text, numbers=number_format(language))[1]


def test_the_formats_come_from_babel() -> None:
    assert number_format("en") == ENGLISH
    assert number_format("es") == NumberFormat(",", ".")
    assert number_format("ru") == NumberFormat(",", NBSP)
    assert number_format("zh") == ENGLISH


@pytest.mark.parametrize(
    ("language", "word", "value"),
    [
        ("en", "5.000", "5"),  # English as before: '.' is the decimal point
        ("en", "62,000.00", "62000"),
        ("en", "1,500", "1500"),
        ("en", "0,5", "0.5"),
        ("es", "5.000", "5000"),  # the locale's way first
        ("es", "3.100", "3100"),
        ("es", "62.000,00", "62000"),
        ("es", "1,500", "1.5"),
        ("es", "0.5", "0.5"),  # no group of three: the other convention
        ("es", "62,000.50", "62000.5"),
        ("es", "1,5m", "1500000"),
        ("es", "62k", "62000"),
        ("tr", "5.000", "5000"),
        ("vi", "5.000", "5000"),
        ("ru", "5 000", "5000"),
        ("ru", f"5{NBSP}000", "5000"),
        ("ru", f"5{THIN}000", "5000"),
        ("ru", "1 234 567,89", "1234567.89"),
        ("ru", "62,000", "62"),  # ',' is ru's decimal comma
        ("ru", "0.5", "0.5"),
    ],
)
def test_balance_reads_in_the_locale(language: str, word: str, value: str) -> None:
    assert parse(f"/balance {word}", language) == SetBalance(Decimal(value))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("word", ["62k", "$5000", "5000usdt", "5000 usdt", "1.5m"])
def test_suffixes_and_units_read_everywhere(language: str, word: str) -> None:
    intent = parse(f"/balance {word}", language)
    assert isinstance(intent, SetBalance)
    assert intent.amount in {Decimal(62000), Decimal(5000), Decimal(1_500_000)}


@pytest.mark.parametrize("language", ["es", "ru"])
def test_units_glued_to_local_numbers(language: str) -> None:
    grouped = "5.000" if language == "es" else "5 000"
    intent = parse(f"/long eth ${grouped} @ 3100", language)
    assert isinstance(intent, OpenPosition) and intent.notional == Decimal(5000)


def test_a_space_joins_only_three_digit_groups_in_ru() -> None:
    # '/long btc 5 000': one number (5,000 BTC, the price from the market); '0.5 62000' two.
    joined = parse("/long btc 5 000", "ru")
    apart = parse("/long btc 0.5 62000", "ru")
    grouped_price = parse("/long btc 0,5 62 000", "ru")
    assert isinstance(joined, OpenPosition) and (joined.qty, joined.price) == (Decimal(5000), None)
    assert isinstance(apart, OpenPosition)
    assert (apart.qty, apart.price) == (Decimal("0.5"), Decimal(62000))
    assert grouped_price == apart
    # English has no space grouping: '5 000' is neither two numbers nor guessed as 5,000;
    # the refusal names the number and how to write it.
    with pytest.raises(ParseError) as refused:
        parse("/long btc 5 000", "en")
    assert (refused.value.code, refused.value.params) == (
        "spaced_number",
        {"token": "5 000", "example": "5000"},
    )


@pytest.mark.parametrize(
    ("line", "token", "example"),
    [
        ("/calc long btc @ 62 000 x10 0.1", "62 000", "62000"),
        ("/balance 5 000", "5 000", "5000"),
        ("/long btc 0.1 @ 1 250 000", "1 250 000", "1250000"),
    ],
)
def test_english_names_a_spaced_number_instead_of_guessing(
    line: str, token: str, example: str
) -> None:
    with pytest.raises(ParseError) as refused:
        parse(line, "en")
    assert refused.value.code == "spaced_number"
    assert refused.value.params == {"token": token, "example": example}
    assert parse("/margin 1 100", "en") == AdjustMargin(1, Decimal(100))  # two words, as ever


def test_a_line_that_fails_joined_is_read_apart() -> None:
    # '/margin 1 100' joined would be '/margin 1100' (a missing argument): position 1, +100.
    assert parse("/margin 1 100", "ru") == AdjustMargin(1, Decimal(100))
    assert parse("/lev 1 125", "ru") == SetLeverage(1, Decimal(125))
    with pytest.raises(ParseError) as error:
        parse("/balance 5 000 000 7", "ru")  # fails either way: the joined error is shown
    assert error.value.code == "unexpected"


def test_plain_reads_the_same_in_every_locale() -> None:
    for value in ("1.234", "62000", "0.000012", "149.00", "1.5"):
        word = plain(Decimal(value))
        for language in LANGUAGES:
            assert parse(f"/balance {word}", language) == SetBalance(Decimal(value))
    assert plain(Decimal("1.234")) == "1.2340"  # es would read '1.234' as 1234


@pytest.mark.parametrize(
    ("language", "typed", "word"),
    [("en", "3.1k", "3.1k"), ("es", "3.100", "3.100"), ("ru", f"3{NBSP}100", "3100")],
)
def test_new_flow_steps_read_in_the_locale(language: str, typed: str, word: str) -> None:
    numbers = number_format(language)
    price = STEPS[3].read(typed, numbers)
    assert price == word
    assert STEPS[2].read("$" + typed, numbers) == "$" + word
    line = f"/long btc 1 @ {price}"
    intent = parse(line, language)
    assert isinstance(intent, OpenPosition) and intent.price == Decimal(3100)
    assert STEPS[4].read("12,5" if language != "en" else "12.5", numbers) == "x12.5"


def _plainly(text: str) -> Decimal:
    """The English rendering read without the parser under test."""
    return Decimal(text.replace(",", ""))


_TRANSLATORS = {code: Catalogs().translator(code) for code in LANGUAGES}
_EN = _TRANSLATORS["en"]
_amounts = st.decimals(
    min_value=Decimal("0.000001"), max_value=Decimal("1e12"), places=8, allow_nan=False
)


@settings(max_examples=300, deadline=None)
@given(value=_amounts, language=st.sampled_from(LANGUAGES))
def test_the_bots_own_numbers_read_back(value: Decimal, language: str) -> None:
    tr = _TRANSLATORS[language]
    for render in ("money", "price", "quantity"):
        shown = getattr(tr, render)(value)
        expected = _plainly(getattr(_EN, render)(value))
        if expected == 0:
            continue
        intent = parse(f"/long btc {tr.quantity(value)} @ {shown}", language)
        assert isinstance(intent, OpenPosition), (language, shown)
        assert intent.price == expected, (language, render, shown)
        assert intent.qty == _plainly(_EN.quantity(value))


@settings(max_examples=100, deadline=None)
@given(value=_amounts, language=st.sampled_from(LANGUAGES))
def test_a_negative_amount_reads_back(value: Decimal, language: str) -> None:
    shown = _TRANSLATORS[language].money(-value)
    expected = -_plainly(_EN.money(value))
    if expected == 0:
        return
    assert parse(f"/margin 1 {shown}", language) == AdjustMargin(1, expected)


@pytest.mark.parametrize(
    ("language", "line", "shown"),
    [
        ("en", "/balance 5.000", "Wallet balance set to 5.00 USDT."),
        ("en", "/balance 5,000", "Wallet balance set to 5,000.00 USDT."),
        ("es", "/balance 5.000", "Saldo de la billetera fijado en 5.000,00 USDT."),
        ("es", "/balance 62.000,00", "Saldo de la billetera fijado en 62.000,00 USDT."),
        ("ru", "/balance 5 000", f"Баланс кошелька установлен: 5{NBSP}000,00 USDT."),
        ("ru", f"/balance 5{NBSP}000", f"Баланс кошелька установлен: 5{NBSP}000,00 USDT."),
        ("en", "/long eth 1.5 @ 3,100", "Added #1 ETHUSDT long 1.5 @ 3,100.00 ×10 isolated"),
        ("es", "/long eth 1,5 @ 3.100", "Posición añadida: #1 ETHUSDT largo 1,5 @ 3.100,00 ×10"),
        ("ru", "/long btc 0,5 62 000", f"Добавлено: #1 BTCUSDT лонг 0,5 @ 62{NBSP}000,00 ×10"),
        ("en", "/calc long btc 1,500 @ 62000", "long 1,500 BTCUSDT @ 62,000.00"),
        ("es", "/calc long btc 1,500 @ 62000", "largo 1,5 BTCUSDT @ 62.000,00"),
        ("ru", "/calc long btc 1,500 @ 62 000", f"лонг 1,5 BTCUSDT @ 62{NBSP}000,00"),
    ],
)
async def test_replies_echo_what_was_understood(
    layer: CommandLayer, language: str, line: str, shown: str
) -> None:
    reply = await layer.handle(line, Caller(user_id=7, language_code=language))
    assert reply.plain_text().startswith(shown)


@pytest.mark.parametrize(
    ("language", "line", "shown"),
    [
        ("en", "/margin 1 +100", "Margin added: 100.00 USDT"),
        ("es", "/margin 1 +1.000,5", "Margen añadido: 1.000,50 USDT"),
        ("ru", "/margin 1 1 000", f"Маржа добавлена: 1{NBSP}000,00 USDT"),
        ("es", "/lev 1 12,5", "×12,5"),
        ("es", "/price btc 62.000", "62.000,00"),
    ],
)
async def test_changes_echo_the_stored_number(
    layer: CommandLayer, language: str, line: str, shown: str
) -> None:
    caller = Caller(user_id=8, language_code=language)
    await layer.handle("/long eth 1 @ 3000 10x iso", caller)
    reply = await layer.handle(line, caller)
    assert shown in reply.plain_text()


def test_apostrophe_grouping_where_the_locale_uses_it() -> None:
    swiss = NumberFormat(".", "\u2019")  # de-CH writes 1’234.50; ' reads the same
    assert swiss.read("1\u2019234.50") == swiss.read("1'234.50") == Decimal("1234.50")
    assert ENGLISH.read("1'234") is None
