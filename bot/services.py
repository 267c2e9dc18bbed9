"""Everything a command needs from the outside world, built once by the composition root."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from bot.feeds.book import PriceBook
from bot.feeds.klines import KlineStore
from bot.feeds.listings import Listings
from bot.feeds.marks import Marks
from bot.i18n import Catalogs
from engine.tiers import TierBook, load_tier_book
from storage.alerts import AlertRepository
from storage.confirmations import ConfirmationRepository
from storage.db import Database
from storage.marks import ManualMarkRepository
from storage.portfolios import PortfolioRepository
from storage.reviews import ReviewRepository
from storage.users import UserRepository
from storage.wallets import WalletRepository

__all__ = ["PortfolioHook", "Services", "WalletHook", "open_services", "utc_now"]

log = logging.getLogger(__name__)

PortfolioHook = Callable[[int], Awaitable[None]]
# called with (user id, portfolio id, address) after /watch: the first snapshot, silently
WalletHook = Callable[[int, int, str], Awaitable[None]]


def utc_now() -> datetime:
    """The real clock; everything else receives `Services.clock` and asks it."""
    return datetime.now(UTC)


def default_prices() -> PriceBook:
    return PriceBook(timedelta(seconds=30), Decimal("0.2"))


@dataclass
class Services:
    db: Database
    users: UserRepository
    portfolios: PortfolioRepository
    book: TierBook
    catalogs: Catalogs
    clock: Callable[[], datetime] = utc_now
    prices: PriceBook = field(default_factory=default_prices)
    klines: KlineStore = field(default_factory=KlineStore)  # daily closes for the advice
    # called with the user id after every command that changed a portfolio or alert setting
    on_portfolio_change: list[PortfolioHook] = field(default_factory=list)
    alerts: AlertRepository = field(init=False)
    marks: Marks = field(init=False)
    listings: Listings = field(init=False)  # which contracts each exchange lists
    reviews: ReviewRepository = field(init=False)
    confirmations: ConfirmationRepository = field(init=False)  # what a plain yes runs
    wallets: WalletRepository = field(init=False)  # watched Hyperliquid wallets
    on_wallet_watched: list[WalletHook] = field(default_factory=list)
    watch_interval: timedelta = timedelta(seconds=60)  # ISOCROSS_WATCH_INTERVAL_S

    def __post_init__(self) -> None:
        self.alerts = AlertRepository(self.db)
        self.marks = Marks(self.prices, ManualMarkRepository(self.db))
        self.listings = Listings(self.book, self.prices)
        self.reviews = ReviewRepository(self.db)
        self.confirmations = ConfirmationRepository(self.db)
        self.wallets = WalletRepository(self.db, self.portfolios)

    async def wallet_watched(self, user_id: int, portfolio_id: int, address: str) -> None:
        """Tell the wallet sync (its first snapshot); a failure is logged, never raised."""
        for hook in self.on_wallet_watched:
            try:
                await hook(user_id, portfolio_id, address)
            except Exception:
                log.exception("wallet watch hook failed for user %s", user_id)

    async def portfolio_changed(self, user_id: int) -> None:
        """Tell the watchers; a failing watcher is logged and never fails the command."""
        for hook in self.on_portfolio_change:
            try:
                await hook(user_id)
            except Exception:
                log.exception("portfolio change hook failed for user %s", user_id)

    async def close(self) -> None:
        await self.db.close()


async def open_services(
    db_path: Path,
    catalogs: Catalogs | None = None,
    *,
    clock: Callable[[], datetime] = utc_now,
    prices: PriceBook | None = None,
) -> Services:
    db = await Database.open(db_path)
    services = Services(
        db=db,
        users=UserRepository(db),
        portfolios=PortfolioRepository(db),
        book=load_tier_book(),
        catalogs=catalogs or Catalogs(),
        clock=clock,
        prices=prices or default_prices(),
    )
    await services.marks.load()
    return services
