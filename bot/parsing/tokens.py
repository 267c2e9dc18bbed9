"""Words and numbers the way traders type them: 62k, 62,000, $5000, 0.5btc, 10x, -15%."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from bot.parsing.errors import ParseError

__all__ = [
    "MAX_LINE",
    "amount",
    "leverage",
    "looks_numeric",
    "percent",
    "split",
]

MAX_LINE = 500
_MAX_DIGITS = 24
_SUFFIX = {"k": Decimal(1000), "m": Decimal(1_000_000)}
_NUMBER = re.compile(
    r"(?P<sign>[+-])?(?P<body>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?|[.,]\d+)(?P<suffix>[km])?"
)
_EXPONENT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)e[+-]?\d+%?")
_NOT_AMOUNTS = {"nan", "inf", "infinity", "snan"}
_LEVERAGE = re.compile(r"(?:x(?P<a>\d+(?:\.\d+)?)|(?P<b>\d+(?:\.\d+)?)x)")


def split(text: str) -> list[str]:
    """Normalise (NFKC, lower case, no control characters) and split into words.

    '@' always stands alone, so '@62000' and '@ 62000' read the same.
    """
    if len(text) > MAX_LINE:
        raise ParseError("too_long", None, limit=str(MAX_LINE))
    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    words = text.lower().split()
    if not words:
        return []
    head = words[0]
    if head.startswith("/"):
        head = head.split("@", 1)[0]  # '/positions@IsoCrossBot' in groups
    return [head, *" ".join(words[1:]).replace("@", " @ ").split()]


def looks_numeric(token: str) -> bool:
    """Exponent notation and NaN/inf: numbers we refuse rather than read as symbols."""
    return token.lstrip("+-") in _NOT_AMOUNTS or _EXPONENT.fullmatch(token) is not None


def amount(token: str, *, signed: bool = False) -> Decimal | None:
    """A plain amount ('62000', '62,000', '62k', '0.5', '-100' when signed), else None."""
    match = _NUMBER.fullmatch(token)
    if match is None or (match["sign"] and not signed):
        return None
    body = match["body"]
    if "," in body and not re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", body):
        body = body.replace(",", ".")  # a decimal comma: '0,5'
    body = body.replace(",", "")
    if len(body) > _MAX_DIGITS:
        raise ParseError("number_too_large", None, value=token[:30])
    try:
        value = Decimal(body)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None
    if match["suffix"]:
        value *= _SUFFIX[match["suffix"]]
    return -value if match["sign"] == "-" else value


def leverage(token: str) -> Decimal | None:
    """'10x' or 'x10' -> 10."""
    match = _LEVERAGE.fullmatch(token)
    if match is None:
        return None
    return Decimal(match["a"] or match["b"])


def percent(token: str) -> Decimal | None:
    """'-15%' -> -15; '0.5%' -> 0.5; None when the token is not a percentage."""
    if not token.endswith("%"):
        return None
    return amount(token[:-1], signed=True)
