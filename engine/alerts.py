"""Liquidation-risk levels, their hysteresis, and when an alert may be delivered.

A position (or a cross account) is at **warning** when its mark is within the
warning distance of the liquidation price or its margin ratio reached the
warning ratio; **danger** likewise with the nearer thresholds; **liquidated**
once the mark is past the liquidation price. An alert fires on an upward
crossing only. The level reached is remembered and re-arms only when the risk
has fallen clearly back: the margin ratio `REARM_RATIO` below the threshold
(never less than half of it) and the distance half as far again as the
threshold. So a mark that wobbles around a threshold alerts once, not on every
tick, while a worse level always fires.

By default the distance thresholds scale with the subject's own *cushion*, its
distance to liquidation when it was opened or last changed: warning once half
of it is gone (`CUSHION_WARNING`), danger at three quarters (`CUSHION_DANGER`).
A fixed 10% would warn every 10x position the moment it opens and find every
20x one in danger; a margin ratio alone warns a 5x isolated position only a
fraction of a percent before its liquidation price. A level that already holds
when a subject is opened or changed is armed silently (`level_of` it, remembered).

Pure: times are passed in (`now`, already in the user's timezone).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

from engine.numbers import ONE, ZERO

__all__ = [
    "CUSHION_DANGER",
    "CUSHION_WARNING",
    "REARM_RATIO",
    "WEEKLY_DEFAULT_TIME",
    "Criteria",
    "Delivery",
    "Level",
    "Risk",
    "Step",
    "Thresholds",
    "cushion_of",
    "cushion_thresholds",
    "delivery",
    "digest_due",
    "level_of",
    "next_level",
    "quiet_until",
    "rank",
    "step",
    "weekly_due",
]

REARM_RATIO = Decimal("0.10")  # ten points of margin ratio
WEEKLY_DEFAULT_TIME = time(9, 0)  # the weekly review's time for a user without a digest time
CUSHION_WARNING = Decimal("0.5")  # warning: the distance is down to half the cushion
CUSHION_DANGER = Decimal("0.25")  # danger: down to a quarter
_HALF = Decimal("0.5")
_ONE_AND_A_HALF = Decimal("1.5")


class Level(StrEnum):
    WARNING = "warning"
    DANGER = "danger"
    LIQUIDATED = "liquidated"


_ORDER = (Level.WARNING, Level.DANGER, Level.LIQUIDATED)


def rank(level: Level | None) -> int:
    """0 for no level, then 1, 2, 3 from warning to liquidated."""
    return 0 if level is None else _ORDER.index(level) + 1


def next_level(level: Level | None) -> Level | None:
    """The level above `level`; None above liquidated."""
    index = rank(level)
    return _ORDER[index] if index < len(_ORDER) else None


def _below(level: Level) -> Level | None:
    index = rank(level) - 2
    return _ORDER[index] if index >= 0 else None


@dataclass(frozen=True, slots=True)
class Risk:
    """How close one position or cross account is: `distance` is the fraction the mark
    must move to reach the liquidation price (None: no such price), `margin_ratio` is
    maintenance / margin balance (None: the balance is gone)."""

    distance: Decimal | None
    margin_ratio: Decimal | None
    liquidated: bool


@dataclass(frozen=True, slots=True)
class Criteria:
    """One level's test: the ratio reaches `ratio` or the distance shrinks to `distance`."""

    ratio: Decimal
    distance: Decimal

    def met(self, risk: Risk) -> bool:
        if risk.liquidated:
            return True
        if risk.margin_ratio is not None and risk.margin_ratio >= self.ratio:
            return True
        return risk.distance is not None and risk.distance <= self.distance


@dataclass(frozen=True, slots=True)
class Thresholds:
    """A user's thresholds; the defaults are the product's (70%/85%, 10%/5%)."""

    warn_ratio: Decimal = Decimal("0.70")
    danger_ratio: Decimal = Decimal("0.85")
    warn_distance: Decimal = Decimal("0.10")
    danger_distance: Decimal = Decimal("0.05")

    def reach(self, level: Level) -> Criteria:
        """What it takes to reach `level`."""
        if level is Level.WARNING:
            return Criteria(self.warn_ratio, self.warn_distance)
        if level is Level.DANGER:
            return Criteria(self.danger_ratio, self.danger_distance)
        return Criteria(ONE, ZERO)

    def hold(self, level: Level) -> Criteria:
        """What keeps `level` once reached: the looser, hysteresis version of `reach`.
        A liquidated position stays so until it is out of danger again."""
        if level is Level.LIQUIDATED:
            return self.reach(Level.DANGER)
        reach = self.reach(level)
        ratio = max(reach.ratio - REARM_RATIO, reach.ratio * _HALF)
        distance = min(reach.distance * _ONE_AND_A_HALF, (ONE + reach.distance) * _HALF)
        return Criteria(ratio, distance)


def cushion_of(risk: Risk) -> Decimal | None:
    """The distance to liquidation a subject has now, as its new cushion; None when it
    has no liquidation price or is past it (the defaults then use the fixed distances)."""
    if risk.liquidated or risk.distance is None or risk.distance <= ZERO:
        return None
    return abs(risk.distance)


def cushion_thresholds(base: Thresholds, cushion: Decimal | None) -> Thresholds:
    """`base` with its distances scaled to a subject's opening cushion: warning at
    half of it, danger at a quarter (a 20x long opened 4.6% away warns at 2.3%, a 5x
    opened 19.7% away at 9.85%). A subject with no usable cushion (no liquidation
    price, or opened already past it) keeps `base`'s distances."""
    if cushion is None or not ZERO < cushion < ONE:
        return base
    return replace(
        base, warn_distance=cushion * CUSHION_WARNING, danger_distance=cushion * CUSHION_DANGER
    )


def level_of(risk: Risk, thresholds: Thresholds) -> Level | None:
    """The highest level whose test the risk meets."""
    for level in reversed(_ORDER):
        if thresholds.reach(level).met(risk):
            return level
    return None


@dataclass(frozen=True, slots=True)
class Step:
    fire: Level | None  # the alert to send now, if any
    state: Level | None  # the level to remember


def step(state: Level | None, risk: Risk, thresholds: Thresholds) -> Step:
    """Fire on an upward crossing; otherwise keep the highest level still held."""
    current = level_of(risk, thresholds)
    if rank(current) > rank(state):
        return Step(current, current)
    held = state
    while held is not None and not thresholds.hold(held).met(risk):
        held = _below(held)
    return Step(None, held)


class Delivery(StrEnum):
    SEND = "send"
    HOLD = "hold"  # quiet hours: send when they end
    SUPPRESS = "suppress"  # snoozed: not now, and not remembered either


def delivery(level: Level, *, quiet: bool, snoozed: bool) -> Delivery:
    """Quiet hours hold warnings only; a snooze silences warning and danger of its
    symbol; nothing ever holds back a liquidation."""
    if level is Level.LIQUIDATED:
        return Delivery.SEND
    if snoozed:
        return Delivery.SUPPRESS
    if quiet and level is Level.WARNING:
        return Delivery.HOLD
    return Delivery.SEND


def quiet_until(now: datetime, start: time | None, end: time | None) -> datetime | None:
    """When the quiet window around `now` (wall clock of `now`'s timezone) ends;
    None outside quiet hours. A window may run over midnight (23:00-07:00)."""
    if start is None or end is None or start == end:
        return None
    clock = now.time().replace(tzinfo=None)
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    until = now.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return until if until > now else until + timedelta(days=1)


def digest_due(now: datetime, at: time, last_sent: date | None, window: timedelta) -> bool:
    """A daily digest is due from `at` (wall clock of `now`) for `window`, once a day."""
    if last_sent is not None and last_sent >= now.date():
        return False
    start = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return start <= now < start + window


def weekly_due(now: datetime, at: time, last_sent: date | None, window: timedelta) -> bool:
    """The weekly review is due on Mondays (wall clock of `now`) from `at` for `window`,
    once a week."""
    return now.weekday() == 0 and digest_due(now, at, last_sent, window)
