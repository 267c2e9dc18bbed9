"""The two messages that are not alerts: "prices unavailable since ..." and the daily digest.

* A feed that has had no usable price for two intervals tells each user priced
  by it, once per outage (the notice is remembered in `alert_state` under
  'feed:<exchange>', so a restart mid-outage does not repeat it; the key is
  forgotten when prices return). Quiet hours hold it like a warning.
* The digest goes out once a day from the user's chosen time (a two-hour window,
  so a short restart does not skip it), remembered under 'digest' by date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.alerts.compose import digest_payload, portfolio_at
from bot.alerts.watch import AlertWatch
from bot.feeds.book import MarkQuote
from bot.services import Services
from engine.alerts import digest_due, quiet_until
from engine.errors import EngineError
from engine.margin import Evaluation, evaluate
from engine.models import Exchange, Portfolio
from storage._time import to_text
from storage.alerts import Hold, Urgency

__all__ = ["DIGEST_WINDOW", "Digests", "FeedNotices"]

DIGEST_WINDOW = timedelta(hours=2)
_FEEDS = (Exchange.BINANCE, Exchange.BYBIT, Exchange.OKX)


class FeedNotices:
    def __init__(self, services: Services, watch: AlertWatch) -> None:
        self.services = services
        self.watch = watch
        self._told: dict[Exchange, set[int]] = {feed: set() for feed in _FEEDS}

    async def start(self) -> None:
        """Remember who was told about a running outage before a restart."""
        for user_id, key in await self.services.alerts.levels():
            for feed in _FEEDS:
                if key == f"feed:{feed.value}":
                    self._told[feed].add(user_id)

    async def check(self) -> int:
        """Tell the users of every feed that is down, once; the number of notices queued."""
        now = self.services.clock()
        queued = 0
        for feed in _FEEDS:
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


class Digests:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def check(self) -> int:
        """Queue the digests that are due now; the number queued."""
        alerts = self.services.alerts
        now = self.services.clock()
        queued = 0
        for user_id, at, timezone in await alerts.digest_times():
            local = now.astimezone(ZoneInfo(timezone))
            last = await alerts.level(user_id, "digest")
            if not digest_due(
                local, at, None if last is None else date.fromisoformat(last), DIGEST_WINDOW
            ):
                continue
            today = local.date().isoformat()
            payload = await self._payload(user_id, now)
            if payload is None:  # no positions: nothing to summarise today
                await alerts.set_level(user_id, "digest", today)
                continue
            await alerts.raise_level(
                user_id, "digest", today, payload, Urgency.DIGEST, kind="digest"
            )
            queued += 1
        return queued

    async def _payload(self, user_id: int, now: datetime) -> dict[str, object] | None:
        user = await self.services.users.get(user_id)
        found: list[tuple[str, Portfolio, Evaluation]] = []
        quotes: dict[str, MarkQuote] = {}

        def quote(symbol: str) -> MarkQuote | None:
            return self.services.marks.quote(user.id, user.exchange, symbol, now)

        for summary in await self.services.portfolios.list(user_id):
            if summary.position_count == 0:
                continue
            stored = await self.services.portfolios.get(user_id, summary.id)
            try:
                portfolio, used = portfolio_at(user, stored, quote)
                found.append((stored.name, portfolio, evaluate(portfolio, self.services.book)))
            except EngineError:
                continue
            quotes.update(used)
        return digest_payload(found, quotes) if found else None
