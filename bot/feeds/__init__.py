"""Market data: exchange mark-price and kline feeds behind one `PriceSource` protocol,
the guarded `PriceBook`, the poller that feeds it, and the marks a user is priced at.

May import engine, storage (manual marks) and httpx; never the command layer, views or
telegram.
"""

from bot.feeds.base import FeedError, PriceSource, RawMark
from bot.feeds.book import MANUAL, MarkQuote, PriceBook, Refusal
from bot.feeds.exchanges import BinanceSource, BybitSource, OkxSource, sources
from bot.feeds.marks import FEED_FOR, Marks
from bot.feeds.poller import FeedPoller

__all__ = [
    "FEED_FOR",
    "MANUAL",
    "BinanceSource",
    "BybitSource",
    "FeedError",
    "FeedPoller",
    "MarkQuote",
    "Marks",
    "OkxSource",
    "PriceBook",
    "PriceSource",
    "RawMark",
    "Refusal",
    "sources",
]
