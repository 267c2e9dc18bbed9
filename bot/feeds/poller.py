"""One tick of market data: ask every feed at once, pass each price through the book.

The feeds are asked together and judged one after another once all have answered,
so a jump refused from the first feed can be confirmed by the next (`PriceBook.confirm`).
A feed that fails (network, HTTP error, garbage) or whose every price is refused
counts as down for that tick; refusals are logged once per feed and tick with
a few examples, so a bad answer of 800 symbols is one log line, not 800.

What a tick returns is what the watch judges: each feed's accepted marks, and for a
feed without a usable price of its own for a symbol another feed priced this tick,
that feed's mark (its `source` says whose), so a feed that is down or refusing does
not hold its users' alerts until it returns.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from bot.feeds.base import FeedError, PriceSource, RawMark
from bot.feeds.book import MarkQuote, PriceBook, Refusal
from engine.models import Exchange

__all__ = ["FeedPoller"]

log = logging.getLogger(__name__)
_EXAMPLES = 5

Ticked = dict[Exchange, dict[str, MarkQuote]]


class FeedPoller:
    def __init__(self, sources: Sequence[PriceSource], book: PriceBook) -> None:
        self.sources = tuple(sources)
        self.book = book

    async def poll(self, now: datetime) -> Ticked:
        """Every feed once; the marks to judge this tick, per exchange and symbol."""
        answers = await asyncio.gather(*(self._fetch(source, now) for source in self.sources))
        ticked: Ticked = {}
        for source, raw in zip(self.sources, answers, strict=True):
            ticked[source.exchange] = {} if raw is None else self._judge(source.exchange, raw, now)
        for quote in self.book.confirm(now):
            exchange = Exchange(quote.source)
            ticked.setdefault(exchange, {})[quote.symbol] = quote
            self.book.feed_ok(exchange, now)
        self._stand_in(ticked, now)
        return ticked

    async def _fetch(self, source: PriceSource, now: datetime) -> list[RawMark] | None:
        try:
            return await source.fetch()
        except FeedError as error:
            log.warning("feed %s failed: %s", source.exchange.value, error.reason)
            self.book.feed_failed(source.exchange, now, error.reason)
            return None

    def _judge(self, exchange: Exchange, raw: list[RawMark], now: datetime) -> dict[str, MarkQuote]:
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

    def _stand_in(self, ticked: Ticked, now: datetime) -> None:
        """Another feed's fresh mark for each symbol a feed could not price itself."""
        fresh = {
            (e, s): q
            for e, marks in ticked.items()
            for s, q in marks.items()
            if q.source == e.value
        }
        for exchange, marks in ticked.items():
            for (other, symbol), quote in fresh.items():
                if other is exchange or symbol in marks:
                    continue
                if self.book.own(exchange, symbol, now) is None:
                    marks[symbol] = quote
