"""The registry: the one list of commands, what it refuses to compose, and what reads it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from bot.commands import reads_only
from bot.commands.command import ANYWHERE, Command, Feature, Menu, Place, Registry
from bot.commands.context import Context
from bot.commands.registry import FEATURES, REGISTRY
from bot.i18n import Catalogs
from bot.parsing import ParseError, simple
from bot.parsing.intents import OpenPosition, Undo
from bot.reply import Reply
from bot.telegram.menu import commands_for
from engine.models import Side

LONG = REGISTRY["long"]


def test_the_registry_is_every_feature_modules_commands_in_order() -> None:
    declared = [command for feature in FEATURES for command in feature]
    assert list(REGISTRY) == declared
    assert " ".join(c.name for c in REGISTRY) == (  # /help's order, as before the decorators
        "long short positions margin lev mode close add hedge balance undo reset risk portfolio "
        "watch unwatch "
        "compare whatif calc recommend profile chart price alerts digest fix exchange lang "
        "defaults help faq"
    )


def test_a_feature_keeps_stacked_commands_in_reading_order_and_closes_once_composed() -> None:
    feature = Feature()

    @feature.command("first", simple.undo).help(("/first", "/first"), "The first.")
    @feature.command("second", simple.undo).help(("/second", "/second"), "The second.")
    async def handler(ctx: Context, intent: Undo) -> Reply:
        raise NotImplementedError

    assert [(c.name, c.handler) for c in feature] == [("first", handler), ("second", handler)]
    with pytest.raises(RuntimeError):
        feature.command("late", simple.undo).help(("/late", "/late"), "Too late.")(handler)


@pytest.mark.parametrize(
    "clash",
    [
        [LONG, replace(LONG, aliases=())],  # a name twice
        [LONG, replace(REGISTRY["short"], aliases=("buy",))],  # an alias of another command
        [replace(LONG, places=frozenset({Place.PRIVATE, Place.INLINE}))],  # inline, not group
        [replace(LONG, menu=Menu(group=1))],  # in the groups' menu, refused in groups
        [
            replace(REGISTRY["calc"], menu=Menu(group=1)),
            replace(REGISTRY["faq"], menu=Menu(group=1)),
        ],
    ],
    ids=["name", "alias", "inline", "group-menu", "rank"],
)
def test_the_registry_refuses_records_that_disagree(clash: list[Command[Any]]) -> None:
    with pytest.raises(ValueError):
        Registry(clash)


def test_parsing_names_the_command_typed_after_resolving_its_alias() -> None:
    command, intent = REGISTRY.parse("SELL@IsoCrossBot eth 1 @ 3000")
    assert command is REGISTRY["short"]
    assert intent == OpenPosition(Side.SHORT, "ETHUSDT", qty=Decimal(1), price=Decimal(3000))
    assert command.handler is LONG.handler  # one handler, two commands


def test_a_parsers_anonymous_error_names_the_command() -> None:
    with pytest.raises(ParseError) as caught:
        REGISTRY.parse("/balance 1" + "0" * 30)
    assert (caught.value.code, caught.value.command) == ("number_too_large", "balance")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/positions", True),
        ("p", True),
        ("/balance", True),
        ("/balance 5000", False),
        ("/portfolio", True),
        ("/portfolio new test", False),
        ("/whatif all -10%", True),
        ("/calc long btc @ 62000", True),
        ("/help long", True),
        ("/faq", True),
        ("/price btc", False),  # as before the registry: a price page is not re-run
        ("/sell btc 1", False),
        ("/lonk btc 1", False),
    ],
)
def test_reads_only_follows_each_commands_record(line: str, expected: bool) -> None:
    assert reads_only(line) is expected


def test_the_menus_come_from_the_records() -> None:
    tr = Catalogs().translator("es")
    group = commands_for(tr, REGISTRY, private=False)
    assert [c.command for c in group] == ["faq", "calc", "help"]
    assert group[0].description == tr(REGISTRY["faq"].summary) != REGISTRY["faq"].summary
    private = [c.command for c in commands_for(tr, REGISTRY, private=True)]
    assert private == ["start", "new", "cancel", *(c.name for c in REGISTRY if c.menu.private)]


def test_what_runs_in_groups_and_inline() -> None:
    assert {c.name for c in REGISTRY if Place.GROUP in c.places} == {"calc", "help", "faq"}
    assert {c.name for c in REGISTRY if c.places == ANYWHERE} == {"calc", "faq"}
