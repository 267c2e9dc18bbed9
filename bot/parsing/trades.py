"""Grammars of the trades on a held position: /close (all or part), /add and /hedge."""

from __future__ import annotations

from decimal import Decimal

from bot.parsing.errors import ParseError
from bot.parsing.intents import AddToPosition, ClosePosition, SetHedge
from bot.parsing.tokens import amount, percent
from engine.errors import InvalidInput
from engine.symbols import canonical_symbol

__all__ = ["add", "close", "hedge"]

_AT = {"@", "at"}
_ON = {"on", "yes", "enable", "1"}
_OFF = {"off", "no", "disable", "0"}
_HUNDRED = Decimal(100)


def _seq(word: str, command: str) -> int:
    word = word.removeprefix("#")
    if not word.isdigit() or not 0 < int(word) < 10_000:
        raise ParseError("bad_position_number", command, token=word[:30])
    return int(word)


def _number(word: str, command: str) -> Decimal:
    value = amount(word)
    if value is None:
        raise ParseError("bad_number", command, token=word[:30])
    if value <= 0:
        raise ParseError("not_positive", command, token=word[:30])
    return value


def _split_price(words: list[str], command: str) -> tuple[list[str], Decimal | None]:
    """The words before '@ PRICE' (or 'at PRICE'), and the price; None when not given."""
    for index, word in enumerate(words):
        if word in _AT:
            rest = words[index + 1 :]
            if not rest:
                raise ParseError("missing_value", command, token=word)
            if len(rest) > 1:
                raise ParseError("unexpected", command, token=rest[1][:30])
            return words[:index], _number(rest[0], command)
    return words, None


def close(words: list[str]) -> ClosePosition:
    """'/close 2', '/close btc', '/close 1 50%', '/close 1 0.1 @ 64000'."""
    if not words:
        raise ParseError("missing_argument", "close")
    head, price = _split_price(words, "close")
    if not head:
        raise ParseError("missing_argument", "close")
    if len(head) > 2:
        raise ParseError("unexpected", "close", token=head[2][:30])
    target = head[0]
    qty = share = None
    if len(head) == 2:
        share = percent(head[1])
        if share is None:
            qty = _number(head[1], "close")
        elif not 0 < share <= _HUNDRED:
            raise ParseError("bad_percent", "close", token=head[1][:30])
    if target.removeprefix("#").isdigit():
        return ClosePosition(seq=_seq(target, "close"), qty=qty, percent=share, price=price)
    try:
        symbol = canonical_symbol(target)
    except InvalidInput:
        raise ParseError("bad_position_number", "close", token=target[:30]) from None
    return ClosePosition(symbol=symbol, qty=qty, percent=share, price=price)


def add(words: list[str]) -> AddToPosition:
    """'/add 1 0.2 @ 58000', '/add 1 0.2' (at the mark)."""
    head, price = _split_price(words, "add")
    if len(head) < 2:
        raise ParseError("missing_argument", "add")
    if len(head) > 2:
        raise ParseError("unexpected", "add", token=head[2][:30])
    return AddToPosition(_seq(head[0], "add"), _number(head[1], "add"), price)


def hedge(words: list[str]) -> SetHedge:
    """'/hedge' shows the mode; '/hedge on', '/hedge off' switch it."""
    if not words:
        return SetHedge(None)
    if len(words) > 1:
        raise ParseError("unexpected", "hedge", token=words[1][:30])
    if words[0] in _ON:
        return SetHedge(True)
    if words[0] in _OFF:
        return SetHedge(False)
    raise ParseError("unexpected", "hedge", token=words[0][:30])
