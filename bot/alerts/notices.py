"""The two messages that are not alerts: "prices unavailable since ..." and the daily digest.

* A feed that has had no usable price for two intervals tells each user priced
  by it, once per outage (who was told is stored with the notice, so a restart
  mid-outage does not repeat it; forgotten when prices return). Quiet hours
  hold it like a warning.
* The digest goes out once a day from the user's chosen time (a two-hour window,
  so a short restart does not skip it), remembered by its local date. Each
  portfolio comes with its mode advice when that changed since the last digest
  told it (the advice key is stored once the digest is in the outbox).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.alerts.advised import (
    Composed,
    Scheduled,
    advice_for,
    evaluated_portfolios,
    samples_of,
)
from bot.alerts.compose import Digested, digest_message
from bot.alerts.messages import BriefMessage, FeedDownMessage
from bot.alerts.watch import AlertWatch
from bot.feeds.venues import FEEDS
from bot.services import Services
from bot.views.advice_brief import brief_of
from engine.alerts import digest_due, quiet_until
from engine.models import Exchange
from engine.review import mode_advice_changed
from storage.alerts import Hold, Schedule

__all__ = ["DIGEST_WINDOW", "Digests", "FeedNotices"]

DIGEST_WINDOW = timedelta(hours=2)
DIGEST = Schedule.DIGEST


class FeedNotices:
    def __init__(self, services: Services, watch: AlertWatch) -> None:
        self.services = services
        self.watch = watch
        self._told: dict[Exchange, set[int]] = {feed: set() for feed in FEEDS}

    async def start(self) -> None:
        """Remember who was told about a running outage before a restart."""
        told = await self.services.alerts.outages_told()
        for feed in FEEDS:
            self._told[feed] = set(told.get(feed.value, ()))

    async def check(self) -> int:
        """Tell the users of every feed that is down, once; the number of notices queued."""
        now = self.services.clock()
        queued = 0
        for feed in FEEDS:
            since = self.services.prices.outage(feed, now)
            if since is None:
                if self._told[feed]:
                    await self.services.alerts.outage_over(feed.value)
                    self._told[feed].clear()
                continue
            for user_id in sorted(self.watch.users_on(feed) - self._told[feed]):
                message = FeedDownMessage(exchange=feed, since=since)
                hold = Hold(not_before=await self._quiet_end(user_id, now))
                await self.services.alerts.tell_outage(
                    user_id, feed.value, since, message, hold, kind=message.kind
                )
                self._told[feed].add(user_id)
                queued += 1
        return queued

    async def _quiet_end(self, user_id: int, now: datetime) -> datetime | None:
        user = await self.services.users.get(user_id)
        settings = await self.services.alerts.settings(user_id)
        local = now.astimezone(ZoneInfo(user.timezone))
        end = quiet_until(local, settings.quiet_start, settings.quiet_end)
        return None if end is None else end.astimezone(UTC)


def _digest_due(local: datetime, at: time | None, last: date | None) -> bool:
    return at is not None and digest_due(local, at, last, DIGEST_WINDOW)


class Digests(Scheduled):
    def __init__(self, services: Services) -> None:
        super().__init__(services, DIGEST, _digest_due)

    async def _times(self) -> Iterable[tuple[int, time | None, str]]:
        return await self.services.alerts.digest_times()

    async def _compose(self, user_id: int, now: datetime) -> Composed | None:
        """The digest of every portfolio with positions, each with its mode advice when
        that changed since the last digest; None when there is nothing to summarise."""
        services = self.services
        user = await services.users.get(user_id)
        found, quotes = await evaluated_portfolios(services, user, now)
        if not found:
            return None
        digested: list[Digested] = []
        told: dict[int, str] = {}
        for entry in found:
            await services.reviews.record(entry.stored.id, samples_of(entry.evaluation, now))
            result = advice_for(services, user, entry.portfolio, now)
            previous = await services.reviews.advice_key(entry.stored.id)
            advice = None
            if result is not None and mode_advice_changed(previous, result):
                advice = BriefMessage.of(brief_of(result))
                told[entry.stored.id] = result.key
            digested.append(Digested(entry.stored.name, entry.portfolio, entry.evaluation, advice))
        return Composed(digest_message(digested, quotes), told)
