"""The trigger index: per market, the marks at which watched subjects must be looked at again.

Each subject registers, per market it depends on, a band (low, high): while the
market's mark stays strictly inside, its alert state cannot change. The index
keeps, per market, the low ends in one sorted array and the high ends in
another, so a new mark finds exactly the subjects it pushed out of their band
with two binary searches: O(log n + k) for k subjects crossed, however many are
stored.

The arrays hold floats (8 bytes each, next to 8-byte subject ids), which keeps a
million subjects in tens of megabytes. The index is only a filter: every
subject it returns is evaluated again in Decimal by the engine, and each band
end is widened by one float step toward "sooner", so rounding can add a
candidate but never lose one (float() rounds to nearest and is monotonic, so a
mark at or past the exact end is at or past the widened one).
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Hashable
from decimal import Decimal

__all__ = ["TriggerIndex", "high_end", "low_end"]


def low_end(price: Decimal) -> float:
    """A low band end as stored: never below the exact one."""
    return math.nextafter(float(price), math.inf)


def high_end(price: Decimal) -> float:
    """A high band end as stored: never above the exact one."""
    return math.nextafter(float(price), -math.inf)


def _widened(low: Decimal | None, high: Decimal | None) -> tuple[float | None, float | None]:
    return (None if low is None else low_end(low), None if high is None else high_end(high))


class _Ends:
    """Sorted band ends of one side of one market, with the subject of each."""

    __slots__ = ("ids", "prices")

    def __init__(self) -> None:
        self.prices = array("d")
        self.ids = array("q")

    def add(self, subject: int, price: float) -> None:
        at = bisect_right(self.prices, price)
        self.prices.insert(at, price)
        self.ids.insert(at, subject)

    def remove(self, subject: int, price: float) -> bool:
        at = bisect_left(self.prices, price)
        while at < len(self.prices) and self.prices[at] == price:
            if self.ids[at] == subject:
                del self.prices[at]
                del self.ids[at]
                return True
            at += 1
        return False

    def load(self, prices: array[float], ids: array[int]) -> None:
        """Replace the contents with arrays already sorted by price (bulk start-up)."""
        self.prices, self.ids = prices, ids


class TriggerIndex:
    def __init__(self) -> None:
        self._lows: dict[Hashable, _Ends] = {}
        self._highs: dict[Hashable, _Ends] = {}
        self._count = 0

    def __len__(self) -> int:
        """How many band ends are stored."""
        return self._count

    def add(
        self, subject: int, market: Hashable, low: Decimal | None, high: Decimal | None
    ) -> None:
        """Watch `subject` on `market`: due once the mark is <= low or >= high."""
        self.add_ends(subject, market, *_widened(low, high))

    def remove(
        self, subject: int, market: Hashable, low: Decimal | None, high: Decimal | None
    ) -> None:
        """Forget a band given exactly as it was added."""
        self.remove_ends(subject, market, *_widened(low, high))

    def add_ends(
        self, subject: int, market: Hashable, low: float | None, high: float | None
    ) -> None:
        """`add` with ends already widened (`low_end`, `high_end`)."""
        if low is not None:
            self._lows.setdefault(market, _Ends()).add(subject, low)
            self._count += 1
        if high is not None:
            self._highs.setdefault(market, _Ends()).add(subject, high)
            self._count += 1

    def remove_ends(
        self, subject: int, market: Hashable, low: float | None, high: float | None
    ) -> None:
        if low is not None and (ends := self._lows.get(market)) and ends.remove(subject, low):
            self._count -= 1
        if high is not None and (ends := self._highs.get(market)) and ends.remove(subject, high):
            self._count -= 1

    def crossed(self, market: Hashable, mark: Decimal | float) -> list[int]:
        """Subjects whose band on `market` this mark leaves (a subject may appear twice
        only if its band is empty)."""
        price = float(mark)
        found: list[int] = []
        lows = self._lows.get(market)
        if lows is not None:
            found.extend(lows.ids[bisect_left(lows.prices, price) :])
        highs = self._highs.get(market)
        if highs is not None:
            found.extend(highs.ids[: bisect_right(highs.prices, price)])
        return found

    def load(
        self,
        market: Hashable,
        lows: tuple[array[float], array[int]],
        highs: tuple[array[float], array[int]],
    ) -> None:
        """Bulk-load a market from arrays sorted by price (ends already widened)."""
        low_side, high_side = _Ends(), _Ends()
        low_side.load(*lows)
        high_side.load(*highs)
        self._count += len(lows[0]) + len(highs[0])
        self._lows[market], self._highs[market] = low_side, high_side

    def memory_bytes(self) -> int:
        """Bytes held by the arrays (the index's own data)."""
        return sum(
            ends.prices.itemsize * len(ends.prices) + ends.ids.itemsize * len(ends.ids)
            for side in (self._lows, self._highs)
            for ends in side.values()
        )
