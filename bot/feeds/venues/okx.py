"""OKX v5 public market data (SWAP: perpetual swaps), read in its documented shapes.

* Marks: `GET /api/v5/public/mark-price?instType=SWAP`, {"code": "0", "data":
  [{"instId": "BTC-USDT-SWAP", "markPx" (text), "ts" (ms text)}]}; coin-margined
  swaps ("BTC-USD-SWAP") are left out by the profile's naming.
* Daily candles: `GET /api/v5/market/candles?instId=BTC-USDT-SWAP&bar=1D&limit=N`,
  {"code": "0", "data": [[ts (ms text), open, high, low, close, ...]]}, newest first.
"""

from __future__ import annotations

from typing import Any

from bot.feeds.base import HttpVenue, RawMark, listed, marks_of
from engine.exchanges import profile
from engine.models import Exchange

__all__ = ["OkxSource"]

_NAMING = profile(Exchange.OKX).naming


def _data(payload: Any) -> list[Any]:
    """`data` of a v5 answer whose code is "0"; FeedError for anything else."""
    ok = isinstance(payload, dict) and payload.get("code") == "0"
    return listed(payload.get("data") if ok else None)


class OkxSource(HttpVenue):
    exchange = Exchange.OKX

    async def fetch(self) -> list[RawMark]:
        params = {"instType": "SWAP"}
        payload = await self._get("/api/v5/public/mark-price", params)
        return marks_of(_data(payload), _NAMING, "instId", "markPx", "ts")

    async def daily_candles(self, symbol: str, limit: int) -> list[Any]:
        params = {"instId": _NAMING.native(symbol), "bar": "1D", "limit": str(limit)}
        return _data(await self._get("/api/v5/market/candles", params))
