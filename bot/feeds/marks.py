"""Which mark a user's position is priced at: the live mark of their exchange's feed
while it is fresh, else another feed's fresh mark for the same symbol (its source
names that feed, so every reply says whose mark it is), else the manual mark they
set, else none (the entry price stands in, and the reply says why).

Manual marks live in SQLite and are mirrored here, so pricing a reply costs no
query. Which feed prices a profile is `FEED_FOR` (`bot.feeds.venues`): its own, or
for `custom` the Binance feed.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from bot.feeds.book import MANUAL, MarkQuote, PriceBook
from bot.feeds.venues import FEED_FOR
from engine.models import Exchange
from storage.marks import ManualMarkRepository

__all__ = ["FEED_FOR", "Marks"]


class Marks:
    def __init__(self, book: PriceBook, manual: ManualMarkRepository) -> None:
        self.book = book
        self._repository = manual
        self._manual: dict[tuple[int, str], MarkQuote] = {}

    async def load(self) -> None:
        """Mirror the stored manual marks (once, at start-up)."""
        self._manual = {
            (mark.user_id, mark.symbol): MarkQuote(mark.symbol, mark.price, mark.set_at, MANUAL)
            for mark in await self._repository.all()
        }

    def live(self, exchange: Exchange, symbol: str, now: datetime) -> MarkQuote | None:
        """The fresh feed mark used for this exchange profile (its own feed's, else
        another's), or None."""
        return self.book.mark(FEED_FOR[exchange], symbol, now)

    def manual(self, user_id: int, symbol: str) -> MarkQuote | None:
        return self._manual.get((user_id, symbol))

    def quote(
        self, user_id: int, exchange: Exchange, symbol: str, now: datetime
    ) -> MarkQuote | None:
        """A fresh live mark wins; a manual mark stands in when there is none, except on
        Hyperliquid (a watched wallet), where the snapshot's own mark does."""
        live = self.live(exchange, symbol, now)
        if live is not None or exchange is Exchange.HYPERLIQUID:
            return live
        return self.manual(user_id, symbol)

    async def set_manual(
        self, user_id: int, symbol: str, price: Decimal, now: datetime
    ) -> MarkQuote:
        stored = await self._repository.set(user_id, symbol, price, now)
        quote = MarkQuote(stored.symbol, stored.price, stored.set_at, MANUAL)
        self._manual[(user_id, stored.symbol)] = quote
        return quote

    async def clear_manual(self, user_id: int, symbol: str) -> bool:
        self._manual.pop((user_id, symbol), None)
        return await self._repository.clear(user_id, symbol)
