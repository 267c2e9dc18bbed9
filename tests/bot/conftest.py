"""A command layer on a real SQLite file, per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.commands import Caller, CommandLayer
from bot.commands.registry import REGISTRY
from bot.parsing.intents import Intent
from bot.reply import Reply
from bot.services import Services, open_services


def parse(text: str, *, bare: bool = True) -> Intent:
    """One line -> its intent, through the registry's words and grammars."""
    return REGISTRY.parse(text, bare=bare)[1]


class Chat:
    """One user typing into the command layer, as a test sees it."""

    def __init__(self, layer: CommandLayer, user_id: int = 42, private: bool = True) -> None:
        self.layer = layer
        self.caller = Caller(user_id=user_id, language_code="en", private=private)

    async def send(self, text: str) -> Reply:
        return await self.layer.handle(text, self.caller)

    async def text(self, text: str) -> str:
        return (await self.send(text)).plain_text()


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    opened = await open_services(tmp_path / "isocross.db")
    yield opened
    await opened.close()


@pytest.fixture
def layer(services: Services) -> CommandLayer:
    return CommandLayer(services)


@pytest.fixture
def chat(layer: CommandLayer) -> Chat:
    return Chat(layer)
