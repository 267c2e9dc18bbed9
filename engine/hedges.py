"""Which positions belong together: hedges, and legs that must share a margin mode.

Two positions are linked when they sit on opposite sides of one market, or of
two markets whose returns are strongly correlated (their losses offset), and
always when they are in the same market (hedge-mode legs of one symbol must
share a margin mode on every exchange). A linked group is a *hedge* when it
holds both sides and the smaller side offsets at least `min_offset` of the
larger one, each side weighed by notional times volatility (a 1 BTC long is
not hedged by a 1 ETH short of a twentieth of the value).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from engine.market import CorrelationEstimate, MarketData
from engine.models import Position, Side
from engine.numbers import ZERO

__all__ = ["Group", "group_positions"]


@dataclass(frozen=True, slots=True)
class Group:
    position_ids: tuple[str, ...]
    symbols: tuple[str, ...]
    hedged: bool
    offset: Decimal  # smaller side / larger side, weighed by notional x volatility; 0 for one side
    weakest_link: CorrelationEstimate | None  # the lowest correlation that joins the group


def group_positions(
    positions: Sequence[Position],
    notionals: Mapping[str, Decimal],
    market: MarketData,
    *,
    strong_correlation: Decimal,
    min_offset: Decimal,
) -> tuple[Group, ...]:
    """Positions split into groups (singletons included), in portfolio order.

    A linked set that is no hedge falls apart into its markets: correlation
    alone is no reason to give two positions one mode.
    """
    members, links = _linked(positions, market, strong_correlation)
    groups: list[Group] = []
    for legs in members:
        joined = [link for leg in legs for link in links[leg.id]]
        offset = _offset(legs, notionals, market)
        if joined and offset >= min_offset:
            groups.append(_group(legs, offset, joined, hedged=True))
            continue
        by_symbol: dict[str, list[Position]] = {}
        for leg in legs:  # not a hedge: only legs of one market stay together
            by_symbol.setdefault(leg.symbol, []).append(leg)
        for same in by_symbol.values():
            own = [link for leg in same for link in links[leg.id] if link.first == link.second]
            groups.append(_group(same, _offset(same, notionals, market), own, hedged=False))
    order = {p.id: index for index, p in enumerate(positions)}
    return tuple(sorted(groups, key=lambda g: order[g.position_ids[0]]))


def _linked(
    positions: Sequence[Position], market: MarketData, strong: Decimal
) -> tuple[list[list[Position]], dict[str, list[CorrelationEstimate]]]:
    """Connected sets of linked positions, and each position's links to opposite legs."""
    parent = {p.id: p.id for p in positions}
    links: dict[str, list[CorrelationEstimate]] = {p.id: [] for p in positions}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for index, first in enumerate(positions):
        for second in positions[index + 1 :]:
            link = _link(first, second, market, strong)
            if link is None:
                continue
            parent[root(second.id)] = root(first.id)
            if first.side is not second.side:
                links[first.id].append(link)
    members: dict[str, list[Position]] = {}
    for position in positions:
        members.setdefault(root(position.id), []).append(position)
    return list(members.values()), links


def _group(
    legs: Sequence[Position],
    offset: Decimal,
    links: Sequence[CorrelationEstimate],
    *,
    hedged: bool,
) -> Group:
    return Group(
        position_ids=tuple(leg.id for leg in legs),
        symbols=tuple(dict.fromkeys(leg.symbol for leg in legs)),
        hedged=hedged,
        offset=offset,
        weakest_link=min(links, key=lambda c: c.value, default=None),
    )


def _link(
    first: Position, second: Position, market: MarketData, strong: Decimal
) -> CorrelationEstimate | None:
    """The correlation that links two positions, or None when they stand apart."""
    estimate = market.correlation(first.symbol, second.symbol)
    if first.symbol == second.symbol:
        return estimate
    if first.side is second.side or estimate is None or estimate.value < strong:
        return None
    return estimate


def _offset(
    legs: Sequence[Position], notionals: Mapping[str, Decimal], market: MarketData
) -> Decimal:
    sides = {Side.LONG: ZERO, Side.SHORT: ZERO}
    for leg in legs:
        sides[leg.side] += notionals[leg.id] * market.volatility(leg.symbol).annual
    larger = max(sides.values())
    if larger == ZERO:
        return ZERO
    return min(sides.values()) / larger
