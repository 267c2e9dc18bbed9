"""Grammars of /recommend, /profile and /chart.

/recommend [N|SYMBOL]
/profile [experience|style|risk [ANSWER]] | /profile reset
/chart [N|SYMBOL] | /chart whatif SYMBOL|all CHANGE ... | /chart compare
"""

from __future__ import annotations

from decimal import Decimal

from bot.parsing.errors import ParseError
from bot.parsing.intents import Recommend, SetProfile, ShowChart
from bot.parsing.simple import whatif
from bot.parsing.tokens import amount, percent
from engine.errors import InvalidInput
from engine.profile import Experience, Style
from engine.symbols import canonical_symbol

__all__ = ["chart", "profile", "recommend"]

QUESTIONS = {
    "experience": "experience",
    "exp": "experience",
    "style": "style",
    "risk": "max_trade_loss",
    "loss": "max_trade_loss",
    "limit": "max_trade_loss",
}
EXPERIENCE = {
    "beginner": Experience.BEGINNER,
    "new": Experience.BEGINNER,
    "intermediate": Experience.INTERMEDIATE,
    "experienced": Experience.EXPERIENCED,
    "expert": Experience.EXPERIENCED,
}
STYLES = {
    "scalping": Style.SCALPING,
    "scalp": Style.SCALPING,
    "swing": Style.SWING,
    "trend": Style.TREND,
    "long-term": Style.TREND,
    "longterm": Style.TREND,
    "hedging": Style.HEDGING,
    "hedge": Style.HEDGING,
    "arbitrage": Style.ARBITRAGE,
    "arb": Style.ARBITRAGE,
}
_RESET = {"reset", "clear", "forget"}
_WHATIF = {"whatif", "what-if", "stress"}
_COMPARE = {"compare", "cmp"}
_HUNDRED = Decimal(100)


def _target(word: str, command: str) -> tuple[int | None, str | None]:
    """'2', '#2' -> a position number; 'btc' -> 'BTCUSDT'."""
    bare = word.removeprefix("#")
    if bare.isdigit():
        if not 0 < int(bare) < 10_000:
            raise ParseError("bad_position_number", command, token=word[:30])
        return int(bare), None
    try:
        return None, canonical_symbol(word)
    except InvalidInput:
        raise ParseError("bad_symbol", command, token=word[:30]) from None


def recommend(words: list[str]) -> Recommend:
    if len(words) > 1:
        raise ParseError("unexpected", "recommend", token=words[1][:30])
    if not words:
        return Recommend()
    seq, symbol = _target(words[0], "recommend")
    return Recommend(seq=seq, symbol=symbol)


def profile(words: list[str]) -> SetProfile:
    if not words:
        return SetProfile()
    if len(words) > 2:
        raise ParseError("unexpected", "profile", token=words[2][:30])
    head = words[0]
    if head in _RESET:
        if len(words) > 1:
            raise ParseError("unexpected", "profile", token=words[1][:30])
        return SetProfile(reset=True)
    question = QUESTIONS.get(head)
    if question is None:
        raise ParseError("unexpected", "profile", token=head[:30])
    if len(words) == 1:
        return SetProfile(question=question)
    return SetProfile(question=question, answer=_answer(question, words[1]))


def _answer(question: str, word: str) -> Experience | Style | Decimal:
    if question == "experience" and word in EXPERIENCE:
        return EXPERIENCE[word]
    if question == "style" and word in STYLES:
        return STYLES[word]
    if question == "max_trade_loss":
        value = percent(word)
        if value is None:
            value = amount(word)  # '2' reads as 2%, the way the question is asked
        if value is not None and 0 < value <= _HUNDRED:
            return value / _HUNDRED
    raise ParseError("unexpected", "profile", token=word[:30])


def chart(words: list[str]) -> ShowChart:
    if not words or (len(words) == 1 and words[0] in _COMPARE):
        return ShowChart()
    if words[0] in _WHATIF:
        try:
            found = whatif(words[1:])
        except ParseError as error:  # show /chart's syntax, not /whatif's
            raise ParseError(error.code, "chart", **error.params) from None
        if found.lone is not None:  # '/chart whatif btc': a symbol and no move
            raise ParseError("missing_argument", "chart")
        return ShowChart(shocks=found.shocks)
    if len(words) > 1:
        raise ParseError("unexpected", "chart", token=words[1][:30])
    seq, symbol = _target(words[0], "chart")
    return ShowChart(seq=seq, symbol=symbol)
