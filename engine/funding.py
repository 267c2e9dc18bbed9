"""Funding and the liquidation price of an isolated position, if the rate holds.

A perpetual settles funding every interval (8 h on most markets, 4 h or 1 h on
some): a position pays `qty x mark x rate` when the rate has its side's sign
(a positive rate: longs pay shorts) and receives it otherwise. An isolated
position pays it out of its own margin, so paying moves the liquidation price
toward the mark and receiving moves it away. Bybit's help centre ("Funding fee"
and "Liquidation Price Calculation under Isolated Mode") shows a 50x long whose
liquidation price moves from 19,700 to 19,900 once 200 USDT of funding has been
paid (1 BTC at 20,000, margin 400, MM at 0.5% of the entry value = 100:
20,000 - (400 - 100) = 19,700, then 20,000 - (200 - 100) = 19,900;
`tests/engine/test_funding.py` reproduces it).

Everything here is at the unchanged mark: what funding alone does. The rate and
its interval come in as arguments (the feeds keep them); no clock is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from engine.alerts import Level, Risk, Thresholds, level_of, rank
from engine.errors import EngineError
from engine.margin import PositionResult, Status, evaluate
from engine.models import Portfolio, Position, build
from engine.numbers import ZERO
from engine.tiers import TierBook

__all__ = [
    "DAY",
    "WEEK",
    "FundingDanger",
    "FundingDrift",
    "FundingRate",
    "funding_danger",
    "funding_drift",
    "funding_payment",
    "settlements",
]

DAY = timedelta(hours=24)
WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class FundingRate:
    """The current rate per interval (positive: longs pay shorts)."""

    rate: Decimal
    interval: timedelta


@dataclass(frozen=True, slots=True)
class FundingDrift:
    """What funding at the current rate does to one isolated position at the current mark:
    `per_interval` paid each settlement (negative: received), and the liquidation price
    after 24 hours and 7 days of it (None: none then)."""

    per_interval: Decimal
    interval: timedelta
    paid_day: Decimal
    liquidation_day: Decimal | None
    paid_week: Decimal
    liquidation_week: Decimal | None
    liquidated_within_week: bool  # the margin is gone (or below maintenance) by then


@dataclass(frozen=True, slots=True)
class FundingDanger:
    """At the current rate the position reaches `level` after `after` (that many
    settlements), with `paid` funding paid by then, although the price did not move."""

    level: Level
    after: timedelta
    paid: Decimal
    liquidation_price: Decimal | None


def funding_payment(position: Position, mark: Decimal, rate: Decimal) -> Decimal:
    """Paid at one settlement: side x qty x mark x rate (negative: received)."""
    return position.side.sign * position.qty * mark * rate


def settlements(interval: timedelta, window: timedelta) -> int:
    """How many settlements a window of this length holds (8 h in 24 h: 3)."""
    return window // interval


def _after(portfolio: Portfolio, index: int, paid: Decimal, book: TierBook) -> PositionResult:
    """The position's result once `paid` more funding has come out of its margin."""
    position = portfolio.positions[index]
    moved = position.model_copy(update={"funding_paid": position.funding_paid + paid})
    positions = (*portfolio.positions[:index], moved, *portfolio.positions[index + 1 :])
    changed = build(Portfolio, {**dict(portfolio), "positions": positions})
    return evaluate(changed, book).positions[index]


def _liquidation(
    portfolio: Portfolio, index: int, paid: Decimal, book: TierBook
) -> tuple[Decimal | None, bool]:
    """The liquidation price after `paid`, and whether the position is gone by then."""
    try:
        result = _after(portfolio, index, paid, book)
    except EngineError:  # the margin would be below zero: long gone
        return None, True
    return result.liquidation_price, result.status is Status.LIQUIDATED


def _index(portfolio: Portfolio, position_id: str) -> int | None:
    for index, position in enumerate(portfolio.positions):
        if position.id == position_id:
            return index if not position.is_cross else None
    return None


def funding_drift(
    portfolio: Portfolio, position_id: str, rate: FundingRate, book: TierBook
) -> FundingDrift | None:
    """Where an isolated position's liquidation price drifts in 24 hours and 7 days if
    the rate holds and the mark does not move; None for a cross position (its funding
    is the wallet's) or an unknown id."""
    index = _index(portfolio, position_id)
    if index is None:
        return None
    position = portfolio.positions[index]
    per_interval = funding_payment(position, position.mark, rate.rate)
    paid_day = per_interval * settlements(rate.interval, DAY)
    paid_week = per_interval * settlements(rate.interval, WEEK)
    day, _ = _liquidation(portfolio, index, paid_day, book)
    week, gone = _liquidation(portfolio, index, paid_week, book)
    return FundingDrift(per_interval, rate.interval, paid_day, day, paid_week, week, gone)


def _risk(result: PositionResult) -> Risk:
    return Risk(
        result.distance_to_liquidation, result.margin_ratio, result.status is Status.LIQUIDATED
    )


def _level(
    portfolio: Portfolio, index: int, paid: Decimal, book: TierBook, thresholds: Thresholds
) -> tuple[Level | None, Decimal | None]:
    """The alert level (and liquidation price) once `paid` more funding is paid."""
    try:
        result = _after(portfolio, index, paid, book)
    except EngineError:  # the margin would be below zero
        return Level.LIQUIDATED, None
    return level_of(_risk(result), thresholds), result.liquidation_price


def _may_reach_danger(current: PositionResult, paid: Decimal, thresholds: Thresholds) -> bool:
    """A cheap bound before any evaluation: at the unchanged mark, paying `paid` lowers
    the margin balance by it (the maintenance margin stays), and moves the liquidation
    price by paid / qty / (1 -/+ MMR), less than twice paid / qty for any MMR under 50%."""
    balance = current.margin_balance - paid
    if balance <= ZERO or current.maintenance_margin >= balance * thresholds.danger_ratio:
        return True
    distance = current.distance_to_liquidation
    if distance is None:
        return False
    notional = current.position.qty * current.mark_price
    return abs(distance) - 2 * paid / notional <= thresholds.danger_distance


def funding_danger(
    portfolio: Portfolio,
    position_id: str,
    rate: FundingRate,
    book: TierBook,
    thresholds: Thresholds,
    window: timedelta = DAY,
    current: PositionResult | None = None,
) -> FundingDanger | None:
    """The first settlement within `window` at which funding alone brings an isolated
    position from below danger to danger (or past liquidation), at the unchanged mark;
    None when it does not (or the position receives funding, or is already there).
    `current`, the position's result now if known, saves evaluating it again."""
    index = _index(portfolio, position_id)
    if index is None:
        return None
    position = portfolio.positions[index]
    per_interval = funding_payment(position, position.mark, rate.rate)
    count = settlements(rate.interval, window)
    if per_interval <= ZERO or count == 0:
        return None
    now = current if current is not None else _after(portfolio, index, ZERO, book)
    danger = rank(Level.DANGER)
    if rank(level_of(_risk(now), thresholds)) >= danger:
        return None
    if not _may_reach_danger(now, per_interval * count, thresholds):
        return None
    for n in range(1, count + 1):
        paid = per_interval * n
        level, price = _level(portfolio, index, paid, book, thresholds)
        if level is not None and rank(level) >= danger:
            return FundingDanger(level, rate.interval * n, paid, price)
    return None
