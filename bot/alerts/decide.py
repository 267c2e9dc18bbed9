"""What the watch does about one subject it just evaluated: a pure decision.

`decide` takes the level remembered, what the evaluation saw, the owner's rules
and the time, and says everything the watch then acts on: the level to
remember (and whether that is a change to write), the alert to queue and when
it may go, and how to watch the subject next. It reads and writes nothing, so
the rules of when an alert fires are tested as a table (tests/bot/test_decide.py)
and the watch only reads, writes and enqueues what it says.

The rules, in order:
* a subject opened or changed since it was last judged is armed, never alerted:
  the level that already holds is remembered (the command's reply said it) and
  its cushion measured again; only a rise to the next level alerts from there;
* only an evaluation at live marks is judged (never a manual or entry price);
* the level steps with hysteresis (`engine.alerts.step`): a crossing upward
  fires, a wobble stays silent, a clear recovery re-arms;
* a snooze of the alert's symbol (or '*') silences a warning or danger: nothing
  is sent or remembered, only liquidation is watched until the snooze ends,
  and the subject is looked at again then;
* quiet hours hold a warning until they end; nothing holds back danger or
  liquidation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, tzinfo

from engine.alerts import (
    Delivery,
    Level,
    Risk,
    Thresholds,
    delivery,
    level_of,
    quiet_until,
    step,
)
from storage.alerts import Urgency

__all__ = ["Decision", "Rules", "Seen", "decide"]


@dataclass(frozen=True, slots=True)
class Rules:
    """What bears on one subject's alert: its thresholds (the owner's, scaled to its
    cushion unless fixed), quiet hours (wall clock in `timezone`), and the snoozes
    running per symbol ('*': every symbol)."""

    thresholds: Thresholds
    timezone: tzinfo = UTC
    quiet_start: time | None = None
    quiet_end: time | None = None
    snoozes: Mapping[str, datetime] = field(default_factory=dict)

    def snoozed(self, symbol: str, now: datetime) -> datetime | None:
        """When the latest snooze covering `symbol` ends; None if none runs at `now`."""
        until = [u for s, u in self.snoozes.items() if s in (symbol, "*") and u > now]
        return max(until, default=None)


@dataclass(frozen=True, slots=True)
class Seen:
    """What one evaluation saw of a subject: its risk, the symbol of its position nearest
    liquidation (the one an alert names and a snooze silences), and whether every
    symbol it depends on had a live mark."""

    risk: Risk
    symbol: str
    live: bool = True
    changed: bool = False  # opened or changed since it was last judged: arm, never alert


@dataclass(frozen=True, slots=True)
class Decision:
    level: Level | None  # the level remembered from now on
    record: bool  # `level` differs from the one stored: write it
    watch_from: Level | None  # the subject's band is drawn from this level ...
    rearm: bool = True  # ... watching for re-arming too (not while a snooze holds)
    send: Level | None = None  # the alert to queue, recorded with `level` in one write
    not_before: datetime | None = None  # quiet hours hold the alert until then (UTC)
    wake_at: datetime | None = None  # a snooze held an alert back: look again then
    judged: bool = True  # False: the marks were not live, nothing was judged
    armed: bool = False  # a new cushion: record it with `level` (the subject changed)

    @property
    def urgency(self) -> Urgency:
        """A warning waits its turn; danger and liquidation go first."""
        return Urgency.NORMAL if self.send is Level.WARNING else Urgency.URGENT


def decide(previous: Level | None, seen: Seen, rules: Rules, now: datetime) -> Decision:
    """The decision about one subject remembered at `previous`, evaluated at `now`."""
    if seen.changed:
        level = level_of(seen.risk, rules.thresholds)
        return Decision(level, record=True, watch_from=level, judged=seen.live, armed=True)
    if not seen.live:
        return Decision(previous, record=False, watch_from=previous, judged=False)
    moved = step(previous, seen.risk, rules.thresholds)
    if moved.fire is None:
        return Decision(moved.state, record=moved.state is not previous, watch_from=moved.state)
    snoozed = rules.snoozed(seen.symbol, now)
    quiet = quiet_until(now.astimezone(rules.timezone), rules.quiet_start, rules.quiet_end)
    choice = delivery(moved.fire, quiet=quiet is not None, snoozed=snoozed is not None)
    if choice is Delivery.SUPPRESS:
        return Decision(
            previous, record=False, watch_from=Level.DANGER, rearm=False, wake_at=snoozed
        )
    held = quiet.astimezone(UTC) if choice is Delivery.HOLD and quiet is not None else None
    return Decision(
        moved.fire, record=True, watch_from=moved.fire, send=moved.fire, not_before=held
    )
