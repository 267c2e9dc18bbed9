"""The Mini App's server on 127.0.0.1 over a real SQLite store, and initData signed for it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.commands import Caller, CommandLayer
from bot.services import Services, open_services
from bot.webapp.api import ApiConfig
from bot.webapp.auth import sign
from bot.webapp.server import WebServer, create_app

TOKEN = "123456789:AAE_test-token-for-the-mini-app-0123456789"
MAX_AGE = timedelta(hours=1)


def init_data(
    user_id: int,
    *,
    language: str = "en",
    auth_date: datetime | None = None,
    token: str = TOKEN,
    **extra: str,
) -> str:
    """What Telegram hands the page for `user_id`: its fields, signed with the bot's token."""
    when = auth_date or datetime.now(UTC)
    user = {"id": user_id, "first_name": "Ada", "language_code": language}
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(user, separators=(",", ":")),
        "auth_date": str(int(when.timestamp())),
        **extra,
    }
    return sign(fields, token)


@dataclass
class Web:
    """The running app: its base URL, the store behind it, and the chat over the same store."""

    url: str
    services: Services
    layer: CommandLayer

    async def say(self, user_id: int, *lines: str) -> str:
        """Lines typed in the chat by `user_id`; the last reply's text."""
        text = ""
        for line in lines:
            reply = await self.layer.handle(line, Caller(user_id, "en"))
            assert not reply.is_error, reply.plain_text()
            text = reply.plain_text()
        return text

    def client(self, user_id: int | None, language: str = "en") -> httpx.AsyncClient:
        signed = None if user_id is None else init_data(user_id, language=language)
        headers = {} if signed is None else {"Authorization": "tma " + signed}
        return httpx.AsyncClient(base_url=self.url, headers=headers, timeout=10)


@pytest.fixture
async def web(tmp_path: Path) -> AsyncIterator[Web]:
    services = await open_services(tmp_path / "isocross.db")
    server = WebServer(create_app(ApiConfig(services, TOKEN, MAX_AGE)), "127.0.0.1", 0)
    await server.start()
    try:
        yield Web(f"http://127.0.0.1:{server.port}", services, CommandLayer(services))
    finally:
        await server.stop()
        await services.close()
