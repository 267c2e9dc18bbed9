"""One feed adapter per exchange profile, keyed by the engine's Exchange, listed once here.

An adapter (`bot.feeds.base.Venue`) knows its exchange's endpoints and answer
shapes: every mark in one request, and a symbol's daily candles. Symbol names
come from the exchange's engine profile (`engine.exchanges`). The base URLs
come from `bot.config.Settings.exchange_urls` and are wired in by `venues`, the
one place that builds adapters. A profile with no market of its own (`custom`)
is priced by a stand-in feed; any other exchange without an adapter is an
explicit `NoFeed`, never silently another exchange.

May import engine and httpx (through bot.feeds); never the command layer, views or telegram.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import httpx

from bot.feeds.base import FeedError, Venue
from bot.feeds.venues.binance import BinanceSource
from bot.feeds.venues.bybit import BybitSource
from bot.feeds.venues.okx import OkxSource
from engine.models import Exchange

__all__ = ["ADAPTERS", "FEEDS", "FEED_FOR", "NoFeed", "sources", "venue", "venues"]

ADAPTERS: Mapping[Exchange, Callable[[httpx.AsyncClient, str], Venue]] = {
    Exchange.BINANCE: BinanceSource,
    Exchange.BYBIT: BybitSource,
    Exchange.OKX: OkxSource,
}
FEEDS: tuple[Exchange, ...] = tuple(ADAPTERS)  # every exchange with a feed, in display order
# custom has no market of its own: Binance's marks, the deepest book, price it
_STAND_INS = {Exchange.CUSTOM: Exchange.BINANCE}
# priced by its own sync (bot.alerts.wallets), which offers Hyperliquid's marks to the book
_SELF_FED = frozenset({Exchange.HYPERLIQUID})


class NoFeed(FeedError, LookupError):
    """The bot has no adapter for this exchange (and no stand-in prices it)."""

    def __init__(self, exchange: Exchange) -> None:
        super().__init__(f"no feed for {exchange.value}")
        self.exchange = exchange


class _FeedFor(Mapping[Exchange, Exchange]):
    """Which feed prices a profile: its own, or its stand-in; NoFeed for any other."""

    def __getitem__(self, exchange: Exchange) -> Exchange:
        if exchange in ADAPTERS:
            return exchange
        if exchange in _STAND_INS:
            return _STAND_INS[exchange]
        if exchange in _SELF_FED:
            return exchange
        raise NoFeed(exchange)

    def __iter__(self) -> Iterator[Exchange]:
        return iter([e for e in Exchange if e in ADAPTERS or e in _STAND_INS or e in _SELF_FED])

    def __len__(self) -> int:
        return sum(1 for _ in self)


FEED_FOR: Mapping[Exchange, Exchange] = _FeedFor()


def venue(exchange: Exchange, client: httpx.AsyncClient, base_url: str) -> Venue:
    """The adapter of `exchange` at `base_url`; NoFeed when the bot has none."""
    adapter = ADAPTERS.get(exchange)
    if adapter is None:
        raise NoFeed(exchange)
    return adapter(client, base_url)


def venues(client: httpx.AsyncClient, urls: Mapping[Exchange, str]) -> dict[Exchange, Venue]:
    """Every adapter on one shared HTTP client, each at its configured base URL.

    An adapter without a URL is a start-up error: its ISOCROSS_<EXCHANGE>_URL belongs
    in `bot.config.Settings.exchange_urls`.
    """
    missing = [e.value for e in ADAPTERS if e not in urls]
    if missing:
        raise ValueError(f"no base URL for the {', '.join(missing)} feed")
    return {exchange: venue(exchange, client, urls[exchange]) for exchange in ADAPTERS}


def sources(client: httpx.AsyncClient, urls: Mapping[Exchange, str]) -> list[Venue]:
    """Every exchange's feed, in `FEEDS` order."""
    return list(venues(client, urls).values())
