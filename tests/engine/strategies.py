"""Hypothesis strategies for realistic positions on the shipped tier tables."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Any

from hypothesis import strategies as st

from engine.exchanges.hyperliquid import MarginTier, asset_table
from engine.models import Exchange, Portfolio, TierTable, build
from engine.tiers import TierBook, load_tier_book

_BOOK = load_tier_book()
_M = Decimal(1_000_000)
# Hyperliquid ships no tables: each position carries its asset's, here the mainnet tables of
# the "Margin tiers" page (BTC 40x to 150M then 20x; DOGE 10x to 20M then 5x) and a flat 3x.
HYPERLIQUID_TABLES = {
    "BTCUSDT": asset_table(
        Decimal(40),
        56,
        {56: (MarginTier(Decimal(0), Decimal(40)), MarginTier(150 * _M, Decimal(20)))},
    ),
    "DOGEUSDT": asset_table(
        Decimal(10),
        52,
        {52: (MarginTier(Decimal(0), Decimal(10)), MarginTier(20 * _M, Decimal(5)))},
    ),
    "NEWCOINUSDT": asset_table(Decimal(3), 3, {}),
}

SYMBOLS = {
    Exchange.BINANCE: ["BTCUSDT", "ETHUSDT", "SOLUSDT", "DOGEUSDT", "1000PEPEUSDT", "NEWCOINUSDT"],
    Exchange.BYBIT: ["BTCUSDT", "VOXELUSDT", "ETHUSDT"],
    Exchange.OKX: ["BTCUSDT", "SUIUSDT", "ETHUSDT"],
    Exchange.HYPERLIQUID: list(HYPERLIQUID_TABLES),
    Exchange.CUSTOM: ["BTCUSDT", "ETHUSDT"],  # one rule for every symbol; two for a cross account
}
PRICES = {"BTCUSDT": 60000, "ETHUSDT": 3000, "SOLUSDT": 150, "DOGEUSDT": 0.15}


def book() -> TierBook:
    return _BOOK


def decimals(low: int, high: int, places: int) -> st.SearchStrategy[Decimal]:
    """Decimals with `places` decimal places between low and high, built from integers."""
    scale = 10**places
    return st.integers(low * scale, high * scale).map(lambda n: Decimal(n) / scale)


@st.composite
def position_data(
    draw: st.DrawFn, exchange: Exchange, mode: str = "isolated", symbol: str | None = None
) -> dict[str, Any]:
    """A position on `exchange` (on `symbol`, or one of the exchange's), within its tiers."""
    symbol = symbol or draw(st.sampled_from(SYMBOLS[exchange]))
    base_price = Decimal(str(PRICES.get(symbol, 2)))
    entry = base_price * draw(decimals(5, 20, 2)) / 10
    mark = entry * draw(decimals(80, 120, 2)) / 100
    notional = draw(decimals(10, 2_000_000, 0))
    qty = (notional / entry).quantize(Decimal("0.001")) or Decimal("0.001")
    table = _table(exchange, symbol)
    max_leverage = 100
    if table is not None and table.partial:  # a partial table refuses sizes past its last cap
        cap = table.tiers[-1].cap if table.basis == "quantity" else table.tiers[-1].cap / entry
        qty = min(qty, cap.quantize(Decimal("0.001"), rounding=ROUND_DOWN))
    if table is not None:
        size = qty if table.basis == "quantity" else qty * entry
        max_leverage = int(table.tier_for(size).max_leverage)
    leverage = draw(st.integers(1, max(1, max_leverage)))
    carried = {"tiers": table} if exchange is Exchange.HYPERLIQUID else {}
    return carried | {
        "id": "p",
        "symbol": symbol,
        "side": draw(st.sampled_from(["long", "short"])),
        "qty": qty,
        "entry_price": entry,
        "mark_price": mark,
        "leverage": leverage,
        "margin_mode": mode,
    }


def _table(exchange: Exchange, symbol: str) -> TierTable | None:
    if exchange is Exchange.HYPERLIQUID:
        return HYPERLIQUID_TABLES[symbol]
    return _BOOK.table(exchange, symbol) if exchange is not Exchange.CUSTOM else None


def two_symbols(exchange: Exchange) -> st.SearchStrategy[list[str]]:
    """Two different symbols of `exchange`: two positions one-way mode can hold together."""
    return st.lists(st.sampled_from(SYMBOLS[exchange]), min_size=2, max_size=2, unique=True)


def portfolio_of(exchange: Exchange, wallet: Decimal, *positions: dict[str, Any]) -> Portfolio:
    data: dict[str, Any] = {
        "exchange": exchange.value,
        "wallet_balance": wallet,
        "positions": list(positions),
    }
    if exchange is Exchange.CUSTOM:
        data["custom"] = {"mmr": "0.006", "maintenance_amount": "5", "fee_rate": "0.0004"}
    return build(Portfolio, data)


exchanges = st.sampled_from(list(Exchange))
