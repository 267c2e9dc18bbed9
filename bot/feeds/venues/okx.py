"""OKX v5 public market data (SWAP: perpetual swaps), read in its documented shapes.

* Marks: `GET /api/v5/public/mark-price?instType=SWAP`, {"code": "0", "data":
  [{"instId": "BTC-USDT-SWAP", "markPx" (text), "ts" (ms text)}]}; coin-margined
  swaps ("BTC-USD-SWAP") are left out by the profile's naming.
* Funding: `GET /api/v5/public/funding-rate?instId=ANY` (every swap), {"code": "0",
  "data": [{"instId", "fundingRate", "fundingTime", "nextFundingTime" (ms text)}]};
  the interval is nextFundingTime - fundingTime. Asked at most every
  `FUNDING_EVERY` (a rate changes once an interval), and a failure there never costs
  the marks: they go out without a rate.
* Daily candles: `GET /api/v5/market/candles?instId=BTC-USDT-SWAP&bar=1D&limit=N`,
  {"code": "0", "data": [[ts (ms text), open, high, low, close, ...]]}, newest first.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import httpx

from bot.feeds.base import FeedError, HttpVenue, RawMark, listed, marks_of
from bot.feeds.funding import RawFunding, interval_between
from engine.exchanges import profile
from engine.models import Exchange

__all__ = ["FUNDING_EVERY", "OkxSource"]

_NAMING = profile(Exchange.OKX).naming
FUNDING_EVERY = 300.0  # seconds between two funding-rate requests


def _data(payload: Any) -> list[Any]:
    """`data` of a v5 answer whose code is "0"; FeedError for anything else."""
    ok = isinstance(payload, dict) and payload.get("code") == "0"
    return listed(payload.get("data") if ok else None)


def _funding(item: dict[str, Any]) -> RawFunding:
    interval = interval_between(item.get("fundingTime"), item.get("nextFundingTime"))
    return RawFunding(item.get("fundingRate"), item.get("fundingTime"), interval)


class OkxSource(HttpVenue):
    exchange = Exchange.OKX

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        super().__init__(client, base_url)
        self._rates: dict[str, RawFunding] = {}
        self._rates_asked = float("-inf")

    async def fetch(self) -> list[RawMark]:
        params = {"instType": "SWAP"}
        payload = await self._get("/api/v5/public/mark-price", params)
        marks = marks_of(_data(payload), _NAMING, "instId", "markPx", "ts")
        await self._refresh_rates()
        return [replace(m, funding=self._rates.get(m.symbol)) for m in marks]

    async def _refresh_rates(self) -> None:
        if time.monotonic() - self._rates_asked < FUNDING_EVERY:
            return
        self._rates_asked = time.monotonic()
        try:
            items = _data(await self._get("/api/v5/public/funding-rate", {"instId": "ANY"}))
        except FeedError:
            return  # the marks go out without a rate; asked again next time
        rates = marks_of(items, _NAMING, "instId", "fundingRate", None, funding=_funding)
        self._rates = {m.symbol: m.funding for m in rates if m.funding is not None}

    async def daily_candles(self, symbol: str, limit: int) -> list[Any]:
        params = {"instId": _NAMING.native(symbol), "bar": "1D", "limit": str(limit)}
        return _data(await self._get("/api/v5/market/candles", params))
