"""Recent daily closes per symbol, for the advice's volatility and correlations.

The store is filled by `bot.feeds.candles` (at most once an hour per symbol)
and read by every advice: `market(now)` hands the engine the closes that are
fresh, and nothing for a symbol whose closes are stale or missing, so the
engine falls back to its shipped defaults and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from engine.market import MIN_CLOSES, MarketData

__all__ = ["DAY_SECONDS", "REFRESH", "STALE", "KlineStore"]

DAY_SECONDS = 24 * 3600
REFRESH = timedelta(hours=1)  # fetch a symbol's closes at most this often
STALE = timedelta(days=2)  # older than this, the closes are not used


@dataclass(frozen=True, slots=True)
class _Closes:
    closes: tuple[Decimal, ...]  # daily, oldest first
    fetched_at: datetime


class KlineStore:
    def __init__(self) -> None:
        self._closes: dict[str, _Closes] = {}
        self._tried: dict[str, datetime] = {}

    def put(self, symbol: str, closes: Sequence[Decimal], now: datetime) -> None:
        self._tried[symbol] = now
        if len(closes) >= MIN_CLOSES:
            self._closes[symbol] = _Closes(tuple(closes), now)

    def tried(self, symbol: str, now: datetime) -> None:
        """A fetch that failed: do not ask again before REFRESH."""
        self._tried[symbol] = now

    def due(self, symbols: Sequence[str], now: datetime) -> list[str]:
        """The symbols not fetched (or tried) within REFRESH, in the order given."""
        return [s for s in symbols if (t := self._tried.get(s)) is None or now - t >= REFRESH]

    def fresh(self, now: datetime) -> dict[str, tuple[Decimal, ...]]:
        return {s: c.closes for s, c in self._closes.items() if now - c.fetched_at < STALE}

    def market(self, now: datetime) -> MarketData:
        """Fresh daily closes where there are some; the shipped defaults elsewhere."""
        return MarketData(recent=self.fresh(now), interval_seconds=DAY_SECONDS)
