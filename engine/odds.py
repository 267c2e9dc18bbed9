"""Liquidation odds: the chance the mark touches a liquidation price within a horizon.

Model: the log of the mark follows a Brownian motion without drift and with
the market's annualised volatility sigma. By the reflection principle (Shreve,
Stochastic Calculus for Finance II, §3.7: P(max_{s<=t} W_s >= m) = 2 P(W_t >= m)),
the probability that it reaches a barrier L from S within t years is

    P = 2 * N(-|ln(L / S)| / (sigma * sqrt(t)))  =  erfc(|ln(L / S)| / (sigma * sqrt(2 t)))

Zero log drift is the neutral choice for horizons of a day or a week (a GBM
with no price drift has a log drift of -sigma^2/2: under 1% of a week's move
at sigma = 100%). Real markets jump and cluster their moves, so the figures are
an estimate, never a promise. Computed in Decimal end to end (`engine.normal`).

In cross mode a symbol's liquidation price holds the other symbols at their
marks; the odds inherit that assumption.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from engine.errors import InvalidInput
from engine.margin import Evaluation, PositionResult, Status
from engine.market import MarketData, VolatilityEstimate
from engine.models import MarginMode
from engine.normal import erfc
from engine.numbers import ONE, ZERO

__all__ = [
    "DAY",
    "WEEK",
    "ModeOdds",
    "PositionOdds",
    "position_odds",
    "touch_probability",
]

DAY = Decimal(1)
WEEK = Decimal(7)
_DAYS_PER_YEAR = Decimal(365)
_PRECISION = 50


def touch_probability(
    mark: Decimal, barrier: Decimal | None, annual_volatility: Decimal, days: Decimal
) -> Decimal:
    """The chance a driftless log-Brownian mark at `mark` touches `barrier` within `days`.

    No barrier (no price liquidates) is 0; a barrier at the mark is 1.
    """
    if mark <= ZERO or annual_volatility <= ZERO or days <= ZERO:
        raise InvalidInput(field="odds", reason="not_positive")
    if barrier is None or barrier <= ZERO:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        distance = abs((barrier / mark).ln())
        spread = annual_volatility * (2 * days / _DAYS_PER_YEAR).sqrt()
        result = erfc(distance / spread)
    return +min(ONE, result)


@dataclass(frozen=True, slots=True)
class ModeOdds:
    """One position in one margin mode: where it liquidates and how likely that is."""

    mode: MarginMode
    liquidation_price: Decimal | None
    distance: Decimal | None  # room to liquidation, a fraction of the mark; negative once past
    day: Decimal  # probability of touching the liquidation price within 24 hours
    week: Decimal  # … within 7 days
    status: Status


@dataclass(frozen=True, slots=True)
class PositionOdds:
    position_id: str
    symbol: str
    volatility: VolatilityEstimate
    isolated: ModeOdds
    cross: ModeOdds


def mode_odds(result: PositionResult, mode: MarginMode, sigma: Decimal) -> ModeOdds:
    """The odds of one evaluated position, in the mode it was evaluated in."""
    if result.status is Status.LIQUIDATED:
        day = week = ONE
    elif result.status is Status.NO_LIQUIDATION:
        day = week = ZERO
    else:
        day = touch_probability(result.mark_price, result.liquidation_price, sigma, DAY)
        week = touch_probability(result.mark_price, result.liquidation_price, sigma, WEEK)
    return ModeOdds(
        mode=mode,
        liquidation_price=result.liquidation_price,
        distance=result.distance_to_liquidation,
        day=day,
        week=week,
        status=result.status,
    )


def position_odds(
    isolated: Evaluation, cross: Evaluation, market: MarketData
) -> tuple[PositionOdds, ...]:
    """Each position's odds from the same portfolio evaluated all isolated and all cross."""
    odds: list[PositionOdds] = []
    pairs: Sequence[tuple[PositionResult, PositionResult]] = list(
        zip(isolated.positions, cross.positions, strict=True)
    )
    for iso, crs in pairs:
        volatility = market.volatility(iso.position.symbol)
        odds.append(
            PositionOdds(
                position_id=iso.position.id,
                symbol=iso.position.symbol,
                volatility=volatility,
                isolated=mode_odds(iso, MarginMode.ISOLATED, volatility.annual),
                cross=mode_odds(crs, MarginMode.CROSS, volatility.annual),
            )
        )
    return tuple(odds)
