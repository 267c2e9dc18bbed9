"""Grammar of /fix, the preview an alert's fix button opens.

/fix N margin AMOUNT     add isolated margin to position N
/fix deposit AMOUNT      put money into the cross account
/fix cancel              leave everything as it is
"""

from __future__ import annotations

from decimal import Decimal

from bot.parsing.errors import ParseError
from bot.parsing.intents import PreviewFix
from bot.parsing.tokens import amount

__all__ = ["fix"]

_CANCEL = {"cancel", "no", "off"}


def _amount(word: str) -> Decimal:
    value = amount(word)
    if value is None:
        raise ParseError("bad_number", "fix", token=word[:30])
    if value <= 0:
        raise ParseError("not_positive", "fix", token=word[:30])
    return value


def _seq(word: str) -> int:
    word = word.removeprefix("#")
    if not word.isdigit() or not 0 < int(word) < 10_000:
        raise ParseError("bad_position_number", "fix", token=word[:30])
    return int(word)


def fix(words: list[str]) -> PreviewFix:
    if not words:
        raise ParseError("missing_argument", "fix")
    if words[0] in _CANCEL:
        if len(words) > 1:
            raise ParseError("unexpected", "fix", token=words[1][:30])
        return PreviewFix("cancel")
    if words[0] == "deposit":
        if len(words) != 2:
            raise ParseError("missing_argument" if len(words) < 2 else "unexpected", "fix")
        return PreviewFix("deposit", amount=_amount(words[1]))
    if len(words) != 3 or words[1] != "margin":
        if len(words) > 3:
            raise ParseError("unexpected", "fix", token=words[3][:30])
        raise ParseError("missing_argument", "fix")
    return PreviewFix("margin", seq=_seq(words[0]), amount=_amount(words[2]))
