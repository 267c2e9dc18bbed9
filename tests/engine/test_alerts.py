"""Alert levels: upward crossings fire once, hysteresis re-arms, quiet hours and snoozes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from engine.alerts import (
    Criteria,
    Delivery,
    Level,
    Risk,
    Step,
    Thresholds,
    cushion_of,
    cushion_thresholds,
    delivery,
    digest_due,
    level_of,
    next_level,
    quiet_until,
    rank,
    step,
)

TH = Thresholds()


def far(distance: str, ratio: str = "0.1") -> Risk:
    return Risk(Decimal(distance), Decimal(ratio), liquidated=False)


def test_levels_follow_the_nearest_of_distance_and_ratio() -> None:
    assert level_of(far("0.20"), TH) is None
    assert level_of(far("0.10"), TH) is Level.WARNING  # 10% is "within 10%"
    assert level_of(far("0.30", "0.70"), TH) is Level.WARNING  # ratio reaches 70%
    assert level_of(far("0.049"), TH) is Level.DANGER
    assert level_of(far("0.30", "0.86"), TH) is Level.DANGER
    assert level_of(far("-0.01", "1.2"), TH) is Level.LIQUIDATED
    assert level_of(Risk(None, None, liquidated=True), TH) is Level.LIQUIDATED
    assert level_of(Risk(None, Decimal("0.2"), liquidated=False), TH) is None


def test_a_wobbling_mark_alerts_once_and_re_arms_only_when_clearly_back() -> None:
    state: Level | None = None
    fired: list[Level] = []
    # distance: 12% -> 9.9% (warn) -> 10.5 -> 9.8 -> 14% (still held: re-arm at 15%)
    #           -> 15.1% (re-armed) -> 9.5% (warn again)
    for distance in ("0.12", "0.099", "0.105", "0.098", "0.14", "0.151", "0.095"):
        result = step(state, far(distance), TH)
        state = result.state
        if result.fire is not None:
            fired.append(result.fire)
    assert fired == [Level.WARNING, Level.WARNING]
    assert state is Level.WARNING


def test_margin_ratio_re_arms_ten_points_below_the_threshold() -> None:
    assert step(None, far("0.5", "0.72"), TH) == Step(Level.WARNING, Level.WARNING)
    assert step(Level.WARNING, far("0.5", "0.61"), TH) == Step(None, Level.WARNING)
    assert step(Level.WARNING, far("0.5", "0.59"), TH) == Step(None, None)


def test_a_worse_level_always_fires_and_falling_back_steps_down_without_alerting() -> None:
    assert step(Level.WARNING, far("0.04"), TH) == Step(Level.DANGER, Level.DANGER)
    assert step(None, far("0.04"), TH) == Step(Level.DANGER, Level.DANGER)
    assert step(Level.DANGER, far("-0.001", "1.01"), TH).fire is Level.LIQUIDATED
    # danger holds until 7.5%; between 7.5% and 15% the warning is still held
    assert step(Level.DANGER, far("0.07"), TH) == Step(None, Level.DANGER)
    assert step(Level.DANGER, far("0.08"), TH) == Step(None, Level.WARNING)
    # liquidated holds until the position is out of danger again (5%)
    assert step(Level.LIQUIDATED, far("0.03"), TH) == Step(None, Level.LIQUIDATED)
    assert step(Level.LIQUIDATED, far("0.06"), TH) == Step(None, Level.DANGER)


def test_hold_criteria_are_looser_than_reach_and_stay_in_range() -> None:
    custom = Thresholds(Decimal("0.12"), Decimal("0.95"), Decimal("0.80"), Decimal("0.02"))
    assert custom.hold(Level.WARNING) == Criteria(Decimal("0.06"), Decimal("0.90"))  # half, capped
    assert custom.hold(Level.DANGER) == Criteria(Decimal("0.85"), Decimal("0.03"))
    for level in Level:
        assert custom.hold(level).ratio <= custom.reach(level).ratio
        assert custom.hold(level).distance >= custom.reach(level).distance


def test_level_order() -> None:
    assert [rank(None), *map(rank, Level)] == [0, 1, 2, 3]
    assert next_level(None) is Level.WARNING
    assert next_level(Level.LIQUIDATED) is None


@pytest.mark.parametrize(
    ("level", "quiet", "snoozed", "expected"),
    [
        (Level.WARNING, False, False, Delivery.SEND),
        (Level.WARNING, True, False, Delivery.HOLD),
        (Level.DANGER, True, False, Delivery.SEND),  # quiet hours never hold danger
        (Level.LIQUIDATED, True, True, Delivery.SEND),  # nothing holds a liquidation
        (Level.DANGER, False, True, Delivery.SUPPRESS),
        (Level.WARNING, True, True, Delivery.SUPPRESS),
    ],
)
def test_delivery_policy(level: Level, quiet: bool, snoozed: bool, expected: Delivery) -> None:
    assert delivery(level, quiet=quiet, snoozed=snoozed) is expected


def test_quiet_hours_over_midnight_in_the_users_timezone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    start, end = time(23, 0), time(7, 0)
    late = datetime(2026, 3, 10, 23, 30, tzinfo=berlin)
    early = datetime(2026, 3, 11, 6, 59, tzinfo=berlin)
    day = datetime(2026, 3, 11, 7, 0, tzinfo=berlin)
    assert quiet_until(late, start, end) == datetime(2026, 3, 11, 7, 0, tzinfo=berlin)
    assert quiet_until(early, start, end) == datetime(2026, 3, 11, 7, 0, tzinfo=berlin)
    assert quiet_until(day, start, end) is None
    assert quiet_until(day, None, None) is None
    lunch = datetime(2026, 3, 11, 12, 15, tzinfo=UTC)
    assert quiet_until(lunch, time(12, 0), time(13, 0)) == lunch.replace(hour=13, minute=0)


def test_the_digest_is_due_once_a_day_within_its_window() -> None:
    at, window = time(9, 0), timedelta(hours=2)
    morning = datetime(2026, 3, 11, 9, 0, 30, tzinfo=UTC)
    assert digest_due(morning, at, None, window)
    assert digest_due(morning, at, date(2026, 3, 10), window)
    assert not digest_due(morning, at, date(2026, 3, 11), window)
    assert not digest_due(morning.replace(hour=8), at, None, window)
    assert not digest_due(morning.replace(hour=11, minute=1), at, None, window)


@pytest.mark.parametrize(
    ("cushion", "warn", "danger"),
    [
        # a 20x long opened 4.6% away warns at 2.3%, a 5x one opened 19.7% away at 9.85%
        pytest.param("0.046", "0.023", "0.0115", id="20x"),
        pytest.param("0.197", "0.0985", "0.04925", id="5x"),
    ],
)
def test_default_distances_are_half_and_a_quarter_of_the_opening_cushion(
    cushion: str, warn: str, danger: str
) -> None:
    scaled = cushion_thresholds(TH, Decimal(cushion))
    assert (scaled.warn_distance, scaled.danger_distance) == (Decimal(warn), Decimal(danger))
    assert (scaled.warn_ratio, scaled.danger_ratio) == (Decimal("0.70"), Decimal("0.85"))
    assert level_of(far(cushion), scaled) is None  # born clear of its own levels
    assert level_of(far(warn), scaled) is Level.WARNING
    assert level_of(far(danger), scaled) is Level.DANGER


def test_the_margin_ratio_still_raises_a_level_whichever_comes_first() -> None:
    scaled = cushion_thresholds(TH, Decimal("0.197"))
    assert level_of(far("0.15", "0.70"), scaled) is Level.WARNING
    assert level_of(far("0.15", "0.85"), scaled) is Level.DANGER


@pytest.mark.parametrize("cushion", [None, "0", "-0.01", "1"], ids=str)
def test_without_a_usable_cushion_the_fixed_distances_stand(cushion: str | None) -> None:
    value = None if cushion is None else Decimal(cushion)
    assert cushion_thresholds(TH, value) == TH


def test_the_cushion_is_the_distance_while_there_is_one() -> None:
    assert cushion_of(far("0.12")) == Decimal("0.12")
    assert cushion_of(Risk(None, Decimal("0.1"), liquidated=False)) is None
    assert cushion_of(Risk(Decimal("-0.01"), None, liquidated=True)) is None
