"""Webhook mode: Telegram (here: the test) posts updates to the bot's own HTTP server,
which accepts only posts that carry the secret."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from bot.app import build_application, running
from bot.config import Settings
from tests.fakes.bot_api import FakeBotAPI
from tests.telegram.conftest import OFFLINE_FEEDS

pytestmark = pytest.mark.e2e

SECRET = "s3cret-Token_1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_the_webhook_server_takes_updates_with_the_secret_only(tmp_path: Path) -> None:
    port = _free_port()
    with FakeBotAPI() as api:
        settings = Settings.model_validate(
            {
                "TELEGRAM_BOT_TOKEN": api.token,
                "TELEGRAM_API_URL": api.url,
                "ISOCROSS_DB_PATH": str(tmp_path / "isocross.db"),
                "ISOCROSS_WEBHOOK_URL": "https://bot.example.com/telegram/hook",
                "ISOCROSS_WEBHOOK_LISTEN": "127.0.0.1",
                "ISOCROSS_WEBHOOK_PORT": str(port),
                "ISOCROSS_WEBHOOK_SECRET": SECRET,
                **OFFLINE_FEEDS,
            }
        )
        async with running(build_application(settings), webhook=settings):
            [registered] = api.calls_to("setWebhook")
            assert registered.params["url"] == "https://bot.example.com/telegram/hook"
            assert registered.params["secret_token"] == SECRET

            message = api.message(71, "/faq margin ratio")
            update = {"update_id": 1, "message": message.json}
            url = f"http://127.0.0.1:{port}/telegram/hook"
            async with httpx.AsyncClient() as client:
                forged = await client.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
                )
                assert forged.status_code == 403
                accepted = await client.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                )
                assert accepted.status_code == 200
            await api.wait_for(lambda: api.texts(71))
        assert api.texts(71)[0].startswith("Margin ratio")
        assert not api.calls_to("getUpdates")  # no polling in webhook mode


async def test_a_webhook_post_is_answered_only_once_its_update_is_handled(
    tmp_path: Path,
) -> None:
    # PTB's server answered 200 as soon as the update was queued: a kill -9 before the
    # handler ran lost it, since Telegram does not post an answered update again.
    port = _free_port()
    with FakeBotAPI() as api:
        settings = Settings.model_validate(
            {
                "TELEGRAM_BOT_TOKEN": api.token,
                "TELEGRAM_API_URL": api.url,
                "ISOCROSS_DB_PATH": str(tmp_path / "isocross.db"),
                "ISOCROSS_WEBHOOK_URL": "https://bot.example.com/hook",
                "ISOCROSS_WEBHOOK_PORT": str(port),
                "ISOCROSS_WEBHOOK_SECRET": SECRET,
                **OFFLINE_FEEDS,
            }
        )
        async with running(build_application(settings), webhook=settings):
            message = api.message(72, "/faq cross")
            api.slow_chat(72, 1.0)  # the reply takes a second to go out
            async with httpx.AsyncClient() as client:
                answered = await client.post(
                    f"http://127.0.0.1:{port}/hook",
                    json={"update_id": 1, "message": message.json},
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
                assert answered.status_code == 200
                assert api.texts(72) and api.texts(72)[0].startswith("Cross margin")
