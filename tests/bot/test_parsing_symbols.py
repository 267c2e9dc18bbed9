"""Multiplied contracts as traders type them: '1000PEPEUSDT', '1000pepe', and 'listed'."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.parsing.intents import Calc, OpenPosition
from engine.models import Side
from tests.bot.conftest import parse


@pytest.mark.parametrize(
    ("text", "symbol", "qty", "price"),
    [
        ("/long 1000PEPEUSDT 50000 @ 0.012 10x", "1000PEPEUSDT", "50000", "0.012"),
        ("/long 1000pepe 50000 @ 0.012 10x", "1000PEPEUSDT", "50000", "0.012"),
        ("/long 50000 1000pepe 0.012", "1000PEPEUSDT", "50000", "0.012"),
        ("/long 1mbabydogeusdt 5 @ 0.001", "1MBABYDOGEUSDT", "5", "0.001"),
        ("/long 1matic @ 0.5", "MATICUSDT", "1", "0.5"),  # '1M' needs the contract's name
        # no other size: a power of ten glued to a coin stays a size in that coin
        ("/long 1000pepe @ 0.000012", "PEPEUSDT", "1000", "0.000012"),
        ("/long 1000btc @ 62000", "BTCUSDT", "1000", "62000"),
        # another word names the symbol: '1000pepe' is its size
        ("/long pepe 1000pepe @ 0.000012", "PEPEUSDT", "1000", "0.000012"),
        ("/long pepe 50000 @ 0.000012", "PEPEUSDT", "50000", "0.000012"),
        # an 'm' or 'k' that begins the coin's name is not a million or a thousand
        ("/long 1000000mog 5 @ 1", "1000000MOGUSDT", "5", "1"),
        ("/long 1000000mogusdt 5 @ 1", "1000000MOGUSDT", "5", "1"),
        ("/long 100matic @ 0.5", "MATICUSDT", "100", "0.5"),
        ("/long 3ksm @ 20", "KSMUSDT", "3", "20"),
    ],
)
def test_a_multiplied_contract_is_a_symbol_when_the_size_is_elsewhere(
    text: str, symbol: str, qty: str, price: str
) -> None:
    intent = parse(text)
    assert isinstance(intent, OpenPosition)
    assert (intent.symbol, intent.qty, intent.price) == (symbol, Decimal(qty), Decimal(price))


def test_a_notional_size_makes_the_glued_word_the_symbol() -> None:
    intent = parse("/short 1000pepe $500 @ 0.012")
    assert intent == OpenPosition(
        Side.SHORT, "1000PEPEUSDT", notional=Decimal(500), price=Decimal("0.012")
    )


def test_calc_reads_the_glued_word_as_the_symbol_when_a_size_follows_the_price() -> None:
    intent = parse("/calc long 1000pepe 0.012 50000")
    assert intent == Calc(Side.LONG, "1000PEPEUSDT", Decimal("0.012"), qty=Decimal(50000))


def test_listed_confirms_an_unknown_symbol() -> None:
    intent = parse("/long xyz123 5 @ 1 listed")
    assert isinstance(intent, OpenPosition)
    assert (intent.symbol, intent.listed) == ("XYZ123USDT", True)
    assert not parse("/long btc 0.5 @ 62000").listed  # type: ignore[attr-defined]


def test_a_k_or_m_before_a_currency_still_multiplies() -> None:
    intent = parse("/long btc 5kusdt @ 62000")
    assert isinstance(intent, OpenPosition)
    assert intent.notional == Decimal("5000")


def test_calc_with_the_price_named_reads_the_one_bare_number_as_the_size() -> None:
    # '@ 0.012' fills the price, so 50 is the size and '1000pepe' the contract
    intent = parse("/calc long 1000pepe @ 0.012 10x 50")
    assert isinstance(intent, Calc)
    assert (intent.symbol, intent.qty, intent.price, intent.balance) == (
        "1000PEPEUSDT",
        Decimal("50"),
        Decimal("0.012"),
        None,
    )
