"""The Mini App in the running bot: one web server in the bot's loop, the menu button, the
button under /positions, /compare, /whatif and /calc (private chats only), and in webhook
mode the updates through the same server."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import httpx
import pytest

from bot.app import build_application, running
from bot.config import Settings
from tests.fakes.bot_api import FakeBotAPI
from tests.telegram.conftest import GROUP, OFFLINE_FEEDS

pytestmark = pytest.mark.e2e

APP = "https://bot.example.com/app/"
SECRET = "s3cret-Token_1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _settings(api: FakeBotAPI, folder: Path, port: int, **extra: str) -> Settings:
    return Settings.model_validate(
        {
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_URL": api.url,
            "ISOCROSS_DB_PATH": str(folder / "isocross.db"),
            "ISOCROSS_WEBAPP_URL": APP,
            "ISOCROSS_WEBHOOK_LISTEN": "127.0.0.1",
            "ISOCROSS_WEBHOOK_PORT": str(port),
            **OFFLINE_FEEDS,
            **extra,
        }
    )


async def test_polling_with_the_app_on_serves_it_and_offers_it(tmp_path: Path) -> None:
    port = _free_port()
    with FakeBotAPI() as api:
        settings = _settings(api, tmp_path, port)
        async with running(build_application(settings), poll_timeout=1.0, web=settings):
            await api.wait_for(lambda: api.calls_to("setChatMenuButton"))
            [menu] = api.calls_to("setChatMenuButton")
            button = json.loads(menu.params["menu_button"])  # sent form-encoded
            assert (button["type"], button["web_app"]["url"]) == ("web_app", APP)
            async with httpx.AsyncClient() as client:
                page = await client.get(f"http://127.0.0.1:{port}/app/")
                refused = await client.get(f"http://127.0.0.1:{port}/api/me")
            assert page.status_code == 200 and "<title>IsoCross</title>" in page.text
            assert refused.status_code == 401

            api.message(71, "/calc long BTC @ 62000 x20 0.1 1000")
            await api.wait_for(lambda: api.sent(71))
            [calc] = api.sent(71)
            assert calc.button("Open the app")["web_app"] == {"url": APP + "?view=calc"}
            api.message(71, "/balance 5000")
            api.message(71, "/long BTC 0.5 @ 62000 x10 iso")
            api.message(71, "/compare")
            await api.wait_for(lambda: len(api.sent(71)) >= 4)
            balance, added, compare = api.sent(71)[1:4]
            assert compare.button("Open the app")["web_app"] == {"url": APP + "?view=portfolio"}
            assert not [b for b in balance.buttons() + added.buttons() if "web_app" in b]

            api.message(
                72, "/calc long BTC @ 62000 x20 0.1 1000", chat_id=GROUP, chat_type="supergroup"
            )
            await api.wait_for(lambda: api.sent(GROUP))
            assert not [b for b in api.sent(GROUP)[0].buttons() if "web_app" in b]


async def test_webhook_mode_takes_updates_through_the_apps_server(tmp_path: Path) -> None:
    port = _free_port()
    with FakeBotAPI() as api:
        settings = _settings(
            api,
            tmp_path,
            port,
            ISOCROSS_WEBHOOK_URL="https://bot.example.com/telegram/hook",
            ISOCROSS_WEBHOOK_SECRET=SECRET,
        )
        async with running(build_application(settings), webhook=settings, web=settings):
            [registered] = api.calls_to("setWebhook")
            assert registered.params["url"] == "https://bot.example.com/telegram/hook"
            assert registered.params["secret_token"] == SECRET
            update = {"update_id": 1, "message": api.message(71, "/faq margin ratio").json}
            hook = f"http://127.0.0.1:{port}/telegram/hook"
            async with httpx.AsyncClient() as client:
                forged = await client.post(
                    hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
                )
                accepted = await client.post(
                    hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                )
                junk = await client.post(
                    hook, json=[1], headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                )
                page = await client.get(f"http://127.0.0.1:{port}/app/")
            assert (forged.status_code, accepted.status_code, page.status_code) == (403, 200, 200)
            assert junk.status_code == 400
            await api.wait_for(lambda: api.texts(71))
        assert api.texts(71)[0].startswith("Margin ratio")
        assert not api.calls_to("getUpdates")
