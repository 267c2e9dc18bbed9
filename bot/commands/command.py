"""One record per command, and the registry that answers questions about all of them.

A feature module (`bot.commands.positions`, ...) makes a `Feature` and declares each command
with its decorator, directly above the handler; `bot.commands.registry` composes the
features. Parsing, dispatch, /help, the syntax under an error, the group check, `reads_only`
and Telegram's command menus all read the records, so a command is declared once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from bot.commands.context import Context
from bot.parsing import Lexicon, ParseError
from bot.parsing.intents import Intent
from bot.parsing.numbers import ENGLISH, NumberFormat
from bot.reply import Reply

__all__ = [
    "ANYWHERE",
    "PRIVATE",
    "Command",
    "Declaration",
    "Feature",
    "Handler",
    "Menu",
    "Place",
    "Registry",
    "always",
    "never",
]

IntentT = TypeVar("IntentT", bound=Intent)

Handler = Callable[[Context, IntentT], Awaitable[Reply]]


class Place(Enum):
    """Where a command may run. Inline mode runs it as a group does, so INLINE needs GROUP."""

    PRIVATE = "private"
    GROUP = "group"  # answers in groups: nothing that reads or writes a portfolio
    INLINE = "inline"  # offered in inline mode (`@bot ...` in any chat)


PRIVATE = frozenset({Place.PRIVATE})
ANYWHERE = frozenset(Place)


@dataclass(frozen=True, slots=True)
class Menu:
    """Where Telegram's command menus list a command: private chats list every command so
    marked in the registry's order; groups list theirs by `group` rank, first what a group
    asks most."""

    private: bool = True
    group: int | None = None  # None: not in the groups' menu


def always(_: object) -> bool:
    return True


def never(_: object) -> bool:
    return False


@dataclass(frozen=True, slots=True)
class Command(Generic[IntentT]):
    """A command: the words for it, its grammar and handler, and how it is documented.

    `syntax` and `examples` are written as a user types them (not translated); `summary`
    is an `N_` message, /help's line and the menu's description. `reads_only` says of a
    parsed intent whether it only shows things (safe to re-run for a page or a link).
    """

    name: str
    parser: Callable[[list[str]], IntentT]
    handler: Handler[IntentT]
    syntax: str
    examples: str
    summary: str
    aliases: tuple[str, ...] = ()
    places: frozenset[Place] = PRIVATE
    reads_only: Callable[[IntentT], bool] = never
    menu: Menu = Menu()


_PRIVATE_MENU = Menu()


class Feature:
    """One feature module's commands, each declared by a decorator directly above its handler:

        commands = Feature()

        @commands.command("close", simple.close, aliases=("cl",)).help(
            ("/close N|SYMBOL", "/close 2 · /close btc"), N_("Remove a position.")
        )
        async def close(ctx: Context, intent: ClosePosition) -> Reply: ...

    `command` takes the words, the grammar and the rules; `help` the usage, a pair (syntax,
    examples) written as a user types them, and the summary, an `N_` message (see `Command`).
    mypy holds the parser's intent to the handler's. Declarations stacked on one handler are
    its commands in the order they read. A feature lists its commands in the order declared,
    and once listed (composed into the registry) it takes no more.
    """

    def __init__(self) -> None:
        self._commands: list[Command[Any]] = []
        self._composed = False

    def command(
        self,
        name: str,
        parser: Callable[[list[str]], IntentT],
        *,
        aliases: tuple[str, ...] = (),
        places: frozenset[Place] = PRIVATE,
        reads_only: Callable[[IntentT], bool] = never,
        menu: Menu = _PRIVATE_MENU,
    ) -> Declaration[IntentT]:
        return Declaration(self, name, parser, aliases, places, reads_only, menu)

    def __iter__(self) -> Iterator[Command[Any]]:
        self._composed = True
        return iter(tuple(self._commands))

    def _add(self, command: Command[Any]) -> None:
        if self._composed:
            raise RuntimeError(f"/{command.name} is declared after its feature was composed")
        # Stacked decorators run bottom-up: a handler's later command goes above its earlier.
        same = (i for i, c in enumerate(self._commands) if c.handler is command.handler)
        self._commands.insert(next(same, len(self._commands)), command)


@dataclass(frozen=True, slots=True)
class Declaration(Generic[IntentT]):
    """`Feature.command`'s words, grammar and rules, waiting for the help and the handler."""

    feature: Feature
    name: str
    parser: Callable[[list[str]], IntentT]
    aliases: tuple[str, ...]
    places: frozenset[Place]
    reads_only: Callable[[IntentT], bool]
    menu: Menu

    def help(
        self, usage: tuple[str, str], summary: str
    ) -> Callable[[Handler[IntentT]], Handler[IntentT]]:
        """The decorator that adds the command, so documented, to its feature."""

        def declare(handler: Handler[IntentT]) -> Handler[IntentT]:
            syntax, examples = usage
            rules = (self.aliases, self.places, self.reads_only, self.menu)
            command = Command(self.name, self.parser, handler, syntax, examples, summary, *rules)
            self.feature._add(command)
            return handler

        return declare


class Registry:
    """Every command, in the order /help and the private menu list them."""

    def __init__(self, commands: Iterable[Command[Any]]) -> None:
        self._commands = tuple(commands)
        self._by_name = MappingProxyType({c.name: c for c in self._commands})
        self._lexicon = Lexicon(self._commands)  # refuses a word that names two commands
        _check(self._commands)

    def __iter__(self) -> Iterator[Command[Any]]:
        return iter(self._commands)

    def __len__(self) -> int:
        return len(self._commands)

    def __getitem__(self, name: str) -> Command[Any]:
        return self._by_name[name]

    def get(self, name: str | None) -> Command[Any] | None:
        return None if name is None else self._by_name.get(name)

    def find(self, word: str) -> Command[Any] | None:
        """'/buy@IsoCrossBot' -> /long; None for a word that is no command."""
        return self._lexicon.find(word)

    def parse(
        self, text: str, *, bare: bool = True, numbers: NumberFormat = ENGLISH
    ) -> tuple[Command[Any], Intent]:
        """One line -> the command typed (an alias resolved) and its intent, or ParseError;
        numbers read in the user's locale (`bot.parsing.numbers`)."""
        return self._lexicon.parse(text, bare=bare, numbers=numbers)

    def reads_only(self, text: str) -> bool:
        """Whether a line only shows things (safe to re-run for a page, or from a link)."""
        try:
            command, intent = self.parse(text)
        except ParseError:
            return False
        return command.reads_only(intent)

    def group_menu(self) -> list[Command[Any]]:
        ranked = [c for c in self._commands if c.menu.group is not None]
        return sorted(ranked, key=lambda c: c.menu.group or 0)


def _check(commands: tuple[Command[Any], ...]) -> None:
    """What the records must agree on, refused at import rather than found in a chat."""
    if len({c.name for c in commands}) != len(commands):
        raise ValueError("two commands share a name")
    for command in commands:
        if Place.INLINE in command.places and Place.GROUP not in command.places:
            raise ValueError(f"/{command.name}: inline mode runs a command as a group does")
        if command.menu.group is not None and Place.GROUP not in command.places:
            raise ValueError(f"/{command.name} is in the groups' menu but does not run there")
    ranks = [c.menu.group for c in commands if c.menu.group is not None]
    if len(set(ranks)) != len(ranks):
        raise ValueError("two commands share a rank in the groups' menu")
