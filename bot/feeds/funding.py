"""The funding rate a feed reports beside its mark, kept typed so the card and the watch
can say what holding a position costs.

Each exchange sends it in its own words: Binance `premiumIndex` has
`lastFundingRate` and `nextFundingTime` (ms), and `fundingIntervalHours` on the
symbols whose interval was changed from 8 h; Bybit `tickers` has `fundingRate`,
`nextFundingTime` and, on newer answers, `fundingIntervalHour`; OKX
`public/funding-rate` has `fundingRate`, `fundingTime` and `nextFundingTime`, whose
difference is the interval. A rate that is not a finite number below 10% per
interval in size, or an interval outside 1 min .. 24 h, is dropped, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

__all__ = [
    "DEFAULT_INTERVAL",
    "FundingQuote",
    "RawFunding",
    "funding_of",
    "interval_between",
    "interval_hours",
]

DEFAULT_INTERVAL = timedelta(hours=8)  # every venue's default; others are said per symbol
_MAX_RATE = Decimal("0.1")
_SHORTEST, _LONGEST = timedelta(minutes=1), timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class RawFunding:
    """The funding fields as the exchange sent them (checked by `funding_of`)."""

    rate: object
    next_time: object = None  # epoch ms
    interval: timedelta | None = None  # None: the venue's default


@dataclass(frozen=True, slots=True)
class FundingQuote:
    """A symbol's current funding rate per `interval` (positive: longs pay shorts)."""

    symbol: str
    rate: Decimal
    interval: timedelta
    next_at: datetime | None
    source: str
    at: datetime


def funding_of(symbol: str, raw: RawFunding, source: str, now: datetime) -> FundingQuote | None:
    """The checked funding quote, or None when the rate or interval is unusable."""
    rate = _decimal(raw.rate)
    if rate is None or abs(rate) >= _MAX_RATE:
        return None
    interval = raw.interval or DEFAULT_INTERVAL
    if not _SHORTEST <= interval <= _LONGEST:
        return None
    return FundingQuote(symbol, rate, interval, _ms(raw.next_time), source, now)


def interval_between(start: object, end: object) -> timedelta | None:
    """The interval between two funding times (ms), as OKX gives them; None if unusable."""
    first, second = _ms(start), _ms(end)
    if first is None or second is None or second <= first:
        return None
    return second - first


def interval_hours(value: object) -> timedelta | None:
    """`fundingIntervalHours` (Binance) or `fundingIntervalHour` (Bybit) as a timedelta."""
    hours = _decimal(value)
    return None if hours is None or hours <= 0 else timedelta(hours=float(hours))


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal) or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _ms(value: object) -> datetime | None:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
