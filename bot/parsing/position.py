"""The position grammar shared by /long, /short and /calc.

Words may come in any order: a symbol ('btc', 'BTC/USDT'), a size ('0.5',
'0.5btc', '$5000'), a price ('@ 62000', 'at 62k'), a leverage ('10x', 'x10'),
a mode ('iso', 'cross') and 'margin 800'. Bare numbers fill the slots left in
order: size then price for /long and /short; price, size, balance for /calc.

A power of ten of at least 1,000 glued to a coin ('1000pepe', '1000000mog', '1mbabydoge')
names the multiplied contract when no other word names the symbol and the size is
given elsewhere ('/long 1000pepe 50 @ 0.012'); otherwise it is a size in that coin
('/long 1000pepe @ 0.000012': 1,000 PEPE). With 'usdt' ('1000pepeusdt') it is always the
symbol. 'listed' confirms that a symbol IsoCross does not know is a real contract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from bot.parsing.errors import ParseError
from bot.parsing.intents import Calc, OpenPosition
from bot.parsing.tokens import amount, leverage, looks_numeric
from engine.errors import InvalidInput
from engine.models import MarginMode, Side
from engine.symbols import base_asset, canonical_symbol

__all__ = ["MODES", "SIDES", "long", "parse_calc", "parse_open", "short"]

MODES = {
    "iso": MarginMode.ISOLATED,
    "isolated": MarginMode.ISOLATED,
    "isol": MarginMode.ISOLATED,
    "cross": MarginMode.CROSS,
    "crossed": MarginMode.CROSS,
}
SIDES = {"long": Side.LONG, "buy": Side.LONG, "short": Side.SHORT, "sell": Side.SHORT}
_PRICE_WORDS = {"@", "at", "price", "entry"}
_MARGIN_WORDS = {"margin", "mgn"}
_LEVERAGE_WORDS = {"lev", "leverage"}
_BALANCE_WORDS = {"balance", "bal", "wallet"}
# '0.5btc', '100matic', '1000000mog': a number glued to its coin. A k/m suffix counts only
# before a currency ('5kusdt'): before a coin it would read '100matic' as 100M of ATIC.
_UNIT = re.compile(r"(?P<number>[\d.,]+)(?P<unit>[^\W\d_][\w]*)")
_SUFFIXED_NOTIONAL = re.compile(r"(?P<number>[\d.,]+[km]?)(?P<unit>usdt|usd)")
# a contract's own multiplier glued to its coin: '1000pepe', '1000000mog', and Binance's
# '1M' only with the contract's full name ('1mbabydogeusdt'; '1matic' is 1 MATIC)
_GLUED = re.compile(r"(?P<number>10{3,})(?P<unit>[^\W\d_]\w*)|(?P<m>1m)(?P<musdt>[^\W\d_]\w*usdt)")
_NOTIONAL_UNITS = {"usdt", "usd", "$"}
_MULTIPLIER = re.compile(r"10{3,}|1m")
_LISTED = "listed"
_CONFIRM = "confirm"  # the word a confirmation's button (or a plain "yes") adds to the line
# slots a number must fill with more than zero: a zero size or price has no liquidation
_POSITIVE = {"qty", "notional", "price", "leverage", "margin"}


@dataclass
class _Slots:
    command: str
    side: Side | None = None
    symbol: str | None = None
    unit: str | None = None
    qty: Decimal | None = None
    notional: Decimal | None = None
    price: Decimal | None = None
    leverage: Decimal | None = None
    mode: MarginMode | None = None
    margin: Decimal | None = None
    balance: Decimal | None = None
    bare: list[tuple[Decimal, str]] = field(default_factory=list)  # (value, its word)
    glued: tuple[str, Decimal, str] | None = None  # '1000pepe': a symbol or a size
    listed: bool = False
    confirmed: bool = False

    def set(self, name: str, value: object, token: str, written: str | None = None) -> None:
        """`token` names the slot in an error, `written` the number ('@' and '0' in '@ 0')."""
        if getattr(self, name) is not None:
            raise ParseError("repeated", self.command, token=token)
        self.fill(name, value, written or token)

    def fill(self, name: str, value: object, token: str) -> None:
        if name in _POSITIVE and isinstance(value, Decimal) and value <= 0:
            raise ParseError("not_positive", self.command, token=token[:30])
        setattr(self, name, value)


def long(words: list[str]) -> OpenPosition:
    return parse_open(Side.LONG, words, "long")


def short(words: list[str]) -> OpenPosition:
    return parse_open(Side.SHORT, words, "short")


def parse_open(side: Side, words: list[str], command: str) -> OpenPosition:
    slots = _read(words, command)
    slots.side = side
    _settle_glued(slots, sizes_before=0)
    _fill(slots, ("qty", "price"))
    _check_symbol(slots)
    if slots.qty is None and slots.notional is None:
        raise ParseError("missing_size", command)
    return OpenPosition(
        side=side,
        symbol=slots.symbol or "",
        qty=slots.qty,
        notional=slots.notional,
        price=slots.price,
        leverage=slots.leverage,
        margin_mode=slots.mode,
        margin=slots.margin,
        listed=slots.listed,
        confirmed=slots.confirmed,
    )


def parse_calc(words: list[str]) -> Calc:
    slots = _read(words, "calc")
    # bare numbers fill the price first unless '@ PRICE' named it
    _settle_glued(slots, sizes_before=0 if slots.price is not None else 1)
    _fill(slots, ("price", "qty", "balance"))
    if slots.side is None:
        raise ParseError("missing_side", "calc")
    _check_symbol(slots)
    if slots.price is None:
        raise ParseError("missing_price", "calc")
    return Calc(
        side=slots.side,
        symbol=slots.symbol or "",
        price=slots.price,
        leverage=slots.leverage,
        qty=slots.qty,
        notional=slots.notional,
        balance=slots.balance,
    )


def _read(words: list[str], command: str) -> _Slots:
    slots = _Slots(command)
    position = 0
    while position < len(words):
        position = _take(slots, words, position)
    return slots


def _take(slots: _Slots, words: list[str], at: int) -> int:
    """Read the word at `at` (and its argument, for '@ 62000'); return the next index."""
    word = words[at]
    keyword = _keyword_slot(word)
    if keyword is not None:
        if at + 1 >= len(words):
            raise ParseError("missing_value", slots.command, token=word)
        value = _number(words[at + 1], slots.command)
        slots.set(keyword, value, word, words[at + 1])
        return at + 2
    _take_word(slots, word)
    return at + 1


def _keyword_slot(word: str) -> str | None:
    if word in _PRICE_WORDS:
        return "price"
    if word in _MARGIN_WORDS:
        return "margin"
    if word in _BALANCE_WORDS:
        return "balance"
    if word in _LEVERAGE_WORDS:
        return "leverage"
    return None


def _take_word(slots: _Slots, word: str) -> None:
    if looks_numeric(word):
        raise ParseError("bad_number", slots.command, token=word[:30])
    lev = leverage(word)
    if lev is not None:
        slots.set("leverage", lev, word)
    elif word in MODES:
        slots.set("mode", MODES[word], word)
    elif word in SIDES:
        slots.set("side", SIDES[word], word)
    elif word == _LISTED:
        slots.listed = True
    elif word == _CONFIRM:
        slots.confirmed = True
    elif (value := amount(word)) is not None:
        slots.bare.append((value, word))
    elif not _take_sized(slots, word):
        _take_symbol(slots, word)


def _take_sized(slots: _Slots, word: str) -> bool:
    """'$5000', '5000usdt' (notional) or '0.5btc' (quantity with its unit)."""
    if word.startswith("$") and (value := amount(word[1:])) is not None:
        slots.set("notional", value, word)
        return True
    glued = _GLUED.fullmatch(word)
    if glued is not None and glued["m"]:
        _take_symbol(slots, word)
        return True
    match = glued or _SUFFIXED_NOTIONAL.fullmatch(word) or _UNIT.fullmatch(word)
    if match is None or (value := amount(match["number"])) is None:
        return False
    unit = match["unit"]
    if unit in _NOTIONAL_UNITS:
        slots.set("notional", value, word)
    elif _MULTIPLIER.fullmatch(match["number"]) and unit.endswith("usdt"):
        _take_symbol(slots, word)
    elif _MULTIPLIER.fullmatch(match["number"]) and slots.glued is None:
        slots.glued = (word, value, unit)
    else:
        slots.set("qty", value, word)
        slots.unit = unit
    return True


def _take_symbol(slots: _Slots, word: str) -> None:
    if not any(ch.isalpha() for ch in word):
        raise ParseError("unexpected", slots.command, token=word[:30])
    try:
        symbol = canonical_symbol(word)
    except InvalidInput:
        raise ParseError("bad_symbol", slots.command, token=word[:30]) from None
    slots.set("symbol", symbol, word)


def _settle_glued(slots: _Slots, sizes_before: int) -> None:
    """'1000pepe' is the symbol when none is named and the size comes from elsewhere (a
    bare number after the `sizes_before` that fill earlier slots, '$500', '50000pepe')."""
    if slots.glued is None:
        return
    word, value, unit = slots.glued
    sized = slots.qty is not None or slots.notional is not None
    if slots.symbol is None and (sized or len(slots.bare) > sizes_before):
        _take_symbol(slots, word)
    else:
        slots.set("qty", value, word)
        slots.unit = unit


def _number(word: str, command: str) -> Decimal:
    value = amount(word) if leverage(word) is None else leverage(word)
    if value is None:
        raise ParseError("bad_number", command, token=word[:30])
    return value


def _fill(slots: _Slots, order: tuple[str, ...]) -> None:
    """Give bare numbers to the empty slots in `order`; one too many is an error."""
    for value, word in slots.bare:
        empty = [name for name in order if getattr(slots, name) is None and not _sized(slots, name)]
        if not empty:
            raise ParseError("unexpected", slots.command, token=word[:30])
        slots.fill(empty[0], value, word)


def _sized(slots: _Slots, name: str) -> bool:
    return name == "qty" and slots.notional is not None


def _check_symbol(slots: _Slots) -> None:
    if slots.symbol is None and slots.unit is not None:
        try:
            slots.symbol = canonical_symbol(slots.unit)
        except InvalidInput:
            raise ParseError("bad_symbol", slots.command, token=slots.unit[:30]) from None
    if slots.symbol is None:
        raise ParseError("missing_symbol", slots.command)
    if slots.unit is not None and slots.unit.upper() != base_asset(slots.symbol):
        raise ParseError("unit_mismatch", slots.command, unit=slots.unit, symbol=slots.symbol)
