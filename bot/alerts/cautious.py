"""A watched wallet is judged by the nearer of two liquidation prices: the engine's, and
the one Hyperliquid reported for the same position.

The engine's price is what the what-ifs and the advice are computed from; the
exchange's is what will actually happen. When they part, an alert must not wait for
the more optimistic one, so each position's liquidation price and distance become
the exchange's wherever that is nearer the mark. The price reported holds for the
snapshot's account (a cross position's moves with the other marks), so a position
judged by it is due again at every mark rather than at the engine's band.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from engine.margin import Evaluation, PositionResult
from engine.models import Side

__all__ = ["cautious"]


def cautious(
    evaluation: Evaluation, reported: Mapping[str, Decimal]
) -> tuple[Evaluation, frozenset[str]]:
    """The evaluation with Hyperliquid's price (`reported`, by symbol) wherever it is the
    nearer one, and the ids of the positions it replaced."""
    results, replaced = [], set()
    for result in evaluation.positions:
        nearer = _nearer(result, reported.get(result.position.symbol))
        if nearer is not result:
            replaced.add(result.position.id)
        results.append(nearer)
    if not replaced:
        return evaluation, frozenset()
    return replace(evaluation, positions=tuple(results)), frozenset(replaced)


def _nearer(result: PositionResult, theirs: Decimal | None) -> PositionResult:
    if theirs is None or result.mark_price <= 0:
        return result
    mark = result.mark_price
    long = result.position.side is Side.LONG
    distance = (mark - theirs) / mark if long else (theirs - mark) / mark
    ours = result.distance_to_liquidation
    if ours is not None and ours <= distance:
        return result
    nearer = replace(result, liquidation_price=theirs, distance_to_liquidation=distance)
    if long:
        return replace(nearer, liquidation_below=theirs)
    return replace(nearer, liquidation_above=theirs)
