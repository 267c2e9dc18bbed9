"""Bybit v5 public market data (linear: USDT perpetuals), read in its documented shapes.

* Marks: `GET /v5/market/tickers?category=linear`, {"retCode": 0, "result":
  {"category": "linear", "list": [{"symbol", "markPrice" (text), ...}]}, "time": ms};
  USDC perpetuals ("BTCPERP") are left out by the profile's naming. Each item also
  carries `fundingRate`, `nextFundingTime` (ms text) and, on newer answers,
  `fundingIntervalHour` (else 8 h; the instruments' `fundingInterval` in minutes is
  not fetched every tick).
* Daily candles: `GET /v5/market/kline?category=linear&symbol=BTCUSDT&interval=D&limit=N`,
  {"retCode": 0, "result": {"list": [[start (ms text), open, high, low, close, ...]]}},
  newest first.
"""

from __future__ import annotations

from typing import Any

from bot.feeds.base import HttpVenue, RawMark, listed, marks_of
from bot.feeds.funding import RawFunding, interval_hours
from engine.exchanges import profile
from engine.models import Exchange

__all__ = ["BybitSource"]

_NAMING = profile(Exchange.BYBIT).naming


def _result_list(payload: Any) -> list[Any]:
    """`result.list` of a v5 answer whose retCode is 0; FeedError for anything else."""
    ok = isinstance(payload, dict) and payload.get("retCode") == 0
    result = payload.get("result") if ok else None
    return listed(result.get("list") if isinstance(result, dict) else None)


def _funding(item: dict[str, Any]) -> RawFunding | None:
    if "fundingRate" not in item:
        return None
    interval = interval_hours(item.get("fundingIntervalHour"))
    return RawFunding(item["fundingRate"], item.get("nextFundingTime"), interval)


class BybitSource(HttpVenue):
    exchange = Exchange.BYBIT

    async def fetch(self) -> list[RawMark]:
        params = {"category": "linear"}
        payload = await self._get("/v5/market/tickers", params)
        items = _result_list(payload)
        return marks_of(
            items, _NAMING, "symbol", "markPrice", None, payload.get("time"), funding=_funding
        )

    async def daily_candles(self, symbol: str, limit: int) -> list[Any]:
        params = {
            "category": "linear",
            "symbol": _NAMING.native(symbol),
            "interval": "D",
            "limit": str(limit),
        }
        return _result_list(await self._get("/v5/market/kline", params))
