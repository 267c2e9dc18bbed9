"""Grammars of /price, /alerts and /digest.

    /price [SYMBOL [PRICE|off]]
    /alerts [on|off | ratio WARN DANGER | distance WARN DANGER | distance auto
             | snooze SYMBOL|all DURATION|off | quiet HH:MM-HH:MM [ZONE] | quiet off]
    /digest [HH:MM [ZONE] | off | weekly [off]]

Ratios and distances are percentages ('60', '60%'); a bare number up to 1 is
read as a fraction ('0.6'). Durations are '30m', '2h', '1d'. A zone is an IANA
name ('Europe/Berlin'), matched without regard to case.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import available_timezones

from bot.parsing.errors import ParseError
from bot.parsing.intents import Alerts, Digest, SetPrice, ShowPrice
from bot.parsing.tokens import amount, percent
from engine.errors import InvalidInput
from engine.symbols import canonical_symbol

__all__ = ["alerts", "digest", "price", "zone"]

_OFF = {"off", "none", "clear", "stop", "no"}
_ALL = {"all", "*", "everything"}
_AUTO = {"auto", "default", "cushion"}
_DURATION = re.compile(r"(?P<n>\d{1,4})(?P<unit>m|min|h|d)")
_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400}
_MAX_SNOOZE = timedelta(days=7)
_CLOCK = re.compile(r"(?P<h>\d{1,2}):(?P<m>\d{2})")
_HUNDRED = Decimal(100)


def _symbol(word: str, command: str) -> str:
    try:
        return canonical_symbol(word)
    except InvalidInput:
        raise ParseError("bad_symbol", command, token=word[:30]) from None


def price(words: list[str]) -> ShowPrice | SetPrice:
    if len(words) > 2:
        raise ParseError("unexpected", "price", token=words[2][:30])
    if not words:
        return ShowPrice(None)
    symbol = _symbol(words[0], "price")
    if len(words) == 1:
        return ShowPrice(symbol)
    if words[1] in _OFF:
        return SetPrice(symbol, None)
    value = amount(words[1])
    if value is None:
        raise ParseError("bad_number", "price", token=words[1][:30])
    if value <= 0:
        raise ParseError("not_positive", "price", token=words[1][:30])
    return SetPrice(symbol, value)


def _fraction(word: str) -> Decimal:
    pct = percent(word)
    value = amount(word) if pct is None else pct / _HUNDRED
    if value is None:
        raise ParseError("bad_percent", "alerts", token=word[:30])
    if pct is None and value > 1:
        value /= _HUNDRED
    if not 0 < value <= 1:
        raise ParseError("bad_percent", "alerts", token=word[:30])
    return value


def _pair(words: list[str], action: str) -> Alerts:
    if len(words) != 2:
        raise ParseError("missing_argument", "alerts")
    warning, danger = _fraction(words[0]), _fraction(words[1])
    ordered = warning < danger if action == "ratio" else danger < warning < 1
    if not ordered:
        raise ParseError(f"{action}_order", "alerts")
    return Alerts(action, warning=warning, danger=danger)


def _duration(word: str) -> timedelta:
    match = _DURATION.fullmatch(word)
    if match is None:
        raise ParseError("bad_duration", "alerts", token=word[:30])
    length = timedelta(seconds=int(match["n"]) * _UNITS[match["unit"]])
    if not timedelta(0) < length <= _MAX_SNOOZE:
        raise ParseError("bad_duration", "alerts", token=word[:30])
    return length


def _snooze(words: list[str]) -> Alerts:
    if len(words) != 2:
        raise ParseError("missing_argument", "alerts")
    target, length = words
    symbol = "*" if target in _ALL else _symbol(target, "alerts")
    duration = None if length in _OFF else _duration(length)
    return Alerts("snooze", symbol=symbol, duration=duration)


def clock(word: str, command: str) -> time:
    """'23:00' or '7:30' -> a wall-clock time."""
    match = _CLOCK.fullmatch(word)
    if match is None or int(match["h"]) > 23 or int(match["m"]) > 59:
        raise ParseError("bad_time", command, token=word[:30])
    return time(int(match["h"]), int(match["m"]))


@cache
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def zone(word: str, command: str) -> str:
    """An IANA timezone typed in any case ('europe/berlin' -> 'Europe/Berlin')."""
    name = _zones().get(word.lower())
    if name is None:
        raise ParseError("bad_timezone", command, token=word[:40])
    return name


def _quiet(words: list[str]) -> Alerts:
    if len(words) == 1 and words[0] in _OFF:
        return Alerts("quiet")
    rest = list(words)
    named = len(rest) >= 2 and "-" not in rest[-1] and _CLOCK.fullmatch(rest[-1]) is None
    tz = zone(rest.pop(), "alerts") if named else None
    if len(rest) == 1 and "-" in rest[0]:
        rest = rest[0].split("-", 1)
    if len(rest) != 2:
        raise ParseError("missing_argument", "alerts")
    start, end = clock(rest[0], "alerts"), clock(rest[1], "alerts")
    if start == end:
        raise ParseError("bad_time", "alerts", token=words[0][:30])
    return Alerts("quiet", start=start, end=end, timezone=tz)


def alerts(words: list[str]) -> Alerts:
    if not words:
        return Alerts("show")
    head, rest = words[0], words[1:]
    if head in {"on", "off"}:
        if rest:
            raise ParseError("unexpected", "alerts", token=rest[0][:30])
        return Alerts(head)
    if head == "distance" and len(rest) == 1 and rest[0] in _AUTO:
        return Alerts("distance")  # no thresholds: back to scaling with each cushion
    if head in {"ratio", "distance"}:
        return _pair(rest, head)
    if head == "snooze":
        return _snooze(rest)
    if head == "quiet":
        return _quiet(rest)
    raise ParseError("unexpected", "alerts", token=head[:30])


def digest(words: list[str]) -> Digest:
    if not words:
        return Digest("show")
    if len(words) == 1 and words[0] in _OFF:
        return Digest("off")
    if words[0] == "weekly":
        if len(words) == 1:
            return Digest("weekly")
        if len(words) == 2 and words[1] in _OFF:
            return Digest("weekly_off")
        raise ParseError("unexpected", "digest", token=words[1][:30])
    if len(words) > 2:
        raise ParseError("unexpected", "digest", token=words[2][:30])
    tz = zone(words[1], "digest") if len(words) == 2 else None
    return Digest("set", at=clock(words[0], "digest"), timezone=tz)
