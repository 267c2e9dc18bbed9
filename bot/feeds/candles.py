"""Daily closes from the exchanges' public kline endpoints, for the advice's volatility.

Each exchange's request and answer shape is its adapter's (`bot.feeds.venues`);
an exchange without one is a `NoFeed` error, never another exchange's endpoint.
Candles are ordered by their open time whatever the exchange's order, and the
day still open is left out (its close is not a close yet). A symbol is fetched
at most once an hour (`KlineStore.due`), a few per tick, so the mark-price tick
stays cheap; a failure is logged and the advice keeps the shipped defaults.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from bot.feeds.base import FeedError
from bot.feeds.klines import DAY_SECONDS, KlineStore
from bot.feeds.venues import venue
from engine.models import Exchange

__all__ = ["DAYS", "PER_TICK", "CandleFeed", "daily_closes"]

log = logging.getLogger(__name__)
DAYS = 31  # 30 daily returns, and one more for the day still open
PER_TICK = 4  # symbols fetched per tick at most
_DAY = timedelta(seconds=DAY_SECONDS)


def _closes(rows: Iterable[Any], now: datetime) -> tuple[Decimal, ...]:
    """Closes of the days already closed, oldest first; FeedError on a malformed candle."""
    found: list[tuple[int, Decimal]] = []
    for row in rows:
        try:
            opened, close = int(row[0]), Decimal(str(row[4]))
        except (TypeError, ValueError, IndexError, KeyError, InvalidOperation):
            raise FeedError("malformed candle") from None
        if not close.is_finite() or close <= 0:
            raise FeedError("malformed candle")
        if datetime.fromtimestamp(opened / 1000, now.tzinfo) + _DAY <= now:
            found.append((opened, close))
    return tuple(close for _, close in sorted(found))


async def daily_closes(
    client: httpx.AsyncClient, exchange: Exchange, base_url: str, symbol: str, now: datetime
) -> tuple[Decimal, ...]:
    """The last closed daily candles' closes of `symbol` ('BTCUSDT'), oldest first;
    NoFeed (a FeedError) for an exchange the bot has no adapter for."""
    rows = await venue(exchange, client, base_url).daily_candles(symbol, DAYS + 1)
    return _closes(rows, now)[-DAYS:]


class CandleFeed:
    """Keeps `store` filled with the daily closes of the symbols the alert watch follows."""

    def __init__(
        self, client: httpx.AsyncClient, urls: Mapping[Exchange, str], store: KlineStore
    ) -> None:
        self._client, self._urls, self._store = client, urls, store

    async def refresh(self, wanted: Iterable[tuple[Exchange, str]], now: datetime) -> int:
        """Fetch up to PER_TICK symbols that are due; the number fetched."""
        by_symbol = {symbol: exchange for exchange, symbol in sorted(wanted)}
        fetched = 0
        for symbol in self._store.due(sorted(by_symbol), now)[:PER_TICK]:
            exchange = by_symbol[symbol]
            try:
                closes = await self._closes(exchange, symbol, now)
            except FeedError as error:
                log.warning("klines of %s from %s failed: %s", symbol, exchange.value, error)
                self._store.tried(symbol, now)
                continue
            self._store.put(symbol, closes, now)
            fetched += 1
        return fetched

    async def _closes(self, exchange: Exchange, symbol: str, now: datetime) -> tuple[Decimal, ...]:
        url = self._urls.get(exchange)
        if url is None:
            raise FeedError(f"no base URL for {exchange.value}")
        return await daily_closes(self._client, exchange, url, symbol, now)
