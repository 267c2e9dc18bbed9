"""Hyperliquid's per-IP request budget, shared by every call the bot makes to /info.

"REST requests share an aggregated weight limit of 1200 per minute" per IP;
`clearinghouseState` weighs 2 and `metaAndAssetCtxs` 20 (Hyperliquid Docs, "Rate
limits", read 2026-12-04). One `WeightBudget` per process is a token
bucket holding at most a minute's weight and refilled continuously, so a burst
never spends more than the exchange allows and the steady rate is 20 weight a
second. A 429 empties it and pauses every caller, for 1 s, then 2, 4 … up to 60 s
while 429s repeat; the first success resets the pause.

The clock and the sleep are passed in (monotonic seconds), so tests and the
benchmark run it without waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType

__all__ = ["WEIGHTS", "WEIGHT_PER_MINUTE", "WeightBudget"]

WEIGHT_PER_MINUTE = 1200
WEIGHTS: Mapping[str, int] = MappingProxyType({"clearinghouseState": 2, "metaAndAssetCtxs": 20})
FIRST_PAUSE_S = 1.0
LONGEST_PAUSE_S = 60.0


class WeightBudget:
    """A token bucket of request weight; `take` waits until the weight is there."""

    def __init__(
        self,
        per_minute: int = WEIGHT_PER_MINUTE,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # weight per second
        self._clock, self._sleep = clock, sleep
        self._tokens = self.capacity
        self._stamp = clock()
        self._paused_until = self._stamp
        self._pause = FIRST_PAUSE_S
        self._lock = asyncio.Lock()

    def wait_for(self, weight: int) -> float:
        """Seconds until `weight` can be spent (0: now), without spending it."""
        now = self._refill()
        pause = max(0.0, self._paused_until - now)
        missing = max(0.0, weight - self._tokens)
        return max(pause, missing / self.rate)

    async def take(self, weight: int) -> None:
        """Spend `weight`, waiting first when the bucket or a 429's pause requires it;
        callers are served in turn, so a small request never jumps a waiting large one."""
        if weight > self.capacity:
            raise ValueError(f"weight {weight} exceeds the budget of {self.capacity:g}")
        async with self._lock:
            while (wait := self.wait_for(weight)) > 0:
                await self._sleep(wait)
            self._tokens -= weight

    def rate_limited(self) -> float:
        """A 429 arrived: empty the bucket, pause every caller; the pause, in seconds."""
        now = self._refill()
        self._tokens = 0.0
        pause = self._pause
        self._paused_until = max(self._paused_until, now + pause)
        self._pause = min(self._pause * 2, LONGEST_PAUSE_S)
        return pause

    def succeeded(self) -> None:
        """An answer came back: the next 429 pauses for the first, shortest time again."""
        self._pause = FIRST_PAUSE_S

    def _refill(self) -> float:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        return now
