"""Numbers in the user's locale: '5.000' is five thousand in Spanish, '5 000' in Russian.

A `NumberFormat` holds a locale's decimal and group symbols (the bot builds it from Babel,
`bot.i18n.Translator.numbers`); `localize` rewrites the words of a line so that the
locale-free readers in `bot.parsing.tokens` see '5000' and '1.5'. The rules:

- A number written the locale's way reads the locale's way: in es '3.100' is 3100, '1,5'
  is 1.5 and '62.000,00' (the bot's own output) is 62000.
- A number that cannot be the locale's way but is the other convention's reads that way:
  in es '0.5' and '62,000.50' are 0.5 and 62000.5 ('.' followed by other than three digits
  is no group). English reads as it always did ('62,000', '0,5').
- Where the locale groups with a space (ru: '62 000,00', also no-break and thin spaces),
  a word of 1-3 digits followed by words of exactly three digits is one number: '5 000' is
  5000, '0.5 62000' two numbers. When the line does not parse so joined, it is read again
  with the words apart ('/margin 1 100': position 1, 100 USDT). Where the locale does
  not group so (English), '@ 62 000' is refused with the number named ("write it as
  62000"), never read as two numbers nor guessed.
- Suffixes and units stay as they are: '1,5m', '62k', '$5.000', '5.000usdt', '-2,5%'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

__all__ = ["ENGLISH", "NumberFormat", "join_groups", "localize"]

_SPACES = {" ", "\u00a0", "\u202f", "\u2009", "\u2007"}
_APOSTROPHES = ("'", "\u2019")
# A word with a number in it: a prefix ('$', a sign, the 'x' of 'x10'), the number, the rest.
_WORD = re.compile(r"(?P<pre>[$x]?[+\-\u2212]?\$?)(?P<num>\d[\d.,'\u2019]*|[.,]\d+)(?P<rest>.*)")


@dataclass(frozen=True, slots=True)
class NumberFormat:
    """A locale's decimal symbol and grouping symbol ('.' and ',' in English)."""

    decimal: str = "."
    group: str = ","

    @property
    def spaced(self) -> bool:
        """Whether the locale groups digits with a space ('62 000')."""
        return self.group in _SPACES

    def read(self, number: str) -> Decimal | None:
        """'3.100' -> 3100 in es; None when the text is no number in either convention."""
        for pattern, group, decimal in _readings(self):
            if pattern.fullmatch(number):
                return Decimal(number.replace(group, "").replace(decimal, "."))
        return None


ENGLISH = NumberFormat()


@cache
def _readings(numbers: NumberFormat) -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """The locale's way first, then the other convention's (for '0.5' in es)."""
    decimal, group = (".", ",") if numbers.decimal == "," else (",", ".")
    groups = _APOSTROPHES if numbers.group in _APOSTROPHES else (numbers.group,)
    own = [(_pattern(g, numbers.decimal), g, numbers.decimal) for g in groups]
    return (*own, (_pattern(group, decimal), group, decimal))


def _pattern(group: str, decimal: str) -> re.Pattern[str]:
    g, d = re.escape(group), re.escape(decimal)
    return re.compile(rf"\d{{1,3}}(?:{g}\d{{3}})+(?:{d}\d+)?|\d+(?:{d}\d+)?|{d}\d+")


def localize(word: str, numbers: NumberFormat) -> str:
    """One word with its number rewritten the way `bot.parsing.tokens` reads it:
    '5.000usdt' -> '5000usdt' in es. English words (and words with no number) pass as
    they are, so English reads exactly as before."""
    if numbers == ENGLISH:
        return word
    match = _WORD.fullmatch(word)
    if match is None or match["num"].isdigit():
        return word
    number = match["num"]
    value = numbers.read(number)
    if value is None:
        return word
    pre = match["pre"].replace("\u2212", "-")
    return f"{pre}{value:f}{match['rest']}"  # tokens' reading: '1.500' is 1.5 there


def join_groups(words: list[str], numbers: NumberFormat, *, force: bool = False) -> list[str]:
    """'5 000' -> '5000' where the locale groups with a space (or, `force`, in any locale:
    to name such a number in a refusal): a word of 1-3
    digits (with a sign or '$') and the words of exactly three digits after it; the last
    may carry the decimals and a unit ('000,50', '000usdt')."""
    if not numbers.spaced and not force:
        return words
    head = re.compile(r"[$+\-\u2212]*\d{1,3}")
    inner = re.compile(r"\d{3}")
    last = re.compile(rf"\d{{3}}(?:{re.escape(numbers.decimal)}\d+)?(?:[^\d.,]\S*)?")
    out: list[str] = []
    growing = False  # whether the last word is a number that takes another group
    for word in words:
        if growing and inner.fullmatch(word):
            out[-1] += word
        elif growing and last.fullmatch(word):
            out[-1] += word
            growing = False
        else:
            out.append(word)
            growing = head.fullmatch(word) is not None
    return out
