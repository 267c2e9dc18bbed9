"""The accepted mark per (exchange, symbol), and the guards a price passes to get in.

A price is refused, logged and never used when it is missing, not a number,
zero or negative, older than two poll intervals, or more than `max_jump` away
from the last accepted price unless something confirms the move:

* the previous tick of the same feed agrees with it: within `agreement` of it
  (a jump shown twice), or a step in the same direction no larger than the one
  before (a crash of 25% a tick is confirmed on its second tick and then
  followed tick by tick; the ticks are compared with *each other*, not with the
  stale accepted price, so a run of big steps is never refused forever);
* another feed's latest price for the same symbol agrees with it (Binance,
  Bybit and OKX move together; two agreeing feeds confirm a jump at once, and
  `confirm` then lets in the jump a feed refused earlier in the same tick).

A glitch is one tick that no other tick and no other feed repeats. An
accepted mark is used only while it is younger than two intervals, so a silent
feed turns into "no price from it", never into an old price presented as
current; while one feed has none, `mark` prices its users from another feed's
fresh mark, whose `source` says so. Why a symbol has no own price is kept per
symbol (`problem`), so replies can say it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from bot.feeds.base import RawMark
from bot.feeds.funding import FundingQuote, funding_of
from engine.models import Exchange

__all__ = ["MANUAL", "MarkProblem", "MarkQuote", "PriceBook", "Problem", "Refusal"]

MANUAL = "manual"
_MAX_DIGITS = 40
ZERO = Decimal(0)
_MOMENTUM_CAP = Decimal("0.5")  # a step past halving a tick is never taken as a trend


class Refusal(StrEnum):
    MISSING = "missing"
    NOT_A_NUMBER = "not_a_number"
    NOT_POSITIVE = "not_positive"
    BAD_TIME = "bad_time"
    STALE = "stale"
    JUMP = "unconfirmed_jump"


class Problem(StrEnum):
    """Why a feed has no usable price of its own for a symbol."""

    REFUSED = "refused"  # its last price was refused (`refusal` says why)
    STALE = "stale"  # its last accepted price is too old to use
    DOWN = "down"  # the whole feed has had no usable price for two intervals
    UNPRICED = "unpriced"  # it never sent a usable price for the symbol


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


@dataclass(frozen=True, slots=True)
class MarkProblem:
    """A feed's own price for a symbol is unusable: why, and since when if known."""

    feed: Exchange
    problem: Problem
    refusal: Refusal | None = None
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class _Seen:
    """The last price a feed offered for a symbol (accepted or not) and the step that
    led to it, as a fraction of the price before."""

    price: Decimal
    at: datetime
    step: Decimal
    accepted: bool


@dataclass(slots=True)
class _Health:
    last_ok: datetime | None = None
    failing_since: datetime | None = None
    reason: str = ""


Key = tuple[Exchange, str]


class PriceBook:
    def __init__(self, interval: timedelta, max_jump: Decimal) -> None:
        self.configure(interval, max_jump)
        self._accepted: dict[Key, MarkQuote] = {}
        self._seen: dict[Key, _Seen] = {}
        self._refused: dict[Key, tuple[Refusal, datetime]] = {}
        self._funding: dict[Key, FundingQuote] = {}
        self._health: dict[Exchange, _Health] = {}

    def configure(self, interval: timedelta, max_jump: Decimal) -> None:
        """The poll interval (marks older than two are unusable) and the jump bound;
        prices within a quarter of it of each other agree."""
        self.interval = interval
        self.max_age = 2 * interval
        self.max_jump = max_jump
        self.agreement = max_jump / 4

    def offer(self, exchange: Exchange, raw: RawMark, now: datetime) -> MarkQuote | Refusal:
        """Check one price from a feed; return the accepted mark or why it was refused."""
        key = (exchange, raw.symbol)
        if raw.funding is not None:
            self._keep_funding(key, raw, now)
        verdict = self._judge(key, raw, now)
        if isinstance(verdict, Refusal):
            self._refused[key] = (verdict, now)
        return verdict

    def _judge(self, key: Key, raw: RawMark, now: datetime) -> MarkQuote | Refusal:
        price = _price(raw.price)
        if isinstance(price, Refusal):
            return price
        at = _time(raw.time, now)
        if at is None:
            return Refusal.BAD_TIME
        last = self._accepted.get(key)
        if now - at > self.max_age or (last is not None and at < last.at):
            return Refusal.STALE
        before = self._seen.get(key)
        step = ZERO if before is None else price / before.price - 1
        jumped = last is not None and self._jumped(last.price, price)
        if jumped and not (
            self._follows(before, price, now) or self._others_agree(key, price, now)
        ):
            self._seen[key] = _Seen(price, at, step, accepted=False)
            return Refusal.JUMP
        if last is not None and not jumped:
            step = price / last.price - 1  # an ordinary move: measured from the accepted
        return self._accept(key, price, at, step)

    def _accept(self, key: Key, price: Decimal, at: datetime, step: Decimal) -> MarkQuote:
        quote = MarkQuote(key[1], price, at, key[0].value)
        self._accepted[key] = quote
        self._seen[key] = _Seen(price, at, step, accepted=True)
        self._refused.pop(key, None)
        return quote

    def _jumped(self, before: Decimal, after: Decimal) -> bool:
        return abs(after - before) > before * self.max_jump

    def _agree(self, one: Decimal, other: Decimal) -> bool:
        return abs(one - other) <= other * self.agreement

    def _confirmed(self, key: Key, before: _Seen | None, price: Decimal, now: datetime) -> bool:
        return self._follows(before, price, now) or self._others_agree(key, price, now)

    def _follows(self, before: _Seen | None, price: Decimal, now: datetime) -> bool:
        """This tick agrees with the feed's previous one: close to it, or one more step
        of the same trend, no larger than the step before (within `agreement`)."""
        if before is None or now - before.at > self.max_age:
            return False
        if self._agree(price, before.price):
            return True
        move = price / before.price - 1
        trend = before.step
        same_way = (move < 0) == (trend < 0) and trend != 0
        return same_way and abs(trend) <= _MOMENTUM_CAP and abs(move) <= abs(trend) + self.agreement

    def _others_agree(self, key: Key, price: Decimal, now: datetime) -> bool:
        """Another feed's latest price for this symbol, fresh, agrees with this one."""
        for seen in self._others(key):
            if now - seen.at <= self.max_age and self._agree(price, seen.price):
                return True
        return False

    def _others(self, key: Key) -> Iterator[_Seen]:
        exchange, symbol = key
        for other in Exchange:
            seen = self._seen.get((other, symbol)) if other is not exchange else None
            if seen is not None:
                yield seen

    def confirm(self, now: datetime) -> list[MarkQuote]:
        """Let in the jumps refused this tick that another feed has since confirmed
        (the feeds are judged one after another); the marks accepted so."""
        accepted = []
        for key, (refusal, at) in list(self._refused.items()):
            seen = self._seen.get(key)
            if refusal is not Refusal.JUMP or at != now or seen is None or seen.accepted:
                continue
            if self._others_agree(key, seen.price, now):
                accepted.append(self._accept(key, seen.price, seen.at, seen.step))
        return accepted

    def own(self, exchange: Exchange, symbol: str, now: datetime) -> MarkQuote | None:
        """This feed's accepted mark if it is fresh enough to use, else None."""
        quote = self._accepted.get((exchange, symbol))
        if quote is None or now - quote.at > self.max_age:
            return None
        return quote

    def mark(self, exchange: Exchange, symbol: str, now: datetime) -> MarkQuote | None:
        """The mark to price `exchange`'s users at: its own while fresh, else the
        freshest other feed's (its `source` names that feed), else None."""
        quote = self.own(exchange, symbol, now)
        if quote is not None:
            return quote
        return self.stand_in(exchange, symbol, now)

    def stand_in(self, exchange: Exchange, symbol: str, now: datetime) -> MarkQuote | None:
        """The freshest fresh mark of `symbol` from a feed other than `exchange`."""
        found = [
            quote
            for other in Exchange
            if other is not exchange and (quote := self.own(other, symbol, now)) is not None
        ]
        return max(found, key=lambda quote: quote.at, default=None)

    def problem(self, exchange: Exchange, symbol: str, now: datetime) -> MarkProblem | None:
        """Why this feed has no usable price of its own for `symbol`; None while it has."""
        if self.own(exchange, symbol, now) is not None:
            return None
        down = self.outage(exchange, now)
        if down is not None:
            return MarkProblem(exchange, Problem.DOWN, since=down)
        refused = self._refused.get((exchange, symbol))
        latest = self._accepted.get((exchange, symbol))
        if refused is not None and refused[0] is not Refusal.STALE:
            since = None if latest is None else latest.at
            return MarkProblem(exchange, Problem.REFUSED, refused[0], since)
        if latest is not None:
            return MarkProblem(exchange, Problem.STALE, since=latest.at)
        return MarkProblem(exchange, Problem.UNPRICED)

    def latest(self, exchange: Exchange, symbol: str) -> MarkQuote | None:
        """The last accepted mark however old (for showing, with its age)."""
        return self._accepted.get((exchange, symbol))

    def funding(self, exchange: Exchange, symbol: str, now: datetime) -> FundingQuote | None:
        """The funding rate this feed last reported for `symbol`, while it is no older
        than one funding interval (a rate is reset at every settlement)."""
        quote = self._funding.get((exchange, symbol))
        if quote is None or now - quote.at > quote.interval:
            return None
        return quote

    def _keep_funding(self, key: Key, raw: RawMark, now: datetime) -> None:
        assert raw.funding is not None
        quote = funding_of(raw.symbol, raw.funding, key[0].value, now)
        if quote is not None:
            self._funding[key] = quote

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
