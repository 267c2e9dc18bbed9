"""Hyperliquid's perpetual markets from one `metaAndAssetCtxs` answer: marks, funding, rules.

POST /info {"type": "metaAndAssetCtxs"} answers `[meta, assetCtxs]`: `meta.universe`
lists each asset ({"name", "szDecimals", "maxLeverage", "marginTableId",
"onlyIsolated"?, "isDelisted"?}), `assetCtxs` is aligned with it by index
({"markPx", "oraclePx", "funding" (hourly rate), ...}), and `meta.marginTables` holds
the tiered tables as [id, {"description", "marginTiers": [{"lowerBound", "maxLeverage"}]}]
pairs. Each asset's table is built once here (`engine.exchanges.hyperliquid.asset_table`).

A universe and a context list of different lengths, or a margin table that does not
read, refuse the whole answer (the alignment or the rules are in doubt). One asset
whose mark or leverage does not read is left out, with its coin in `unreadable`: an
account holding it is then refused as `unknown_market` rather than priced wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.feeds.hyperliquid.errors import SnapshotError
from engine.errors import EngineError
from engine.exchanges.hyperliquid import NAMING, MarginTier, asset_table
from engine.models import TierTable
from engine.numbers import ZERO, to_decimal

__all__ = ["Market", "MarketSnapshot", "parse_markets"]

SOURCE = "Hyperliquid POST /info metaAndAssetCtxs, meta.marginTables"


@dataclass(frozen=True, slots=True)
class Market:
    """One perpetual: its coin ('kPEPE'), canonical key ('1000PEPEUSDT') and rules."""

    coin: str
    symbol: str
    mark: Decimal
    oracle: Decimal | None
    funding: Decimal | None  # the hourly funding rate, as a fraction
    max_leverage: Decimal
    table_id: int | None
    only_isolated: bool
    table: TierTable


@dataclass(frozen=True, slots=True)
class MarketSnapshot:
    """Every main-dex perpetual that read, by coin; `unreadable` lists those that did not."""

    markets: Mapping[str, Market]
    unreadable: tuple[str, ...] = ()

    def market(self, coin: str) -> Market:
        """The market of `coin`; SnapshotError("unknown_market") when it is not listed."""
        found = self.markets.get(coin)
        if found is None:
            raise SnapshotError("unknown_market", coin=coin[:40])
        return found


def parse_markets(payload: Any) -> MarketSnapshot:
    """The answer to metaAndAssetCtxs, or SnapshotError when its shape is not the documented one."""
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], dict)):
        raise SnapshotError("bad_shape", field="$")
    meta, contexts = payload
    universe = meta.get("universe")
    if not isinstance(universe, list) or not isinstance(contexts, list):
        raise SnapshotError("bad_shape", field="universe")
    if len(universe) != len(contexts):
        raise SnapshotError("bad_shape", field="assetCtxs", expected=len(universe))
    tables = _tables(meta.get("marginTables", []))
    markets: dict[str, Market] = {}
    unreadable: list[str] = []
    built: dict[tuple[int | None, Decimal], TierTable] = {}  # assets share a few tables
    for asset, context in zip(universe, contexts, strict=True):
        market = _market(asset, context, tables, built)
        if isinstance(market, Market):
            markets[market.coin] = market
        elif market:
            unreadable.append(market)
    return MarketSnapshot(markets, tuple(unreadable))


def _tables(raw: Any) -> dict[int, tuple[MarginTier, ...]]:
    """`meta.marginTables` by id; a table that does not read refuses the answer."""
    if not isinstance(raw, list):
        raise SnapshotError("bad_shape", field="marginTables")
    tables = {}
    for entry in raw:
        try:
            table_id, body = entry
            rows = tuple(
                MarginTier(
                    to_decimal(tier["lowerBound"], "lowerBound"),
                    to_decimal(tier["maxLeverage"], "maxLeverage"),
                )
                for tier in body["marginTiers"]
            )
            if not isinstance(table_id, int) or not rows:
                raise ValueError(table_id)
        except (EngineError, ValueError, TypeError, KeyError):
            raise SnapshotError("bad_shape", field="marginTables") from None
        tables[table_id] = rows
    return tables


def _market(
    asset: Any,
    context: Any,
    tables: Mapping[int, Sequence[MarginTier]],
    built: dict[tuple[int | None, Decimal], TierTable],
) -> Market | str | None:
    """The asset's market; its coin when it does not read; None for a name no key fits."""
    if not isinstance(asset, dict) or not isinstance(asset.get("name"), str):
        return None
    coin: str = asset["name"]
    symbol = NAMING.canonical(coin)
    if symbol is None:
        return None
    try:
        if not isinstance(context, dict):
            raise ValueError(coin)
        max_leverage = to_decimal(asset.get("maxLeverage"), "maxLeverage")
        table_id = asset.get("marginTableId")
        if table_id is not None and not isinstance(table_id, int):
            raise ValueError(table_id)
        mark = to_decimal(context.get("markPx"), "markPx")
        if mark <= ZERO:
            raise ValueError(mark)
        key = (table_id, max_leverage)
        table = built.get(key) or asset_table(max_leverage, table_id, tables, source=SOURCE)
        built[key] = table
    except (EngineError, ValueError):
        return coin[:40]
    return Market(
        coin=coin,
        symbol=symbol,
        mark=mark,
        oracle=_optional(context.get("oraclePx")),
        funding=_optional(context.get("funding")),
        max_leverage=max_leverage,
        table_id=table_id,
        only_isolated=asset.get("onlyIsolated") is True,
        table=table.model_copy(update={"symbol": symbol}),
    )


def _optional(value: object) -> Decimal | None:
    try:
        return to_decimal(value, "value")
    except EngineError:
        return None
