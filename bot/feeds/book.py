"""The accepted mark per (exchange, symbol), and the guards a price passes to get in.

A price is refused, logged and never used when it is missing, not a number,
zero or negative, older than two poll intervals, or more than `max_jump` away
from the last accepted price without the next tick confirming it (a real move
shows up twice; a glitch does not). An accepted mark is used only while it is
younger than two intervals, so a silent feed turns into "no price", never into
an old price presented as current.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from bot.feeds.base import RawMark
from engine.models import Exchange

__all__ = ["MANUAL", "MarkQuote", "PriceBook", "Refusal"]

MANUAL = "manual"
_MAX_DIGITS = 40


class Refusal(StrEnum):
    MISSING = "missing"
    NOT_A_NUMBER = "not_a_number"
    NOT_POSITIVE = "not_positive"
    BAD_TIME = "bad_time"
    STALE = "stale"
    JUMP = "unconfirmed_jump"


@dataclass(frozen=True, slots=True)
class MarkQuote:
    """A mark with where it came from (an exchange, or 'manual') and when."""

    symbol: str
    price: Decimal
    at: datetime
    source: str

    @property
    def manual(self) -> bool:
        return self.source == MANUAL

    def age(self, now: datetime) -> timedelta:
        return max(timedelta(0), now - self.at)


@dataclass(slots=True)
class _Health:
    last_ok: datetime | None = None
    failing_since: datetime | None = None
    reason: str = ""


class PriceBook:
    def __init__(self, interval: timedelta, max_jump: Decimal) -> None:
        self.configure(interval, max_jump)
        self._accepted: dict[tuple[Exchange, str], MarkQuote] = {}
        self._pending: dict[tuple[Exchange, str], Decimal] = {}
        self._health: dict[Exchange, _Health] = {}

    def configure(self, interval: timedelta, max_jump: Decimal) -> None:
        """The poll interval (marks older than two are unusable) and the jump bound."""
        self.interval = interval
        self.max_age = 2 * interval
        self.max_jump = max_jump

    def offer(self, exchange: Exchange, raw: RawMark, now: datetime) -> MarkQuote | Refusal:
        """Check one price from a feed; return the accepted mark or why it was refused."""
        price = _price(raw.price)
        if isinstance(price, Refusal):
            return price
        at = _time(raw.time, now)
        if at is None:
            return Refusal.BAD_TIME
        key = (exchange, raw.symbol)
        last = self._accepted.get(key)
        if now - at > self.max_age or (last is not None and at < last.at):
            return Refusal.STALE
        if last is not None and self._jumped(last.price, price):
            pending = self._pending.get(key)
            if pending is None or self._jumped(pending, price):
                self._pending[key] = price
                return Refusal.JUMP
        self._pending.pop(key, None)
        quote = MarkQuote(raw.symbol, price, at, exchange.value)
        self._accepted[key] = quote
        return quote

    def _jumped(self, before: Decimal, after: Decimal) -> bool:
        return abs(after - before) > before * self.max_jump

    def mark(self, exchange: Exchange, symbol: str, now: datetime) -> MarkQuote | None:
        """The accepted mark if it is fresh enough to use, else None."""
        quote = self._accepted.get((exchange, symbol))
        if quote is None or now - quote.at > self.max_age:
            return None
        return quote

    def latest(self, exchange: Exchange, symbol: str) -> MarkQuote | None:
        """The last accepted mark however old (for showing, with its age)."""
        return self._accepted.get((exchange, symbol))

    @property
    def listing_version(self) -> int:
        """Grows whenever a feed prices a symbol for the first time (marks are never
        forgotten), so a listing built from `priced` is current while this is unchanged."""
        return len(self._accepted)

    def priced(self, exchange: Exchange) -> frozenset[str]:
        """Every symbol this exchange's feed has had a mark accepted for: its listing."""
        return frozenset(symbol for (e, symbol) in self._accepted if e is exchange)

    def feed_ok(self, exchange: Exchange, now: datetime) -> None:
        self._health[exchange] = _Health(last_ok=now)

    def feed_failed(self, exchange: Exchange, now: datetime, reason: str) -> None:
        health = self._health.setdefault(exchange, _Health())
        if health.failing_since is None:
            health.failing_since = now
        health.reason = reason

    def outage(self, exchange: Exchange, now: datetime) -> datetime | None:
        """Since when the feed has had no usable price, once that is longer than two
        intervals (its marks are unusable by then); None while it works."""
        health = self._health.get(exchange)
        if health is None or health.failing_since is None:
            return None
        since = health.last_ok or health.failing_since
        return since if now - since > self.max_age else None


def _price(value: object) -> Decimal | Refusal:
    if value is None or value == "":
        return Refusal.MISSING
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        return Refusal.NOT_A_NUMBER
    try:
        price = value if isinstance(value, Decimal) else Decimal(value)
    except InvalidOperation:
        return Refusal.NOT_A_NUMBER
    if not price.is_finite() or price.adjusted() > _MAX_DIGITS:
        return Refusal.NOT_A_NUMBER
    return price if price > 0 else Refusal.NOT_POSITIVE


def _time(value: object, now: datetime) -> datetime | None:
    """Epoch milliseconds (number or digits) as UTC; none given: now; in the future: now."""
    if value is None:
        return now
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    try:
        at = datetime.fromtimestamp(value / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return min(at, now)
