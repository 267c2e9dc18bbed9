"""Every exchange has one profile, and each profile says where its rules come from.

Parametrized over the Exchange enum, so a new member without its profile, its
source or a symbol spelling that round-trips fails here, not in production.
"""

from __future__ import annotations

import inspect
import json
from datetime import date
from decimal import Decimal

import pytest

from engine.exchanges import PROFILES, ExchangeProfile, profile
from engine.models import Exchange
from engine.tiers import shipped_tier_dir

SYMBOLS = ("BTCUSDT", "ETHUSDT", "1000PEPEUSDT", "币安人生USDT")


@pytest.mark.parametrize("exchange", list(Exchange), ids=str)
def test_every_exchange_has_a_profile_with_its_formula_and_source(exchange: Exchange) -> None:
    rules = profile(exchange)

    assert isinstance(rules, ExchangeProfile) and rules.exchange is exchange
    doc = inspect.getdoc(type(rules)) or ""
    assert "MM =" in doc, "the docstring states the maintenance formula"
    assert rules.source and rules.title
    assert Decimal(0) <= rules.taker_fee < Decimal("0.01")
    if rules.api_url is not None:  # an exchange with a market: a page, dated, in the docstring
        assert rules.source.startswith("https://")
        assert date.fromisoformat(rules.source_date)
        assert rules.source_date in doc and "Source:" in doc


def test_the_profiles_are_listed_once_each() -> None:
    assert list(PROFILES) == list(Exchange)
    assert len({type(p) for p in PROFILES.values()}) == len(Exchange)


@pytest.mark.parametrize("exchange", list(Exchange), ids=str)
@pytest.mark.parametrize("symbol", SYMBOLS)
def test_symbol_names_round_trip(exchange: Exchange, symbol: str) -> None:
    naming = profile(exchange).naming
    assert naming.canonical(naming.native(symbol)) == symbol


@pytest.mark.parametrize(
    ("exchange", "symbol", "native", "unit"),
    [
        (Exchange.BINANCE, "BTCUSDT", "BTCUSDT", ("BTC", 1)),
        (Exchange.BINANCE, "1000PEPEUSDT", "1000PEPEUSDT", ("PEPE", 1000)),
        (Exchange.BYBIT, "1000000MOGUSDT", "1000000MOGUSDT", ("MOG", 1_000_000)),
        (Exchange.BYBIT, "1INCHUSDT", "1INCHUSDT", ("1INCH", 1)),  # a coin, not a multiplier
        (Exchange.OKX, "BTCUSDT", "BTC-USDT-SWAP", ("BTC", 1)),
        (Exchange.OKX, "PEPEUSDT", "PEPE-USDT-SWAP", ("PEPE", 1)),  # OKX: ctVal says how many
    ],
)
def test_each_exchange_spells_a_market_its_own_way(
    exchange: Exchange, symbol: str, native: str, unit: tuple[str, int]
) -> None:
    naming = profile(exchange).naming
    assert naming.native(symbol) == native
    assert naming.canonical(native) == symbol
    assert naming.multiplier(symbol) == unit


@pytest.mark.parametrize(
    ("exchange", "native"),
    [
        (Exchange.BINANCE, "BTCUSDT_260925"),  # a dated future
        (Exchange.BINANCE, "BTCUSDC"),
        (Exchange.BYBIT, "BTCPERP"),  # the USDC perpetual
        (Exchange.OKX, "BTC-USD-SWAP"),  # coin-margined
        (Exchange.OKX, "BTC-USDT-250926"),  # a delivery future
        (Exchange.OKX, "BTCUSDT"),  # not how OKX names a swap
    ],
)
def test_other_markets_are_not_read_as_the_usdt_perpetual(exchange: Exchange, native: str) -> None:
    assert profile(exchange).naming.canonical(native) is None


@pytest.mark.parametrize("exchange", list(Exchange), ids=str)
def test_a_market_exchange_has_a_tier_source_and_a_shipped_file_in_its_basis(
    exchange: Exchange,
) -> None:
    rules = profile(exchange)
    files = sorted(shipped_tier_dir().glob(f"{exchange.value}_*.json"))
    if rules.api_url is None or rules.tiers_with_marks:  # no market, or tables read live
        assert rules.tier_source is None and not files
        return
    assert rules.tier_source is not None and rules.tier_source.docs.startswith("https://")
    assert files, f"no engine/data/tiers/{exchange.value}_<date>.json"
    for path in files:
        assert json.loads(path.read_text(encoding="utf-8"))["basis"] == rules.tier_basis
