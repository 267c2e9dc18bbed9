"""What the watch holds while it judges: a subject's owner (settings, snoozes), what is
remembered of subjects (levels and opening cushions), and one judgement's parts.

Kept apart from the watch so `watch.py` stays the loop: read, judge, write, place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.alerts.baseline import fingerprint
from bot.alerts.decide import Decision, Rules
from bot.alerts.funding_drift import FundingDriftPart
from engine.alerts import Level, Risk, Thresholds, cushion_of, cushion_thresholds
from engine.models import Portfolio
from engine.triggers import Subject
from storage.alerts import AlertSettings, Baseline
from storage.users import User

__all__ = ["Judged", "Known", "Owner", "level_of_text"]


@dataclass(frozen=True, slots=True)
class Owner:
    """A subject's owner as the watch judges for them: who, what they set, what is snoozed."""

    user: User
    settings: AlertSettings
    snoozes: Mapping[str, datetime]

    def thresholds(self, cushion: Decimal | None) -> Thresholds:
        """A subject's thresholds: the owner's, with distances scaled to the subject's
        opening cushion unless the owner fixed them (/alerts distance)."""
        s = self.settings
        base = Thresholds(s.warn_ratio, s.danger_ratio, s.warn_distance, s.danger_distance)
        return base if s.fixed_distance else cushion_thresholds(base, cushion)

    def rules(self, thresholds: Thresholds) -> Rules:
        s = self.settings
        zone = ZoneInfo(self.user.timezone)
        return Rules(thresholds, zone, s.quiet_start, s.quiet_end, self.snoozes)


def level_of_text(text: str | None) -> Level | None:
    """A stored level; None for none, or for one this code no longer knows."""
    try:
        return None if text is None else Level(text)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Known:
    """What is remembered of subjects: levels and opening cushions, by (user, key)."""

    levels: Mapping[tuple[int, str], str]
    baselines: Mapping[tuple[int, str], Baseline]

    def level(self, user_id: int, key: str) -> Level | None:
        return level_of_text(self.levels.get((user_id, key)))

    def cushion(self, user_id: int, key: str) -> Decimal | None:
        found = self.baselines.get((user_id, key))
        return None if found is None else found.cushion

    def baseline(
        self, user_id: int, key: str, portfolio: Portfolio, subject: Subject, risk: Risk
    ) -> tuple[Baseline, bool]:
        """The subject's stored baseline, or a new one measured now (True: it changed)."""
        stamp = fingerprint(portfolio, subject)
        stored = self.baselines.get((user_id, key))
        if stored is not None and stored.fingerprint == stamp:
            return stored, False
        return Baseline(stamp, cushion_of(risk)), True


@dataclass(frozen=True, slots=True)
class Judged:
    """One subject's decision, with the thresholds and baseline it was judged by."""

    subject: Subject
    key: str
    decision: Decision
    thresholds: Thresholds
    baseline: Baseline
    funding: FundingDriftPart | None = None  # funding alone is why it warns (funding_drift)
