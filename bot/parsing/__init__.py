"""A line of text -> a typed intent (`bot.parsing.intents`), or a ParseError that says
what to show instead.

May import engine only. Commands are case-insensitive, take `/cmd@botname` as in groups,
and in a private chat the slash is optional ("long 0.5 btc at 62k 10x cross").
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from bot.parsing import advice, alerts, simple
from bot.parsing.errors import ParseError
from bot.parsing.intents import Compare, Intent, Risk, ShowPositions, Undo
from bot.parsing.position import parse_calc, parse_open
from bot.parsing.tokens import split
from engine.models import Side

__all__ = ["COMMANDS", "ParseError", "canonical_command", "parse"]

Parser = Callable[[list[str]], Intent]


def _no_arguments(intent: Intent, command: str) -> Parser:
    def parse_nothing(words: list[str]) -> Intent:
        if words:
            raise ParseError("unexpected", command, token=words[0][:30])
        return intent

    return parse_nothing


COMMANDS: dict[str, tuple[Parser, tuple[str, ...]]] = {
    "long": (lambda w: parse_open(Side.LONG, w, "long"), ("buy",)),
    "short": (lambda w: parse_open(Side.SHORT, w, "short"), ("sell",)),
    "positions": (_no_arguments(ShowPositions(), "positions"), ("pos", "p", "list")),
    "balance": (simple.balance, ("bal", "wallet")),
    "close": (simple.close, ("cl",)),
    "margin": (simple.margin, ("addmargin",)),
    "lev": (simple.lev, ("leverage",)),
    "mode": (simple.mode, ()),
    "undo": (_no_arguments(Undo(), "undo"), ()),
    "reset": (simple.reset, ()),
    "risk": (_no_arguments(Risk(), "risk"), ("account", "summary")),
    "compare": (_no_arguments(Compare(), "compare"), ("cmp",)),
    "whatif": (simple.whatif, ("what-if", "stress")),
    "recommend": (advice.recommend, ("advice", "advise", "rec")),
    "chart": (advice.chart, ("picture", "graph")),
    "profile": (advice.profile, ()),
    "calc": (parse_calc, ("calculate", "calculator")),
    "portfolio": (simple.portfolio, ("portfolios", "pf")),
    "exchange": (simple.exchange, ("ex",)),
    "lang": (simple.language, ("language",)),
    "defaults": (simple.defaults, ("default",)),
    "help": (simple.help_, ("start", "commands", "?")),
    "price": (alerts.price, ("mark", "prices")),
    "alerts": (alerts.alerts, ("alert",)),
    "digest": (alerts.digest, ()),
    "faq": (simple.faq, ("guide", "learn")),
}
_ALIASES = {alias: name for name, (_, aliases) in COMMANDS.items() for alias in (name, *aliases)}


def canonical_command(word: str) -> str | None:
    """'/buy@IsoCrossBot' -> 'long'; None for a word that is no command."""
    return _ALIASES.get(word.lstrip("/").split("@", 1)[0].lower())


def parse(text: str, *, bare: bool = True) -> Intent:
    """Parse one line; `bare` allows a command without its slash (private chats)."""
    words = split(text)
    if not words:
        raise ParseError("empty", None)
    first = words[0]
    if not first.startswith("/") and not bare:
        raise ParseError("not_a_command", None)
    name = canonical_command(first)
    if name is None:
        typed = first.lstrip("/").split("@", 1)[0][:30]
        close = difflib.get_close_matches(typed, list(_ALIASES), n=1, cutoff=0.6)
        suggestion = _ALIASES[close[0]] if close else ""
        raise ParseError("unknown_command", None, name=typed, suggestion=suggestion)
    return COMMANDS[name][0](words[1:])
