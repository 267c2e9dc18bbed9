"""A line of text -> a typed intent (`bot.parsing.intents`), or a ParseError that says
what to show instead.

May import engine only. Commands are case-insensitive, take `/cmd@botname` as in groups,
and in a private chat the slash is optional ("long 0.5 btc at 62k 10x cross"). Which
words name which parser is the command registry's to say (`bot.commands.registry`): it
builds a `Lexicon` from its records.
"""

from __future__ import annotations

from bot.parsing.errors import ParseError
from bot.parsing.lexicon import Grammar, Lexicon, Parser

__all__ = ["Grammar", "Lexicon", "ParseError", "Parser"]
