"""Every command in the registry is documented: a syntax and an example, a summary in every
catalog, a line in /help and in the README, and its own syntax under an error about it."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.commands import CommandLayer
from bot.commands.command import Command, Place
from bot.commands.registry import REGISTRY
from bot.i18n import LOCALES_DIR
from tests.bot.conftest import Chat

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
LANGUAGES = sorted(path.name for path in LOCALES_DIR.iterdir() if path.is_dir())
SOURCE_LANGUAGE = "en"  # its catalog leaves msgstr empty: the msgid is the English text
USAGE_FRAME = ("Syntax: {syntax}", "Example: {examples}")
NONSENSE = "1e9 1e9 1e9 1e9 1e9"  # no grammar takes five numbers in exponent notation
COMMANDS = list(REGISTRY)
ALIASES = [(alias, command) for command in REGISTRY for alias in command.aliases]


def _name(command: Command[Any]) -> str:
    return command.name


@cache
def _catalog(language: str) -> Catalog:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "isocross.po").open("rb") as handle:
        return read_po(handle, locale=language)


def _translated(language: str, msgid: str) -> bool:
    message = _catalog(language).get(msgid)
    if message is None or "fuzzy" in message.flags:
        return False
    return language == SOURCE_LANGUAGE or bool(message.string)


def test_the_languages_are_the_shipped_ones() -> None:
    assert LANGUAGES == ["en", "es", "ru", "tr", "vi", "zh"]


@pytest.mark.parametrize("command", COMMANDS, ids=_name)
def test_every_command_has_a_syntax_line_and_an_example(command: Command[Any]) -> None:
    assert command.syntax.startswith(f"/{command.name}"), command.syntax
    assert command.examples.startswith(f"/{command.name}"), command.examples
    assert command.summary.endswith("."), command.summary


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("command", COMMANDS, ids=_name)
def test_every_command_has_its_help_and_usage_translated(
    command: Command[Any], language: str
) -> None:
    # The syntax itself is what a user types, so it stays as written; what frames it and
    # the summary are messages.
    for msgid in (command.summary, *USAGE_FRAME):
        assert _translated(language, msgid), f"{language}: {msgid!r}; run `make i18n`"


@pytest.mark.parametrize("command", COMMANDS, ids=_name)
async def test_every_command_appears_in_help(chat: Chat, command: Command[Any]) -> None:
    listing = await chat.text("/help")
    assert f"{command.syntax}\n  {command.summary}" in listing
    detail = await chat.text(f"/help {command.name}")
    assert detail.startswith(f"/{command.name}\n")
    assert f"Syntax: {command.syntax}" in detail


@pytest.mark.parametrize("command", COMMANDS, ids=_name)
def test_every_command_appears_in_the_readme_table(command: Command[Any]) -> None:
    table = "\n".join(line for line in README.splitlines() if line.startswith("| `/"))
    assert re.search(rf"`/{re.escape(command.name)}[ `]", table), command.name


@pytest.mark.parametrize("command", COMMANDS, ids=_name)
async def test_a_bad_invocation_shows_the_commands_own_syntax(
    chat: Chat, command: Command[Any]
) -> None:
    reply = await chat.send(f"/{command.name} {NONSENSE}")
    assert reply.is_error
    assert f"Syntax: {command.syntax}" in reply.plain_text()
    assert f"Example: {command.examples}" in reply.plain_text()


@pytest.mark.parametrize(("alias", "command"), ALIASES, ids=[a for a, _ in ALIASES])
async def test_an_alias_is_its_command_down_to_the_syntax_shown(
    chat: Chat, alias: str, command: Command[Any]
) -> None:
    assert REGISTRY.find(f"/{alias.upper()}@IsoCrossBot") is command
    assert f"Syntax: {command.syntax}" in await chat.text(f"/{alias} {NONSENSE}")


async def test_short_errors_show_short_not_long(chat: Chat, layer: CommandLayer) -> None:
    # Regression: the dispatch once named every OpenPosition "long".
    short = REGISTRY["short"].syntax
    await chat.text("/balance 1000")
    for line in ("/short eth 1000 @ 3000 x125", "/sell eth 1000 @ 3000 x125", "/short eth x"):
        text = await chat.text(line)  # above the tier's leverage; a missing size
        assert f"Syntax: {short}" in text and "/long" not in text, line
    group = Chat(layer, private=False)
    assert "to use /short." in await group.text("/short eth 1 @ 3000")


async def test_a_near_miss_suggests_the_command_with_its_syntax(chat: Chat) -> None:
    text = await chat.text("/shrot eth 1")
    assert "Did you mean /short?" in text
    assert f"Syntax: {REGISTRY['short'].syntax}" in text


@pytest.mark.parametrize("command", COMMANDS, ids=_name)
async def test_a_group_runs_only_what_the_registry_lets_it(
    layer: CommandLayer, command: Command[Any]
) -> None:
    group = Chat(layer, private=False)
    example = command.examples.split(" · ")[0]
    refused = f"open a chat with me to use /{command.name}." in await group.text(example)
    assert refused is (Place.GROUP not in command.places)
