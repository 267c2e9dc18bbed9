"""The symbol universe: which contract a typed symbol means on each exchange, and how
typed sizes and prices convert (rules in `engine.universe`'s docstring)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.exchanges import profile
from engine.models import Exchange
from engine.symbols import canonical_symbol
from engine.tiers import load_tier_book
from engine.universe import Resolution, SymbolUniverse, UnknownSymbol

LISTED = {
    Exchange.BINANCE: ["BTCUSDT", "ETHUSDT", "1000PEPEUSDT", "1MBABYDOGEUSDT", "BICOUSDT"],
    Exchange.BYBIT: ["BTCUSDT", "10000WENUSDT"],
    Exchange.OKX: ["BTCUSDT", "PEPEUSDT"],
}
UNIVERSE = SymbolUniverse(LISTED)


def _resolve(exchange: Exchange, typed: str) -> Resolution:
    found = UNIVERSE.resolve(exchange, canonical_symbol(typed))
    assert isinstance(found, Resolution)
    return found


@pytest.mark.parametrize(
    ("exchange", "typed", "contract", "ratio", "listed"),
    [
        (Exchange.BINANCE, "pepe", "1000PEPEUSDT", "1000", True),
        (Exchange.BINANCE, "PEPE/USDT", "1000PEPEUSDT", "1000", True),
        (Exchange.BINANCE, "PEPE-USDT-SWAP", "1000PEPEUSDT", "1000", True),
        (Exchange.BINANCE, "1000pepe", "1000PEPEUSDT", "1", True),
        (Exchange.BINANCE, "1000PEPEUSDT", "1000PEPEUSDT", "1", True),
        (Exchange.BINANCE, "babydoge", "1MBABYDOGEUSDT", "1000000", True),
        (Exchange.BINANCE, "btc", "BTCUSDT", "1", True),
        (Exchange.BINANCE, "btc-usdt-swap", "BTCUSDT", "1", True),
        (Exchange.BYBIT, "wen", "10000WENUSDT", "10000", True),
        # Bybit's list here lacks PEPE: the multiplied name Binance uses, not in the list
        (Exchange.BYBIT, "pepe", "1000PEPEUSDT", "1000", False),
        (Exchange.BYBIT, "eth", "ETHUSDT", "1", False),
        # OKX names no multiplier: 1000PEPE typed is 1,000 PEPE of PEPE-USDT-SWAP
        (Exchange.OKX, "1000pepe", "PEPEUSDT", "0.001", True),
        (Exchange.OKX, "pepe-usdt-swap", "PEPEUSDT", "1", True),
        (Exchange.OKX, "eth", "ETHUSDT", "1", False),
        (Exchange.CUSTOM, "pepe", "1000PEPEUSDT", "1000", False),
    ],
)
def test_a_typed_symbol_resolves_to_the_exchange_contract(
    exchange: Exchange, typed: str, contract: str, ratio: str, listed: bool
) -> None:
    found = _resolve(exchange, typed)
    assert (found.contract.symbol, found.ratio, found.listed) == (contract, Decimal(ratio), listed)


def test_a_size_in_coins_and_a_price_per_coin_convert_to_contracts() -> None:
    found = _resolve(Exchange.BINANCE, "pepe")
    # 50,000 PEPE / 1,000 = 50 contracts; 0.000012 per PEPE x 1,000 = 0.012 per contract
    assert found.size(Decimal("50000")) == Decimal("50")
    assert found.price(Decimal("0.000012")) == Decimal("0.012")
    assert found.converts


def test_the_multiplied_name_typed_means_contracts_unchanged() -> None:
    found = _resolve(Exchange.BINANCE, "1000pepe")
    assert not found.converts
    assert found.size(Decimal("50")) == Decimal("50")
    assert found.price(Decimal("0.012")) == Decimal("0.012")


@pytest.mark.parametrize(
    ("typed", "suggestions"),
    [
        ("bitcoin", ("BTC", "BICO")),  # the coin's name, then the nearest tickers
        ("btcc", ("BTC",)),
        ("XYZ123", ()),
    ],
)
def test_an_unknown_symbol_comes_with_the_nearest_known_coins(
    typed: str, suggestions: tuple[str, ...]
) -> None:
    found = UNIVERSE.resolve(Exchange.BINANCE, canonical_symbol(typed))
    assert isinstance(found, UnknownSymbol)
    assert found.suggestions == suggestions


def test_the_shipped_tables_list_binance_1000pepe() -> None:
    book = load_tier_book()
    universe = SymbolUniverse({e: book.symbols(e) for e in Exchange})
    assert universe.knows(Exchange.BINANCE, "1000PEPEUSDT")
    assert not universe.knows(Exchange.BINANCE, "PEPEUSDT")
    assert universe.knows(Exchange.OKX, "PEPEUSDT")


def test_binance_counts_1m_as_a_million() -> None:
    assert profile(Exchange.BINANCE).naming.multiplier("1MBABYDOGEUSDT") == ("BABYDOGE", 10**6)
