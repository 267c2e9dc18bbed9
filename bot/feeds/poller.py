"""One tick of market data: ask every feed at once, pass each price through the book.

A feed that fails (network, HTTP error, garbage) or whose every price is refused
counts as down for that tick; refusals are logged once per feed and tick with
a few examples, so a bad answer of 800 symbols is one log line, not 800.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from bot.feeds.base import FeedError, PriceSource
from bot.feeds.book import MarkQuote, PriceBook, Refusal
from engine.models import Exchange

__all__ = ["FeedPoller"]

log = logging.getLogger(__name__)
_EXAMPLES = 5


class FeedPoller:
    def __init__(self, sources: Sequence[PriceSource], book: PriceBook) -> None:
        self.sources = tuple(sources)
        self.book = book

    async def poll(self, now: datetime) -> dict[Exchange, dict[str, MarkQuote]]:
        """Every feed once; the marks accepted this tick, per exchange and symbol."""
        answers = await asyncio.gather(*(self._one(source, now) for source in self.sources))
        return {source.exchange: marks for source, marks in zip(self.sources, answers, strict=True)}

    async def _one(self, source: PriceSource, now: datetime) -> dict[str, MarkQuote]:
        exchange = source.exchange
        try:
            raw = await source.fetch()
        except FeedError as error:
            log.warning("feed %s failed: %s", exchange.value, error.reason)
            self.book.feed_failed(exchange, now, error.reason)
            return {}
        accepted: dict[str, MarkQuote] = {}
        refused: Counter[Refusal] = Counter()
        examples: list[str] = []
        for mark in raw:
            verdict = self.book.offer(exchange, mark, now)
            if isinstance(verdict, MarkQuote):
                accepted[mark.symbol] = verdict
            else:
                refused[verdict] += 1
                if len(examples) < _EXAMPLES:
                    examples.append(f"{mark.symbol} {verdict.value}")
        if refused:
            log.warning(
                "feed %s: %d of %d prices refused (%s)",
                exchange.value,
                refused.total(),
                len(raw),
                "; ".join(examples),
            )
        if accepted:
            self.book.feed_ok(exchange, now)
        else:
            self.book.feed_failed(exchange, now, "no usable price")
        return accepted
