"""The alert runtime: feeds, watch, notices, digests and the outbox sender, as plain
async calls that a scheduler runs (`bot.telegram.jobs` registers them on PTB's JobQueue).

    runtime = AlertRuntime.create(services, settings, transport)
    await runtime.start()          # rebuild the watch from the database
    await runtime.tick()           # every ISOCROSS_ALERT_INTERVAL_S: prices -> alerts
    await runtime.send()           # every second: the outbox, within Telegram's limits
    await runtime.digest()         # every minute: daily digests, weekly reviews due
    await runtime.sync_wallets()   # every ISOCROSS_WATCH_INTERVAL_S / 4: watched wallets
    await runtime.close()
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import httpx

from bot.alerts.delivery import Transport
from bot.alerts.notices import Digests, FeedNotices
from bot.alerts.outbox import OutboxSender, Sleep
from bot.alerts.symbol_notices import SymbolNotices
from bot.alerts.wallets import SyncReport, WalletSync
from bot.alerts.watch import CHANGE_DELAY, AlertWatch
from bot.alerts.weekly import WeeklyReviews
from bot.config import Settings
from bot.feeds.base import PriceSource
from bot.feeds.candles import CandleFeed
from bot.feeds.hyperliquid import InfoClient, WeightBudget
from bot.feeds.poller import FeedPoller
from bot.feeds.venues import sources
from bot.services import Services

__all__ = ["AlertRuntime", "TickReport"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TickReport:
    marks: int  # marks accepted this tick, all feeds together
    alerts: int  # alerts written to the outbox
    notices: int  # "prices unavailable" notices written


class AlertRuntime:
    def __init__(
        self,
        services: Services,
        feeds: Sequence[PriceSource],
        transport: Transport,
        *,
        interval: timedelta,
        sleep: Sleep = asyncio.sleep,
        client: httpx.AsyncClient | None = None,
        candles: CandleFeed | None = None,
        change_delay: float = CHANGE_DELAY,
        hyperliquid: InfoClient | None = None,
    ) -> None:
        self.services = services
        self.interval = interval
        self.poller = FeedPoller(feeds, services.prices)
        self.watch = AlertWatch(services, change_delay)
        self.notices = FeedNotices(services, self.watch)
        self.symbol_notices = SymbolNotices(services, self.watch)
        self.digests = Digests(services)
        self.weekly = WeeklyReviews(services)
        self.sender = OutboxSender(services, transport, sleep=sleep)
        self._client = client
        self.candles = candles
        self.wallets = (
            None
            if hyperliquid is None
            else WalletSync(services, hyperliquid, self.watch, services.watch_interval)
        )

    @classmethod
    def create(cls, services: Services, settings: Settings, transport: Transport) -> AlertRuntime:
        """The production runtime: every exchange's feed on one HTTP client, the price
        book set to the configured interval and jump bound."""
        interval = timedelta(seconds=settings.alert_interval_s)
        services.prices.configure(interval, settings.price_max_jump)
        client = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.feed_timeout_s),
            headers={"User-Agent": "IsoCross/0.1 (+mark prices)"},
        )
        urls = settings.exchange_urls
        feeds = sources(client, urls)
        candles = CandleFeed(client, urls, services.klines)
        services.watch_interval = timedelta(seconds=settings.watch_interval_s)
        hyperliquid = InfoClient(client, settings.hyperliquid_url, WeightBudget())
        return cls(
            services,
            feeds,
            transport,
            interval=interval,
            client=client,
            candles=candles,
            hyperliquid=hyperliquid,
        )

    async def start(self) -> None:
        """Rebuild the watch from the database and hear about every later change."""
        await self.watch.start()
        await self.notices.start()
        await self.symbol_notices.start()
        if self.watch.changed not in self.services.on_portfolio_change:
            self.services.on_portfolio_change.append(self.watch.changed)
        if self.wallets is not None and self.wallets.first not in self.services.on_wallet_watched:
            self.services.on_wallet_watched.append(self.wallets.first)

    async def sync_wallets(self) -> SyncReport | None:
        """One round of the watched wallets (None: no Hyperliquid client configured)."""
        return None if self.wallets is None else await self.wallets.round()

    async def tick(self) -> TickReport:
        """One poll of every feed, the alerts its marks trigger, outage notices."""
        ticked = await self.poller.poll(self.services.clock())
        alerts = await self.watch.on_marks(ticked)
        notices = await self.notices.check() + await self.symbol_notices.check()
        if self.candles is not None:  # daily closes for the advice, a few symbols a tick
            await self.candles.refresh(self.watch.symbols(), self.services.clock())
        report = TickReport(sum(len(m) for m in ticked.values()), alerts, notices)
        if alerts or notices:
            log.info("alert tick: %s", report)
        return report

    async def send(self, budget: float = 0.9) -> int:
        """Deliver pending outbox messages for up to `budget` seconds."""
        return await self.sender.drain(budget)

    async def digest(self) -> int:
        """Queue the daily digests and weekly reviews that are due; the number queued."""
        return await self.digests.check() + await self.weekly.check()

    async def close(self) -> None:
        if self.watch.changed in self.services.on_portfolio_change:
            self.services.on_portfolio_change.remove(self.watch.changed)
        if self.wallets is not None and self.wallets.first in self.services.on_wallet_watched:
            self.services.on_wallet_watched.remove(self.wallets.first)
        await self.watch.settled()  # the last changes are looked at before the database closes
        if self._client is not None:
            await self._client.aclose()
