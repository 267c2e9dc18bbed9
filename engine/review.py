"""The pieces scheduled messages need from the mode advice: pure, clock-free.

* `switch_effect` / `alert_advice`: would switching this position's mode move
  its liquidation price materially? An alert includes the mode advice only then.
* `mode_advice_changed`: has the advice changed since the last digest?
* `closest_call`: the week's smallest distance to liquidation, for the weekly review.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from engine.advice import AdviceResult, advise
from engine.advice_rules import Policy
from engine.errors import EngineError, InvalidInput
from engine.margin import PositionResult, evaluate
from engine.market import MarketData
from engine.models import MarginMode, Portfolio
from engine.profile import RiskProfile
from engine.tiers import TierBook

__all__ = [
    "DistanceSample",
    "SwitchEffect",
    "alert_advice",
    "closest_call",
    "mode_advice_changed",
    "switch_effect",
]


@dataclass(frozen=True, slots=True)
class SwitchEffect:
    position_id: str
    symbol: str
    mode_now: MarginMode
    liquidation_now: Decimal | None
    liquidation_switched: Decimal | None  # None: no price liquidates it after the switch
    distance_now: Decimal | None
    distance_switched: Decimal | None
    material: bool  # the liquidation price moves by at least the policy's share of the mark

    @property
    def mode_switched(self) -> MarginMode:
        return self.mode_now.other


def switch_effect(
    portfolio: Portfolio, book: TierBook, position_id: str, policy: Policy | None = None
) -> SwitchEffect:
    """This position (with its same-market legs) switched to the other mode, the rest as is.

    A switch the exchange would refuse (not enough wallet for the isolated
    margin) is reported as not material, with no switched price.
    """
    threshold = (policy or Policy()).material_move
    now = _by_id(evaluate(portfolio, book).positions, position_id)
    symbol, mode = now.position.symbol, now.position.margin_mode
    other = mode.other
    positions = tuple(
        p.model_copy(update={"margin_mode": other}) if p.symbol == symbol else p
        for p in portfolio.positions
    )
    try:
        switched: PositionResult | None = _by_id(
            evaluate(portfolio.model_copy(update={"positions": positions}), book).positions,
            position_id,
        )
    except EngineError:
        switched = None
    return SwitchEffect(
        position_id=position_id,
        symbol=symbol,
        mode_now=mode,
        liquidation_now=now.liquidation_price,
        liquidation_switched=None if switched is None else switched.liquidation_price,
        distance_now=now.distance_to_liquidation,
        distance_switched=None if switched is None else switched.distance_to_liquidation,
        material=switched is not None and _moved(now, switched) >= threshold,
    )


def _by_id(results: Iterable[PositionResult], position_id: str) -> PositionResult:
    for result in results:
        if result.position.id == position_id:
            return result
    raise InvalidInput(field="position", reason="not_found", value=position_id)


def _moved(now: PositionResult, switched: PositionResult) -> Decimal:
    """How far the liquidation price moves, as a share of the mark; a price appearing or
    disappearing counts as the whole distance to it."""
    before, after = now.liquidation_price, switched.liquidation_price
    if before is None and after is None:
        return Decimal(0)
    if before is None or after is None:
        return Decimal(1)
    return abs(after - before) / now.mark_price


def alert_advice(
    portfolio: Portfolio,
    book: TierBook,
    position_id: str,
    market: MarketData,
    profile: RiskProfile | None = None,
    policy: Policy | None = None,
) -> AdviceResult | None:
    """The mode advice to attach to an alert about `position_id`, or None when switching
    its mode would not move its liquidation price materially (then the advice adds noise)."""
    if not switch_effect(portfolio, book, position_id, policy).material:
        return None
    return advise(portfolio, book, market, profile, policy)


def mode_advice_changed(previous_key: str | None, current: AdviceResult) -> bool:
    """True when the advice differs from the one stored as `AdviceResult.key` (or none was)."""
    return previous_key != current.key


@dataclass(frozen=True, slots=True)
class DistanceSample:
    """One observation: a position's distance to liquidation at a moment."""

    at: datetime
    position_id: str
    symbol: str
    distance: Decimal  # fraction of the mark; negative once past


def closest_call(samples: Iterable[DistanceSample]) -> DistanceSample | None:
    """The smallest distance seen (the earliest of equals); None with no samples."""
    best: DistanceSample | None = None
    for sample in samples:
        if best is None or (sample.distance, sample.at) < (best.distance, best.at):
            best = sample
    return best
