"""A token bucket per user in front of the command layer: a flood slows its sender only.

Each user may send `burst` updates at once and `rate` per second after that.
Past it, updates are dropped; the first dropped one gets a short notice so the
user knows why the bot went quiet, the rest get nothing (no reply storm).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

__all__ = ["Throttle", "Verdict"]


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # the first update refused: tell the user
    DROP = "drop"


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float
    warned: bool = False


class Throttle:
    """Per-key token buckets; `clock` is injectable so tests need not sleep."""

    MAX_KEYS = 10_000  # beyond this, buckets that have refilled are forgotten

    def __init__(
        self, burst: int = 20, rate: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst = burst
        self.rate = rate
        self._clock = clock
        self._buckets: dict[int, _Bucket] = {}

    def check(self, key: int) -> Verdict:
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            self._forget_idle(now)
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return Verdict.ALLOW
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN

    def _forget_idle(self, now: float) -> None:
        if len(self._buckets) < self.MAX_KEYS:
            return
        full = self.burst / self.rate if self.rate else float("inf")
        for key, bucket in list(self._buckets.items()):
            if now - bucket.stamp >= full:
                del self._buckets[key]
