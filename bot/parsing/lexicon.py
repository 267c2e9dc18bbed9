"""The words that name commands: '/buy@IsoCrossBot' -> the grammar of /long, and a line ->
the grammar it was typed with and its intent.

The grammars themselves are declared by the command registry (`bot.commands.registry`);
this module only needs their names, aliases and parsers.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from types import MappingProxyType
from typing import Generic, Protocol, TypeVar

from bot.parsing.errors import ParseError
from bot.parsing.intents import Intent
from bot.parsing.numbers import ENGLISH, NumberFormat, join_groups, localize
from bot.parsing.tokens import split

__all__ = ["Grammar", "Lexicon", "Parser"]

Parser = Callable[[list[str]], Intent]
_MAX_ECHO = 30  # characters of an unknown word repeated back


class Grammar(Protocol):
    """What parsing needs to know of a command."""

    @property
    def name(self) -> str: ...

    @property
    def aliases(self) -> tuple[str, ...]: ...

    @property
    def parser(self) -> Parser: ...


G = TypeVar("G", bound=Grammar)


class Lexicon(Generic[G]):
    """Every word for a command (its name and its aliases) -> its grammar; built once."""

    def __init__(self, grammars: Iterable[G]) -> None:
        words: dict[str, G] = {}
        for grammar in grammars:
            for word in (grammar.name, *grammar.aliases):
                if word in words:
                    raise ValueError(f"'{word}' names both /{words[word].name} and /{grammar.name}")
                words[word] = grammar
        self._words = MappingProxyType(words)

    def find(self, word: str) -> G | None:
        """'/buy@IsoCrossBot' -> the grammar of /long; None for a word that is no command."""
        return self._words.get(_bare(word).lower())

    def parse(
        self, text: str, *, bare: bool = True, numbers: NumberFormat = ENGLISH
    ) -> tuple[G, Intent]:
        """One line -> the command it names and its intent; `bare` allows a command without
        its slash (private chats); numbers read the way of `numbers` (`bot.parsing.numbers`).
        A parser's error that names no command names this one."""
        words = split(text)
        if not words:
            raise ParseError("empty", None)
        first = words[0]
        if not first.startswith("/") and not bare:
            raise ParseError("not_a_command", None)
        grammar = self.find(first)
        if grammar is None:
            raise self._unknown(_bare(first)[:_MAX_ECHO])
        joined = [localize(word, numbers) for word in join_groups(words[1:], numbers)]
        try:
            return grammar, _run(grammar, joined)
        except ParseError as joined_error:
            apart = [localize(word, numbers) for word in words[1:]]
            if apart != joined:
                try:  # '/margin 1 100' in ru: position 1, not 1100
                    return grammar, _run(grammar, apart)
                except ParseError:
                    raise joined_error from None
            raise _spaced(grammar, words[1:], numbers) or joined_error from None

    def _unknown(self, typed: str) -> ParseError:
        """'did you mean /long?' for the nearest name or alias."""
        close = difflib.get_close_matches(typed, list(self._words), n=1, cutoff=0.6)
        suggestion = self._words[close[0]].name if close else ""
        return ParseError("unknown_command", None, name=typed, suggestion=suggestion)


def _run(grammar: Grammar, words: list[str]) -> Intent:
    try:
        return grammar.parser(words)
    except ParseError as error:
        if error.command is not None:
            raise
        raise ParseError(error.code, grammar.name, **error.params) from None


def _bare(word: str) -> str:
    """'/buy@IsoCrossBot' -> 'buy'."""
    return word.lstrip("/").split("@", 1)[0]


def _spaced(grammar: Grammar, words: list[str], numbers: NumberFormat) -> ParseError | None:
    """Where the locale does not group with a space ('62 000' in English), a line that
    would parse with its groups joined is refused with the number named, never read as
    two numbers nor guessed: "write it as 62000"."""
    if numbers.spaced:
        return None
    forced = join_groups(words, numbers, force=True)
    if forced == words:
        return None
    try:
        _run(grammar, [localize(word, numbers) for word in forced])
    except ParseError:
        return None
    at = next(i for i, (a, b) in enumerate(zip(words, forced, strict=False)) if a != b)
    merged = forced[at]
    end = next(k for k in range(at + 1, len(words) + 1) if "".join(words[at:k]) == merged)
    typed = " ".join(words[at:end])
    return ParseError("spaced_number", grammar.name, token=typed[:30], example=merged[:30])
