"""Daily closes from the exchanges' public kline endpoints, for the advice's volatility.

* Binance USDⓈ-M `GET /fapi/v1/klines?symbol=BTCUSDT&interval=1d&limit=N`: a JSON
  array of arrays [open time (ms), open, high, low, close (text), ...], oldest first.
* Bybit v5 `GET /v5/market/kline?category=linear&symbol=BTCUSDT&interval=D&limit=N`:
  {"retCode": 0, "result": {"list": [[start (ms text), open, high, low, close, ...]]}},
  newest first.
* OKX v5 `GET /api/v5/market/candles?instId=BTC-USDT-SWAP&bar=1D&limit=N`:
  {"code": "0", "data": [[ts (ms text), open, high, low, close, ...]]}, newest first.

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

from bot.feeds.base import FeedError, get_json
from bot.feeds.klines import DAY_SECONDS, KlineStore
from engine.models import Exchange
from engine.symbols import base_asset

__all__ = ["DAYS", "PER_TICK", "CandleFeed", "daily_closes"]

log = logging.getLogger(__name__)
DAYS = 31  # 30 daily returns, and one more for the day still open
PER_TICK = 4  # symbols fetched per tick at most
_DAY = timedelta(seconds=DAY_SECONDS)


def _request(exchange: Exchange, symbol: str) -> tuple[str, dict[str, str]]:
    limit = str(DAYS + 1)
    if exchange is Exchange.BINANCE:
        return "/fapi/v1/klines", {"symbol": symbol, "interval": "1d", "limit": limit}
    if exchange is Exchange.BYBIT:
        params = {"category": "linear", "symbol": symbol, "interval": "D", "limit": limit}
        return "/v5/market/kline", params
    inst = f"{base_asset(symbol)}-USDT-SWAP"
    return "/api/v5/market/candles", {"instId": inst, "bar": "1D", "limit": limit}


def _rows(exchange: Exchange, payload: Any) -> list[Any]:
    if exchange is Exchange.BINANCE:
        rows = payload
    elif exchange is Exchange.BYBIT:
        ok = isinstance(payload, dict) and payload.get("retCode") == 0
        result = payload.get("result") if ok else None
        rows = result.get("list") if isinstance(result, dict) else None
    else:
        ok = isinstance(payload, dict) and payload.get("code") == "0"
        rows = payload.get("data") if ok else None
    if not isinstance(rows, list):
        raise FeedError("unexpected shape")
    return rows


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
    """The last closed daily candles' closes of `symbol` ('BTCUSDT'), oldest first."""
    path, params = _request(exchange, symbol)
    return _closes(_rows(exchange, await get_json(client, base_url, path, params)), now)[-DAYS:]


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
                closes = await daily_closes(
                    self._client, exchange, self._urls[exchange], symbol, now
                )
            except FeedError as error:
                log.warning("klines of %s from %s failed: %s", symbol, exchange.value, error)
                self._store.tried(symbol, now)
                continue
            self._store.put(symbol, closes, now)
            fetched += 1
        return fetched
