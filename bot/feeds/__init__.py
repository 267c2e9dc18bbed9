"""Market data: one adapter per exchange profile (`bot.feeds.venues`) behind the `PriceSource`
and `Venue` protocols, the guarded `PriceBook`, the poller that feeds it, and the marks a
user is priced at. Hyperliquid, read per account rather than polled, is
`bot.feeds.hyperliquid` (its `/info` client, weight budget and snapshot models).

May import engine, storage (manual marks) and httpx; never the command layer, views or
telegram.
"""

from bot.feeds.base import FeedError, PriceSource, RawMark, Venue
from bot.feeds.book import MANUAL, MarkQuote, PriceBook, Refusal
from bot.feeds.marks import Marks
from bot.feeds.poller import FeedPoller
from bot.feeds.venues import FEED_FOR, FEEDS, NoFeed, sources, venue, venues

__all__ = [
    "FEEDS",
    "FEED_FOR",
    "MANUAL",
    "FeedError",
    "FeedPoller",
    "MarkQuote",
    "Marks",
    "NoFeed",
    "PriceBook",
    "PriceSource",
    "RawMark",
    "Refusal",
    "Venue",
    "sources",
    "venue",
    "venues",
]
