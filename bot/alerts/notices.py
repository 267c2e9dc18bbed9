"""The two messages that are not alerts: "prices unavailable since ..." and the daily digest.

* A feed that has had no usable price for two intervals tells each user priced
  by it, once per outage (the notice is remembered in `alert_state` under
  'feed:<exchange>', so a restart mid-outage does not repeat it; the key is
  forgotten when prices return). Quiet hours hold it like a warning.
* The digest goes out once a day from the user's chosen time (a two-hour window,
  so a short restart does not skip it), remembered under 'digest' by date. Each
  portfolio comes with its mode advice when that changed since the last digest
  told it (the advice key is stored once the digest is in the outbox).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.alerts.advised import (
    advice_for,
    due_today,
    evaluated_portfolios,
    samples_of,
)
from bot.alerts.compose import digest_payload
from bot.alerts.watch import AlertWatch
from bot.feeds.venues import FEEDS
from bot.services import Services
from bot.views.advice_brief import brief_of, brief_payload
from engine.alerts import digest_due, quiet_until
from engine.models import Exchange
from engine.review import mode_advice_changed
from storage._time import to_text
from storage.alerts import Hold, Urgency

__all__ = ["DIGEST_WINDOW", "Digests", "FeedNotices"]

DIGEST_WINDOW = timedelta(hours=2)


class FeedNotices:
    def __init__(self, services: Services, watch: AlertWatch) -> None:
        self.services = services
        self.watch = watch
        self._told: dict[Exchange, set[int]] = {feed: set() for feed in FEEDS}

    async def start(self) -> None:
        """Remember who was told about a running outage before a restart."""
        for user_id, key in await self.services.alerts.levels():
            for feed in FEEDS:
                if key == f"feed:{feed.value}":
                    self._told[feed].add(user_id)

    async def check(self) -> int:
        """Tell the users of every feed that is down, once; the number of notices queued."""
        now = self.services.clock()
        queued = 0
        for feed in FEEDS:
            key = f"feed:{feed.value}"
            since = self.services.prices.outage(feed, now)
            if since is None:
                if self._told[feed]:
                    await self.services.alerts.forget(key)
                    self._told[feed].clear()
                continue
            for user_id in sorted(self.watch.users_on(feed) - self._told[feed]):
                payload = {"exchange": feed.value, "since": to_text(since)}
                hold = Hold(not_before=await self._quiet_end(user_id, now))
                await self.services.alerts.raise_level(
                    user_id, key, to_text(since), payload, Urgency.NORMAL, hold, kind="feed_down"
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


class Digests:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def check(self) -> int:
        """Queue the digests that are due now; the number queued."""
        alerts = self.services.alerts
        now = self.services.clock()
        queued = 0
        times = await alerts.digest_times()
        async for user_id, today in due_today(self.services, times, "digest", _digest_due, now):
            due = await self._payload(user_id, now)
            if due is None:  # no positions: nothing to summarise today
                await alerts.set_level(user_id, "digest", today)
                continue
            await alerts.raise_level(
                user_id, "digest", today, due.payload, Urgency.DIGEST, kind="digest"
            )
            for portfolio_id, key in due.told.items():
                await self.services.reviews.set_advice_key(portfolio_id, key)
            queued += 1
        return queued

    async def _payload(self, user_id: int, now: datetime) -> _Due | None:
        """The digest of every portfolio with positions, each with its mode advice when
        that changed since the last digest; None when there is nothing to summarise."""
        services = self.services
        user = await services.users.get(user_id)
        found, quotes = await evaluated_portfolios(services, user, now)
        if not found:
            return None
        payload = digest_payload(
            [(e.stored.name, e.portfolio, e.evaluation) for e in found], quotes
        )
        told: dict[int, str] = {}
        for entry, shown in zip(found, _portfolios(payload), strict=True):
            await services.reviews.record(entry.stored.id, samples_of(entry.evaluation, now))
            result = advice_for(services, user, entry.portfolio, now)
            previous = await services.reviews.advice_key(entry.stored.id)
            if result is not None and mode_advice_changed(previous, result):
                shown["advice"] = brief_payload(brief_of(result))
                told[entry.stored.id] = result.key
        return _Due(payload, told)


def _portfolios(payload: dict[str, object]) -> list[dict[str, object]]:
    found = payload["portfolios"]
    if not isinstance(found, list):
        raise TypeError("digest payload without its portfolios")
    return found


@dataclass(frozen=True, slots=True)
class _Due:
    payload: dict[str, object]
    told: dict[int, str]  # portfolio id -> the advice key the digest tells
