"""A real PTB Application on a real SQLite file, talking to the fake Bot API over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import IsoApp, build_application, running
from bot.config import Settings
from bot.feeds.venues import FEEDS
from bot.telegram.limiter import Limiter
from bot.telegram.throttle import Throttle
from tests.fakes.bot_api import FakeBotAPI, Sent

GROUP = -1001234567890
CLOSED_PORT = "http://127.0.0.1:9"
# no exchange is reachable from tests: feeds fail at once on a closed loopback port
OFFLINE_FEEDS = {f"ISOCROSS_{ex.value.upper()}_URL": CLOSED_PORT for ex in FEEDS}


def settings_for(api: FakeBotAPI, folder: Path) -> Settings:
    return Settings.model_validate(
        {
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_URL": api.url,
            "ISOCROSS_DB_PATH": str(folder / "isocross.db"),
            **OFFLINE_FEEDS,
        }
    )


class Harness:
    """Users typing and pressing; each call waits for the bot's answer in that chat."""

    def __init__(self, api: FakeBotAPI, app: IsoApp) -> None:
        self.api = api
        self.app = app

    async def say(self, user_id: int, text: str, *, count: int = 1, **where: Any) -> list[Sent]:
        chat = int(where.get("chat_id") or user_id)
        before = len(self.api.sent(chat))
        self.api.message(user_id, text, **where)
        await self.api.wait_for(lambda: len(self.api.sent(chat)) >= before + count)
        return self.api.sent(chat)[before:]

    async def press(self, user_id: int, sent: Sent, label: str) -> Sent:
        """Press a button by its label; wait for the message to be edited (or answered)."""
        edits = sent.edits
        answered = len(self.api.calls_to("answerCallbackQuery"))
        self.api.press(user_id, sent, sent.button(label)["callback_data"])
        await self.api.wait_for(lambda: len(self.api.calls_to("answerCallbackQuery")) > answered)
        assert sent.edits >= edits
        return sent


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as fake:
        yield fake


@pytest.fixture
def flood() -> Throttle:
    return Throttle()


@pytest.fixture
async def bot(api: FakeBotAPI, tmp_path: Path, flood: Throttle) -> AsyncIterator[Harness]:
    app = build_application(settings_for(api, tmp_path), limiter=Limiter(backoff=0.05), flood=flood)
    async with running(app, poll_timeout=1.0):
        yield Harness(api, app)
