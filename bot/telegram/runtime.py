"""What every handler shares: the command layer and services, the throttle, /new drafts.

PTB creates one `Runtime` as the application's `bot_data` (see ContextTypes in
bot/app.py); `post_init` opens it and `post_shutdown` closes it, so handlers
read `context.bot_data.layer` with a type instead of digging in a dict.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import Chat, Message, Update, User
from telegram.ext import CallbackContext, ExtBot

from bot.alerts import AlertRuntime
from bot.commands import Caller, CommandLayer
from bot.i18n import Translator
from bot.services import Services
from bot.telegram.throttle import Throttle

__all__ = ["IsoContext", "Runtime", "Target", "caller_of", "target_of"]


class Runtime:
    """The application's shared state; empty until `open`."""

    def __init__(self) -> None:
        self._services: Services | None = None
        self._layer: CommandLayer | None = None
        self.throttle = Throttle()
        self.drafts: dict[int, list[str]] = {}  # user id -> the /new flow's answers so far
        self.alerts: AlertRuntime | None = None  # the price watch and alert jobs' state
        self.webapp_url: str | None = None  # the Mini App's page, when it is on
        # user id -> (the alert a fix preview was opened from, the line that confirms it)
        self.fixes: dict[int, tuple[Message, str]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` beside the updates (start-up chores); cancelled by `close`."""
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def open(self, services: Services) -> None:
        self._services = services
        self._layer = CommandLayer(services)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self.alerts is not None:
            await self.alerts.close()
            self.alerts = None
        if self._services is not None:
            await self._services.close()
        self._services = self._layer = None

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the bot's services are opened in post_init")
        return self._services

    @property
    def layer(self) -> CommandLayer:
        if self._layer is None:
            raise RuntimeError("the bot's services are opened in post_init")
        return self._layer

    async def translator(self, user: User | None) -> Translator:
        """The user's language: their stored choice, else Telegram's, else English."""
        catalogs = self.services.catalogs
        if user is None:
            return catalogs.translator(None)
        stored = await self.services.users.get_or_create(user.id)
        return catalogs.translator(stored.language, user.language_code)


IsoContext = CallbackContext[ExtBot[int], dict[Any, Any], dict[Any, Any], Runtime]


@dataclass(frozen=True, slots=True)
class Target:
    """Where a reply goes: the chat, its kind, the forum topic, the message answered."""

    chat_id: int
    private: bool
    thread_id: int | None = None
    reply_to: int | None = None
    asker: int | None = None  # who sent the message answered: whose a deep link is


def target_of(message: Message) -> Target:
    """Answer in the message's chat and topic; in groups, as a reply to the asker."""
    private = message.chat.type == Chat.PRIVATE
    thread = message.message_thread_id if message.is_topic_message else None
    asker = message.from_user.id if message.from_user is not None else None
    return Target(message.chat.id, private, thread, None if private else message.message_id, asker)


def caller_of(update: Update) -> Caller:
    """The command layer's view of who is asking; a channel post speaks for the channel."""
    chat = update.effective_chat
    user = update.effective_user
    private = chat is not None and chat.type == Chat.PRIVATE
    if user is not None:
        return Caller(user.id, user.language_code, private)
    if chat is None:
        raise ValueError("an update with neither a user nor a chat")
    return Caller(chat.id, None, private)
