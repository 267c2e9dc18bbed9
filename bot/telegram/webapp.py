"""The Mini App as Telegram shows it: the menu button, the button under some replies, and
the webhook route when the app's web server also takes Telegram's updates.

Mini App buttons work in private chats only; a group gets none (a `t.me/<bot>/<app>`
link is BotFather's, not the bot's, to make).
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import MenuButtonWebApp, Update, WebAppInfo
from telegram.ext import Application, ExtBot

from bot.commands.registry import REGISTRY
from bot.i18n import N_, Catalogs, Translator

__all__ = ["app_link", "set_menu_button", "webhook_route"]

log = logging.getLogger(__name__)
_MAX_UPDATE = 1 << 20  # bytes: Telegram's updates are a few KiB
# the commands whose replies get a button, and the view of the app it opens
_VIEWS = {"positions": "portfolio", "compare": "portfolio", "whatif": "portfolio", "calc": "calc"}
_LABEL = N_("Open the app")
_MENU = N_("App")


def app_link(url: str | None, command: str | None, tr: Translator) -> tuple[str, str] | None:
    """(label, URL) of the app's view for a reply to `command`, when the app is on."""
    if url is None or not command:
        return None
    found = REGISTRY.find(command.split(maxsplit=1)[0])
    view = None if found is None else _VIEWS.get(found.name)
    return None if view is None else (tr(_LABEL), f"{url}?view={view}")


async def set_menu_button(bot: ExtBot[int], url: str, catalogs: Catalogs) -> None:
    """The chat's menu button opens the app (every private chat: the default button)."""
    button = MenuButtonWebApp(text=catalogs.translator(None)(_MENU), web_app=WebAppInfo(url=url))
    await bot.set_chat_menu_button(menu_button=button)


def webhook_route(
    app: Application[Any, Any, Any, Any, Any, Any], path: str, secret: str | None
) -> Route:
    """POST `path`: an update from Telegram, queued for the application (PTB's custom-webhook
    pattern); a post without the secret gets 403."""

    async def receive(request: Request) -> Response:
        given = request.headers.get("x-telegram-bot-api-secret-token", "")
        if secret is not None and not hmac.compare_digest(given.encode(), secret.encode()):
            return Response(status_code=403)
        body = await request.body()
        if len(body) > _MAX_UPDATE:
            return Response(status_code=413)
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            log.warning("a webhook post that is no update (%d bytes)", len(body))
            return Response(status_code=400)
        update = Update.de_json(data=data, bot=app.bot)
        await app.update_queue.put(update)
        return Response()

    return Route("/" + path.lstrip("/"), receive, methods=["POST"])
