"""Hyperliquid perpetuals (USDC-settled): the margin rules, coin names and margin tables.

Hyperliquid publishes every asset's margin table with its marks (`meta.marginTables`
of the `/info` `metaAndAssetCtxs` answer), so no tier file is shipped: the feed
reads the tables, `asset_table` turns one into a `TierTable`, and each Position
carries its own (`Position.tiers`); the formulas never look a table up.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from engine.errors import EngineError, TierDataError
from engine.exchanges.base import ExchangeProfile, SymbolNaming
from engine.models import Exchange, Tier, TierTable
from engine.numbers import ONE, ZERO
from engine.symbols import base_asset, canonical_symbol

__all__ = [
    "FLAT_TABLE_IDS",
    "NAMING",
    "CoinNaming",
    "HyperliquidProfile",
    "MarginTier",
    "asset_table",
    "maintenance_rate",
    "margin_table",
]

FLAT_TABLE_IDS = (
    50  # "For IDs less than 50, there is a single tier with max leverage equal to the ID"
)
_NO_CAP = Decimal("1e30")
_TWO = Decimal(2)
_THOUSAND = 1000
# A main-dex perpetual: 'BTC', or 'kPEPE' (a lower-case k: 1,000 PEPE). Spot pairs ('@107',
# 'PURR/USDC') and builder-deployed (HIP-3) markets ('xyz:TSLA') are not matched.
_COIN = re.compile(r"(k)?([^\W_][^\W_]*)")


@dataclass(frozen=True, slots=True)
class CoinNaming(SymbolNaming):
    """Hyperliquid names a perpetual by its coin ('BTC'); 'kPEPE' counts 1,000 PEPE.

    The canonical key stays the one every exchange shares ('BTCUSDT', '1000PEPEUSDT'),
    although Hyperliquid settles in USDC: a key names the market's coin and unit,
    and the settlement asset is the profile's (`HyperliquidProfile.settlement`).
    """

    def native(self, symbol: str) -> str:
        """'BTCUSDT' -> 'BTC'; '1000PEPEUSDT' -> 'kPEPE'."""
        coin, count = self.multiplier(symbol)
        return f"k{coin}" if count == _THOUSAND else base_asset(symbol)

    def canonical(self, native: str) -> str | None:
        """'BTC' -> 'BTCUSDT', 'kPEPE' -> '1000PEPEUSDT'; None for a spot pair, a HIP-3
        market or any name that is not a coin."""
        found = _COIN.fullmatch(native)
        if found is None:
            return None
        thousands, coin = found.groups()
        if thousands and not coin[0].isupper():
            thousands, coin = None, native  # a coin that merely starts with k ('kaito')
        try:
            return canonical_symbol(f"{_THOUSAND}{coin}" if thousands else coin)
        except EngineError:
            return None


NAMING = CoinNaming()


@dataclass(frozen=True, slots=True)
class MarginTier:
    """One row of a Hyperliquid margin table: from `lower_bound` (USDC notional) up,
    at most `max_leverage`."""

    lower_bound: Decimal
    max_leverage: Decimal


def maintenance_rate(max_leverage: Decimal) -> Decimal:
    """Half the initial margin rate at the maximum leverage: 1 / (2 x maxLeverage)."""
    if max_leverage < ONE:
        raise TierDataError(reason="rate_out_of_range", exchange="hyperliquid")
    return ONE / (_TWO * max_leverage)


def margin_table(rows: Sequence[MarginTier], *, source: str = "") -> TierTable:
    """A margin table as the engine's tiers: mmr(n) = 1 / (2 x maxLeverage(n)) and
    deduction(n) = deduction(n-1) + lower_bound(n) x (mmr(n) - mmr(n-1)), deduction(0) = 0,
    so maintenance = notional x mmr - deduction is continuous in the notional."""
    if not rows or rows[0].lower_bound != ZERO:
        raise TierDataError(reason="not_contiguous", exchange="hyperliquid", tier=1)
    tiers: list[Tier] = []
    deduction, previous = ZERO, None
    for index, row in enumerate(rows):
        rate = maintenance_rate(row.max_leverage)
        if previous is not None:
            deduction += row.lower_bound * (rate - previous)
        cap = rows[index + 1].lower_bound if index + 1 < len(rows) else _NO_CAP
        tiers.append(
            Tier(
                floor=row.lower_bound,
                cap=cap,
                mmr=rate,
                maintenance_amount=deduction,
                max_leverage=row.max_leverage,
            )
        )
        previous = rate
    return TierTable(tiers=tuple(tiers), source=source)


def asset_table(
    max_leverage: Decimal,
    table_id: int | None,
    tables: Mapping[int, Sequence[MarginTier]],
    *,
    source: str = "",
) -> TierTable:
    """The table one asset trades on: its `marginTableId`'s rows, a single tier at the ID's
    leverage for IDs below 50, or (no ID) a single tier at the asset's `maxLeverage`.

    No tier allows more than the asset's own `maxLeverage`: where the two disagree the
    lower leverage, the higher maintenance rate, is the cautious reading.
    """
    if table_id is None:
        rows: Sequence[MarginTier] = (MarginTier(ZERO, max_leverage),)
    elif table_id < FLAT_TABLE_IDS:
        rows = (MarginTier(ZERO, Decimal(table_id)),)
    elif table_id in tables:
        rows = tables[table_id]
    else:
        raise TierDataError(reason="no_table", exchange="hyperliquid", table=table_id)
    capped = [MarginTier(r.lower_bound, min(r.max_leverage, max_leverage)) for r in rows]
    return margin_table(capped, source=source)


class HyperliquidProfile(ExchangeProfile):
    """Hyperliquid perpetual: MM = notional(mark) x mmr - deduction, mmr = 1 / (2 x maxLeverage).

    "The maintenance margin is half of the initial margin at max leverage" (3-50x, so
    1% to 16.7%); a position is liquidated when the account equity (cross) or the
    isolated margin plus unrealized PnL (isolated) falls below the maintenance margin,
    at the mark price. The exchange's own estimate is
        liq_price = price - side x margin_available / size / (1 - side / maintenance_leverage)
    (side +1 long, -1 short; margin_available = isolated margin or account value, less
    maintenance), the same condition solved at the mark; the engine's shared solver
    solves it with the tiers. Tiered assets: maintenance = notional x mmr(n) -
    deduction(n), deduction(n) = deduction(n-1) + lower_bound(n) x (mmr(n) - mmr(n-1)),
    the tier following the notional at the tested price; "for IDs less than 50, there
    is a single tier with max leverage equal to the ID". No fee enters maintenance.
    The isolated wallet is the margin the exchange reports for the position. One-way
    only: Hyperliquid nets a coin's trades into one signed position (`szi`).

    Source: Hyperliquid Docs, "Liquidations"
    (https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations) and
    "Margin tiers" (https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers),
    read 2026-12-04. Tiers: `meta.marginTables` of POST /info {"type": "metaAndAssetCtxs"},
    bounded by notional in USDC; read live, none shipped.
    """

    exchange = Exchange.HYPERLIQUID
    title = "Hyperliquid perpetual (USDC)"
    source = "https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations"
    source_date = "2026-12-04"
    taker_fee = Decimal("0.00045")  # base tier taker fee, 0.045%
    tier_basis = "notional"
    naming = NAMING
    api_url = "https://api.hyperliquid.xyz"
    tiers_with_marks = True
    settlement = "USDC"
