"""Binance USDⓈ-M public market data, read in its documented shapes.

* Marks: `GET /fapi/v1/premiumIndex` (no symbol: all of them), a JSON array of
  {"symbol", "markPrice" (text), "time" (ms), ...}; dated futures ("BTCUSDT_250926")
  are left out by the profile's naming. Each item also carries the funding rate:
  `lastFundingRate`, `nextFundingTime` (ms) and, for symbols not on 8 h,
  `fundingIntervalHours`.
* Daily candles: `GET /fapi/v1/klines?symbol=BTCUSDT&interval=1d&limit=N`, a JSON array
  of arrays [open time (ms), open, high, low, close (text), ...], oldest first.
"""

from __future__ import annotations

from typing import Any

from bot.feeds.base import HttpVenue, RawMark, listed, marks_of
from bot.feeds.funding import RawFunding, interval_hours
from engine.exchanges import profile
from engine.models import Exchange

__all__ = ["BinanceSource"]

_NAMING = profile(Exchange.BINANCE).naming


def _funding(item: dict[str, Any]) -> RawFunding | None:
    if "lastFundingRate" not in item:
        return None
    interval = interval_hours(item.get("fundingIntervalHours"))
    return RawFunding(item["lastFundingRate"], item.get("nextFundingTime"), interval)


class BinanceSource(HttpVenue):
    exchange = Exchange.BINANCE

    async def fetch(self) -> list[RawMark]:
        payload = listed(await self._get("/fapi/v1/premiumIndex", {}))
        return marks_of(payload, _NAMING, "symbol", "markPrice", "time", funding=_funding)

    async def daily_candles(self, symbol: str, limit: int) -> list[Any]:
        params = {"symbol": _NAMING.native(symbol), "interval": "1d", "limit": str(limit)}
        return listed(await self._get("/fapi/v1/klines", params))
