"""Binance, Bybit and OKX public mark-price endpoints, each read in its documented shape.

* Binance USDⓈ-M `GET /fapi/v1/premiumIndex` (no symbol: all of them):
  a JSON array of {"symbol", "markPrice" (text), "time" (ms), ...}.
* Bybit v5 `GET /v5/market/tickers?category=linear`: {"retCode": 0, "result":
  {"category": "linear", "list": [{"symbol", "markPrice" (text), ...}]}, "time": ms}.
* OKX v5 `GET /api/v5/public/mark-price?instType=SWAP`: {"code": "0", "data":
  [{"instId": "BTC-USDT-SWAP", "markPx" (text), "ts" (ms text)}]}.

Only USDT-margined perpetuals are kept: Binance's dated futures ("BTCUSDT_250926"),
Bybit's USDC perpetuals ("BTCPERP") and OKX's coin-margined swaps ("BTC-USD-SWAP")
would otherwise be mistaken for the USDT market of the same coin.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx

from bot.feeds.base import FeedError, RawMark, get_json
from engine.errors import InvalidInput
from engine.models import Exchange
from engine.symbols import canonical_symbol

__all__ = ["BinanceSource", "BybitSource", "OkxSource", "sources"]


def _marks(
    items: Iterable[Any],
    symbol_key: str,
    suffix: str,
    price_key: str,
    time_key: str | None,
    time: object = None,
) -> list[RawMark]:
    marks = []
    for item in items:
        if not isinstance(item, dict):
            continue
        native = item.get(symbol_key)
        if not isinstance(native, str) or not native.endswith(suffix):
            continue
        try:
            symbol = canonical_symbol(native)
        except InvalidInput:
            continue
        stamp = item.get(time_key) if time_key is not None else time
        marks.append(RawMark(symbol, item.get(price_key), stamp))
    return marks


class BinanceSource:
    exchange = Exchange.BINANCE

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self._client, self._url = client, base_url

    async def fetch(self) -> list[RawMark]:
        payload = await get_json(self._client, self._url, "/fapi/v1/premiumIndex", {})
        if not isinstance(payload, list):
            raise FeedError("unexpected shape")
        return _marks(payload, "symbol", "USDT", "markPrice", "time")


class BybitSource:
    exchange = Exchange.BYBIT

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self._client, self._url = client, base_url

    async def fetch(self) -> list[RawMark]:
        payload = await get_json(
            self._client, self._url, "/v5/market/tickers", {"category": "linear"}
        )
        if not isinstance(payload, dict) or payload.get("retCode") != 0:
            raise FeedError("unexpected shape")
        result = payload.get("result")
        items = result.get("list") if isinstance(result, dict) else None
        if not isinstance(items, list):
            raise FeedError("unexpected shape")
        return _marks(items, "symbol", "USDT", "markPrice", None, payload.get("time"))


class OkxSource:
    exchange = Exchange.OKX

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self._client, self._url = client, base_url

    async def fetch(self) -> list[RawMark]:
        payload = await get_json(
            self._client, self._url, "/api/v5/public/mark-price", {"instType": "SWAP"}
        )
        if not isinstance(payload, dict) or payload.get("code") != "0":
            raise FeedError("unexpected shape")
        items = payload.get("data")
        if not isinstance(items, list):
            raise FeedError("unexpected shape")
        return _marks(items, "instId", "-USDT-SWAP", "markPx", "ts")


def sources(
    client: httpx.AsyncClient, binance_url: str, bybit_url: str, okx_url: str
) -> list[BinanceSource | BybitSource | OkxSource]:
    """The three feeds on one shared HTTP client."""
    return [
        BinanceSource(client, binance_url),
        BybitSource(client, bybit_url),
        OkxSource(client, okx_url),
    ]
