"""Decimal at the edges: parse strictly, round once, in the stated direction.

Money never passes through float. Text such as "62,000", "62k" belongs to the
bot's parser; here a number is a JSON number, an int, a Decimal or plain
decimal text.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation

from engine.errors import InvalidInput

__all__ = [
    "ONE",
    "ZERO",
    "round_toward_danger",
    "to_decimal",
]

ZERO = Decimal(0)
ONE = Decimal(1)
_MAX_DIGITS = 40


def to_decimal(value: object, field: str) -> Decimal:
    """Convert `value` to a finite Decimal or raise InvalidInput naming `field`.

    Floats are converted through their shortest repr (JSON numbers arrive as
    floats), never through their binary value.
    """
    if isinstance(value, bool):
        raise InvalidInput(field=field, reason="not_a_number", value=value)
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = _parse(repr(value), field)
    elif isinstance(value, str):
        result = _parse(value.strip(), field)
    else:
        raise InvalidInput(field=field, reason="not_a_number", value=value)
    if not result.is_finite():
        raise InvalidInput(field=field, reason="not_finite", value=value)
    if result.adjusted() > _MAX_DIGITS or (result != 0 and result.adjusted() < -_MAX_DIGITS):
        raise InvalidInput(field=field, reason="out_of_range", value=value)
    return result + ZERO  # normalises -0 to 0


def _parse(text: str, field: str) -> Decimal:
    if not text or len(text) > 2 * _MAX_DIGITS:
        raise InvalidInput(field=field, reason="not_a_number", value=text[:50])
    try:
        return Decimal(text)
    except InvalidOperation:
        raise InvalidInput(field=field, reason="not_a_number", value=text[:50]) from None


def round_toward_danger(price: Decimal, places: int, *, long: bool) -> Decimal:
    """Round a liquidation price so the shown number is never more optimistic.

    A long dies when the price falls to the liquidation price, so it rounds up;
    a short rounds down.
    """
    quantum = Decimal(1).scaleb(-places)
    return price.quantize(quantum, rounding=ROUND_CEILING if long else ROUND_FLOOR)
