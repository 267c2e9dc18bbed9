"""The weekly review (`/digest weekly`): each portfolio's mode advice, restated, with
the week's closest call (the smallest distance to liquidation seen).

It goes out on Mondays at the user's digest time (09:00 without one), within
the digest window, remembered by its local date (`Schedule.WEEKLY`) so it comes
once. The closest call comes from the daily minima the alert watch and the digests record
(`storage.reviews`), plus the distances at the moment the review is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from bot.alerts.advised import (
    Composed,
    Evaluated,
    Scheduled,
    advice_for,
    evaluated_portfolios,
    samples_of,
)
from bot.alerts.messages import BriefMessage, ClosestCall, WeeklyMessage, WeeklyPortfolio
from bot.alerts.notices import DIGEST_WINDOW
from bot.services import Services
from bot.views.advice_brief import brief_of
from engine.alerts import WEEKLY_DEFAULT_TIME, weekly_due
from engine.review import closest_call
from storage.alerts import Schedule
from storage.users import User

__all__ = ["WEEK", "WeeklyReviews"]

WEEK = timedelta(days=7)


def _weekly_due(local: datetime, at: time | None, last: date | None) -> bool:
    return weekly_due(local, at or WEEKLY_DEFAULT_TIME, last, DIGEST_WINDOW)


class WeeklyReviews(Scheduled):
    def __init__(self, services: Services) -> None:
        super().__init__(services, Schedule.WEEKLY, _weekly_due)

    async def _times(self) -> Iterable[tuple[int, time | None, str]]:
        return await self.services.alerts.weekly_times()

    async def _compose(self, user_id: int, now: datetime) -> Composed | None:
        """Each portfolio's advice restated, with its closest call; None with no positions
        (nothing to review this week)."""
        user = await self.services.users.get(user_id)
        found, _ = await evaluated_portfolios(self.services, user, now)
        if not found:
            return None
        portfolios = tuple([await self._portfolio(user, e, now) for e in found])
        return Composed(WeeklyMessage(portfolios=portfolios))

    async def _portfolio(self, user: User, entry: Evaluated, now: datetime) -> WeeklyPortfolio:
        reviews = self.services.reviews
        await reviews.record(entry.stored.id, samples_of(entry.evaluation, now))
        held = {r.position.id for r in entry.evaluation.positions}
        samples = await reviews.samples(entry.stored.id, now - WEEK)
        best = closest_call(s for s in samples if s.position_id in held)
        result = advice_for(self.services, user, entry.portfolio, now)
        return WeeklyPortfolio(
            name=entry.stored.name,
            closest=None
            if best is None
            else ClosestCall(
                position=best.position_id, symbol=best.symbol, distance=best.distance, at=best.at
            ),
            advice=None if result is None else BriefMessage.of(brief_of(result)),
        )
