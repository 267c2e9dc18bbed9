"""Grammars of the commands with a few fixed arguments."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from bot.parsing.errors import ParseError
from bot.parsing.intents import (
    AdjustMargin,
    Compare,
    Faq,
    Help,
    Intent,
    PortfolioAction,
    Reset,
    Risk,
    SetBalance,
    SetDefaults,
    SetExchange,
    SetLanguage,
    SetLeverage,
    SetMode,
    ShowPositions,
    Undo,
    WhatIf,
)
from bot.parsing.position import MODES
from bot.parsing.tokens import amount, leverage, percent
from engine.errors import InvalidInput
from engine.exchanges import CHOOSABLE
from engine.models import Exchange, MarginMode
from engine.scenarios import Shock, ShockKind
from engine.symbols import canonical_symbol

IntentT = TypeVar("IntentT", bound=Intent)

_YES = {"yes", "y", "confirm", "ok", "sure"}
_ALL = {"all", "*", "everything"}
# the most a default leverage may be: above any exchange's limit, as storage/users.py guards
_MAX_DEFAULT_LEVERAGE = Decimal(200)


_USDT = {"usdt", "usd"}
_USDT_WORD = re.compile(r"^\$|(?<=\d)usdt?$")


def _arity(words: list[str], command: str, low: int, high: int) -> None:
    if len(words) < low:
        raise ParseError("missing_argument", command)
    if len(words) > high:
        raise ParseError("unexpected", command, token=words[high][:30])


def _seq(word: str, command: str) -> int:
    word = word.removeprefix("#")
    if not word.isdigit() or not 0 < int(word) < 10_000:
        raise ParseError("bad_position_number", command, token=word[:30])
    return int(word)


def _positive(word: str, command: str, *, signed: bool = False) -> Decimal:
    value = amount(word, signed=signed)
    if value is None:
        raise ParseError("bad_number", command, token=word[:30])
    if not signed and value <= 0:
        raise ParseError("not_positive", command, token=word[:30])
    return value


def _no_words(intent: type[IntentT], command: str) -> Callable[[list[str]], IntentT]:
    """The grammar of a command that takes no words: its intent, or an error for any word."""

    def parse(words: list[str]) -> IntentT:
        _arity(words, command, 0, 0)
        return intent()

    return parse


positions = _no_words(ShowPositions, "positions")
undo = _no_words(Undo, "undo")
risk = _no_words(Risk, "risk")
compare = _no_words(Compare, "compare")


def balance(words: list[str]) -> SetBalance:
    words = _in_usdt(words)
    _arity(words, "balance", 0, 1)
    return SetBalance(_positive(words[0], "balance") if words else None)


def _in_usdt(words: list[str]) -> list[str]:
    """'$5000', '5000usdt' and '5000 usdt' -> '5000': the wallet is in USDT anyway."""
    if len(words) == 2 and words[1] in _USDT:
        words = words[:1]
    return [_USDT_WORD.sub("", word) for word in words]


_FUNDING = {"-funding": 1, "funding": 1, "+funding": -1}  # paid (taken out) or received


def margin(words: list[str]) -> AdjustMargin:
    """`N +AMOUNT|-AMOUNT`, or `N -funding PAID` (`+funding RECEIVED`): the funding the
    position has paid since it was opened, as the exchange shows it, set (not added)."""
    if len(words) >= 2 and words[1].lower() in _FUNDING:
        _arity(words, "margin", 3, 3)
        paid = _positive(words[2], "margin", signed=True) * _FUNDING[words[1].lower()]
        return AdjustMargin(_seq(words[0], "margin"), Decimal(0), funding_paid=paid)
    _arity(words, "margin", 2, 2)
    delta = _positive(words[1], "margin", signed=True)
    if delta == 0:
        raise ParseError("not_positive", "margin", token=words[1][:30])
    return AdjustMargin(_seq(words[0], "margin"), delta)


def lev(words: list[str]) -> SetLeverage:
    _arity(words, "lev", 2, 2)
    value = leverage(words[1]) or amount(words[1])
    if value is None or value < 1:
        raise ParseError("bad_leverage", "lev", token=words[1][:30])
    return SetLeverage(_seq(words[0], "lev"), value)


def mode(words: list[str]) -> SetMode:
    _arity(words, "mode", 2, 2)
    target, wanted = words
    if target in MODES:  # "/mode cross all" reads the same
        target, wanted = wanted, target
    if wanted not in MODES:
        raise ParseError("bad_mode", "mode", token=wanted[:30])
    seq = None if target in _ALL else _seq(target, "mode")
    return SetMode(seq, MODES[wanted])


def reset(words: list[str]) -> Reset:
    _arity(words, "reset", 0, 1)
    return Reset(confirmed=bool(words) and words[0] in _YES)


def whatif(words: list[str]) -> WhatIf:
    if len(words) == 1 and words[0] not in _ALL:  # the handler says whether it is held
        return WhatIf((), lone=_symbol(words[0], "whatif"))
    if not words or len(words) % 2:
        raise ParseError("missing_argument", "whatif")
    pairs = [(words[i], words[i + 1]) for i in range(0, len(words), 2)]
    shocks = tuple(_shock(target, change) for target, change in pairs)
    bare = tuple(
        i
        for i, (shock, (_, change)) in enumerate(zip(shocks, pairs, strict=True))
        if shock.kind is ShockKind.DELTA and not _IN_USDT.fullmatch(change)
    )
    return WhatIf(shocks, bare)


# '-15usdt', '+15usd', '-$15': a move in USDT, said so (no '15 USDT or 15%?' question)
_IN_USDT = re.compile(r"[+-]\$\S+|[+-]\S+?usdt?")


def _shock(target: str, change: str) -> Shock:
    symbol = None if target in _ALL else _symbol(target, "whatif")
    pct = percent(change)
    if pct is not None:
        if pct <= -100:
            raise ParseError("shock_too_large", "whatif", token=change[:30])
        return Shock(symbol, ShockKind.PERCENT, pct)
    if _IN_USDT.fullmatch(change):
        change = change[0] + _USDT_WORD.sub("", change[1:].removeprefix("$"))
    value = amount(change, signed=True)
    if value is None:
        raise ParseError("bad_number", "whatif", token=change[:30])
    if change[0] in "+-":
        return Shock(symbol, ShockKind.DELTA, value)
    if value <= 0:
        raise ParseError("not_positive", "whatif", token=change[:30])
    return Shock(symbol, ShockKind.PRICE, value)


def _symbol(word: str, command: str) -> str:
    try:
        return canonical_symbol(word)
    except InvalidInput:
        raise ParseError("bad_symbol", command, token=word[:30]) from None


def portfolio(words: list[str]) -> PortfolioAction:
    _arity(words, "portfolio", 0, 3)
    if not words or words == ["list"]:
        return PortfolioAction("list")
    if words[0] in {"new", "create", "add"}:
        _arity(words, "portfolio", 2, 2)
        return PortfolioAction("new", _name(words[1]))
    if words[0] in {"delete", "remove", "del"}:
        _arity(words, "portfolio", 2, 3)
        if len(words) == 3 and words[2] not in _YES:
            raise ParseError("unexpected", "portfolio", token=words[2][:30])
        return PortfolioAction("delete", _name(words[1]), confirmed=len(words) == 3)
    if words[0] == "copy":  # copy SOURCE NAME
        _arity(words[1:], "portfolio", 2, 2)
        return PortfolioAction("copy", _name(words[2]), source=_name(words[1]))
    _arity(words, "portfolio", 1, 1)
    return PortfolioAction("switch", _name(words[0]))


def _name(word: str) -> str:
    """A portfolio's name; 'hl:' before it names a watched wallet's (/watch)."""
    bare = word[3:] if word.lower().startswith("hl:") else word
    if not (0 < len(word) <= 32) or not all(ch.isalnum() or ch in "-_" for ch in bare):
        raise ParseError("bad_name", "portfolio", token=word[:30])
    return word


def exchange(words: list[str]) -> SetExchange:
    _arity(words, "exchange", 0, 4)
    if not words:
        return SetExchange(None)
    chosen = next((e for e in CHOOSABLE if e.value == words[0]), None)
    if chosen is None:
        choices = ", ".join(e.value for e in CHOOSABLE)
        raise ParseError("bad_exchange", "exchange", token=words[0][:30], choices=choices)
    if chosen is not Exchange.CUSTOM:
        _arity(words, "exchange", 1, 1)
        return SetExchange(chosen)
    _arity(words, "exchange", 3, 4)
    mmr, fee = _rate(words[1]), _rate(words[2])
    extra = _positive(words[3], "exchange", signed=True) if len(words) == 4 else None
    if extra is not None and extra < 0:
        raise ParseError("not_positive", "exchange", token=words[3][:30])
    return SetExchange(chosen, mmr=mmr, fee_rate=fee, maintenance_amount=extra)


def _rate(word: str) -> Decimal:
    """'0.5%' -> 0.005; a bare '0.005' is taken as a fraction."""
    pct = percent(word)
    value = pct / 100 if pct is not None else amount(word)
    if value is None or not 0 <= value < 1:
        raise ParseError("bad_rate", "exchange", token=word[:30])
    return value


def language(words: list[str]) -> SetLanguage:
    _arity(words, "lang", 0, 1)
    return SetLanguage(words[0] if words else None)


def defaults(words: list[str]) -> SetDefaults:
    _arity(words, "defaults", 1, 2)
    lev_value: Decimal | None = None
    mode_value: MarginMode | None = None
    for word in words:
        if word in MODES:
            mode_value = MODES[word]
        elif (value := leverage(word) or amount(word)) is not None and value >= 1:
            if value > _MAX_DEFAULT_LEVERAGE:
                raise ParseError(
                    "leverage_too_high",
                    "defaults",
                    token=word[:30],
                    limit=str(_MAX_DEFAULT_LEVERAGE),
                )
            lev_value = value
        else:
            raise ParseError("unexpected", "defaults", token=word[:30])
    return SetDefaults(lev_value, mode_value)


def help_(words: list[str]) -> Help:
    _arity(words, "help", 0, 1)
    return Help(words[0].lstrip("/") if words else None)


def faq(words: list[str]) -> Faq:
    _arity(words, "faq", 0, 4)
    return Faq(" ".join(words) if words else None)
