"""The alert decision as a table: remembered level, what the evaluation saw, the owner's
rules, the time -> what the watch records, sends and watches next.

Thresholds are the product's defaults: warning at 10% distance or 70% ratio, danger at
5% or 85%. Hysteresis: warning holds down to 15% (10% x 1.5) and 60% ratio, danger down
to 7.5% and 75%; a liquidated subject stays so while danger's reach holds (5% / 85%).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from bot.alerts.decide import Decision, Rules, Seen, decide
from engine.alerts import Level, Risk, Thresholds
from storage.alerts import Urgency

NOW = datetime(2026, 3, 10, 22, 30, tzinfo=UTC)  # 23:30 in UTC+1
UTC1 = timezone(timedelta(hours=1))
PLAIN = Rules(Thresholds())
QUIET = Rules(Thresholds(), UTC1, time(23, 0), time(7, 0))  # 23:00-07:00 local: quiet now
SNOOZED = Rules(Thresholds(), snoozes={"BTCUSDT": NOW + timedelta(hours=2)})
ALL_SNOOZED = Rules(Thresholds(), snoozes={"*": NOW + timedelta(minutes=30)})
SNOOZE_OVER = Rules(Thresholds(), snoozes={"BTCUSDT": NOW - timedelta(minutes=1)})
OTHER_SNOOZED = Rules(Thresholds(), snoozes={"ETHUSDT": NOW + timedelta(hours=2)})
SNOOZED_AND_QUIET = Rules(Thresholds(), UTC1, time(23, 0), time(7, 0), SNOOZED.snoozes)


def far(distance: str, ratio: str = "0.10") -> Seen:
    return Seen(Risk(Decimal(distance), Decimal(ratio), liquidated=False), "BTCUSDT")


LIQUIDATED = Seen(Risk(Decimal("-0.01"), None, liquidated=True), "BTCUSDT")
W, D, L = Level.WARNING, Level.DANGER, Level.LIQUIDATED


@pytest.mark.parametrize(
    ("previous", "seen", "rules", "expected"),
    [
        pytest.param(None, far("0.30"), PLAIN, Decision(None, False, None), id="calm-stays-calm"),
        pytest.param(None, far("0.10"), PLAIN, Decision(W, True, W, send=W), id="warning-at-10%"),
        pytest.param(
            None, far("0.40", "0.70"), PLAIN, Decision(W, True, W, send=W), id="warning-by-ratio"
        ),
        pytest.param(W, far("0.049"), PLAIN, Decision(D, True, D, send=D), id="warning-to-danger"),
        pytest.param(None, far("0.04"), PLAIN, Decision(D, True, D, send=D), id="straight-danger"),
        pytest.param(W, far("0.12"), PLAIN, Decision(W, False, W), id="wobble-stays-silent"),
        pytest.param(W, far("0.151"), PLAIN, Decision(None, True, None), id="recovery-rearms"),
        pytest.param(D, far("0.08"), PLAIN, Decision(W, True, W), id="danger-eases-to-warning"),
        pytest.param(D, far("0.07"), PLAIN, Decision(D, False, D), id="danger-holds-to-7.5%"),
        pytest.param(D, LIQUIDATED, PLAIN, Decision(L, True, L, send=L), id="liquidated"),
        pytest.param(L, far("0.04"), PLAIN, Decision(L, False, L), id="liquidated-holds"),
        pytest.param(L, far("0.06"), PLAIN, Decision(D, True, D), id="liquidated-eases"),
        pytest.param(
            None,
            far("0.09"),
            QUIET,
            Decision(W, True, W, send=W, not_before=datetime(2026, 3, 11, 6, 0, tzinfo=UTC)),
            id="quiet-hours-hold-a-warning-until-07:00-local",
        ),
        pytest.param(
            W, far("0.04"), QUIET, Decision(D, True, D, send=D), id="quiet-hours-never-hold-danger"
        ),
        pytest.param(
            None,
            far("0.09"),
            SNOOZED,
            Decision(None, False, D, rearm=False, wake_at=NOW + timedelta(hours=2)),
            id="snooze-silences-and-forgets-a-warning",
        ),
        pytest.param(
            W,
            far("0.04"),
            ALL_SNOOZED,
            Decision(W, False, D, rearm=False, wake_at=NOW + timedelta(minutes=30)),
            id="snooze-of-every-symbol-silences-danger",
        ),
        pytest.param(W, far("0.12"), SNOOZED, Decision(W, False, W), id="snooze-without-an-alert"),
        pytest.param(
            None, far("0.09"), SNOOZE_OVER, Decision(W, True, W, send=W), id="snooze-ended"
        ),
        pytest.param(
            None, far("0.09"), OTHER_SNOOZED, Decision(W, True, W, send=W), id="other-symbol-snooze"
        ),
        pytest.param(
            D,
            LIQUIDATED,
            SNOOZED_AND_QUIET,
            Decision(L, True, L, send=L),
            id="nothing-holds-back-liquidation",
        ),
        pytest.param(
            D,
            Seen(Risk(Decimal("0.40"), Decimal("0.10"), liquidated=False), "BTCUSDT", live=False),
            PLAIN,
            Decision(D, False, D, judged=False),
            id="no-live-marks-judges-nothing",
        ),
    ],
)
def test_the_decision(previous: Level | None, seen: Seen, rules: Rules, expected: Decision) -> None:
    assert decide(previous, seen, rules, NOW) == expected


@pytest.mark.parametrize(
    ("level", "urgency"),
    [
        pytest.param(W, Urgency.NORMAL, id="warning-waits-its-turn"),
        pytest.param(D, Urgency.URGENT, id="danger-goes-first"),
        pytest.param(L, Urgency.URGENT, id="liquidation-goes-first"),
    ],
)
def test_an_alerts_urgency(level: Level, urgency: Urgency) -> None:
    assert Decision(level, True, level, send=level).urgency is urgency


def changed(distance: str, ratio: str = "0.10", *, live: bool = True) -> Seen:
    risk = Risk(Decimal(distance), Decimal(ratio), liquidated=False)
    return Seen(risk, "BTCUSDT", live=live, changed=True)


@pytest.mark.parametrize(
    ("previous", "seen", "expected"),
    [
        pytest.param(
            None, changed("0.30"), Decision(None, True, None, armed=True), id="opens-calm"
        ),
        pytest.param(
            None, changed("0.04"), Decision(D, True, D, armed=True), id="opens-at-danger-silent"
        ),
        pytest.param(D, changed("0.20"), Decision(None, True, None, armed=True), id="a-fix-rearms"),
        pytest.param(
            None,
            changed("0.09", live=False),
            Decision(W, True, W, judged=False, armed=True),
            id="opens-at-entry-price-armed-and-looked-at-next-mark",
        ),
        pytest.param(
            W, changed("0.30", "0.86"), Decision(D, True, D, armed=True), id="ratio-at-danger"
        ),
    ],
)
def test_a_subject_opened_or_changed_is_armed_at_the_level_that_holds_never_alerted(
    previous: Level | None, seen: Seen, expected: Decision
) -> None:
    assert decide(previous, seen, PLAIN, NOW) == expected


def test_after_arming_only_the_next_level_alerts() -> None:
    armed = decide(None, changed("0.04"), PLAIN, NOW).level  # opened at danger
    assert decide(armed, far("0.03"), PLAIN, NOW) == Decision(D, False, D)
    assert decide(armed, LIQUIDATED, PLAIN, NOW) == Decision(L, True, L, send=L)
