"""Sending and editing rendered replies: pictures, pages, keyboards, deep links.

The one place that talks to Telegram about replies, so the privacy rule is
enforced here as well as in the command layer: a reply that shows a portfolio
never goes to a group chat.

A reply is sent after its change was committed, so its buttons must never be
what stops it: a keyboard that cannot be built, or that Telegram refuses
(`BUTTON_DATA_INVALID`, a bad keyboard), is dropped and the text goes without
it. `retry_for` is how long the limiter may retry each call (seconds; None: the
delivery deadline; 0: once, as the outbox asks).
"""

from __future__ import annotations

import logging
import time

from telegram import InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bot.commands import reads_only
from bot.i18n import Translator
from bot.reply import Button, Reply
from bot.telegram import deeplink, render
from bot.telegram.runtime import Target

__all__ = ["PrivacyError", "edit_reply", "send_page", "send_reply"]

log = logging.getLogger(__name__)
_KEYBOARD_ERRORS = ("button", "keyboard", "reply markup")


class PrivacyError(RuntimeError):
    """A portfolio reply was about to be sent to a group chat: a bug, never sent."""


async def send_reply(
    bot: ExtBot[int],
    target: Target,
    reply: Reply,
    tr: Translator,
    command: str | None = None,
    app: tuple[str, str] | None = None,
    *,
    retry_for: int | None = None,
) -> list[Message]:
    """Send a reply; a long one becomes pages with buttons when `command` can be re-run;
    `app` (label, URL) adds a Mini App button, in a private chat only."""
    _check_privacy(reply, target)
    app = app if target.private else None
    sent: list[Message] = []
    if reply.picture is not None:
        sent.append(
            await bot.send_photo(
                target.chat_id,
                reply.picture,
                message_thread_id=target.thread_id,
                reply_parameters=_reply_to(target),
                rate_limit_args=retry_for,
            )
        )
    texts = render.pages(reply)
    navigation = _navigation(texts, command, 0)
    if navigation is not None:
        markup = _markup(bot, reply, tr, navigation, app, asker=target.asker)
        return [*sent, await send_page(bot, target, texts[0], markup, retry_for=retry_for)]
    for index, text in enumerate(texts):
        last = index == len(texts) - 1
        markup = _markup(bot, reply, tr, app=app, asker=target.asker) if last else None
        sent.append(await send_page(bot, target, text, markup, retry_for=retry_for))
    return sent


async def send_page(
    bot: ExtBot[int],
    target: Target,
    text: str,
    markup: InlineKeyboardMarkup | None,
    *,
    retry_for: int | None = None,
) -> Message:
    """One message; if Telegram refuses only its keyboard, the text goes without it."""
    try:
        return await bot.send_message(
            target.chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            message_thread_id=target.thread_id,
            reply_parameters=_reply_to(target),
            rate_limit_args=retry_for,
        )
    except BadRequest as error:
        if markup is None or not _about_the_keyboard(error):
            raise
        log.warning("keyboard refused (%s); the reply goes without it", error.message)
        return await send_page(bot, target, text, None, retry_for=retry_for)


async def edit_reply(
    bot: ExtBot[int],
    message: Message,
    target: Target,
    reply: Reply,
    tr: Translator,
    *,
    command: str | None = None,
    page: int = 0,
) -> None:
    """Replace `message` with the reply (a button was pressed); overflow goes below it."""
    _check_privacy(reply, target)
    texts = render.pages(reply)
    if not texts:  # a picture alone: it goes below, the message keeps its text
        texts = [message.text_html or "…"]
    page = min(page, len(texts) - 1)
    navigation = _navigation(texts, command, page)
    if navigation is not None or len(texts) == 1:
        await _edit(message, texts[page], _markup(bot, reply, tr, navigation, asker=target.asker))
    else:
        await _edit(message, texts[0], None)
        for index, text in enumerate(texts[1:], start=1):
            last = index == len(texts) - 1
            await send_page(
                bot, target, text, _markup(bot, reply, tr, asker=target.asker) if last else None
            )
    if reply.picture is not None:
        await bot.send_photo(target.chat_id, reply.picture, message_thread_id=target.thread_id)


async def _edit(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    try:
        await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in error.message:  # the same button pressed twice
            raise


def _check_privacy(reply: Reply, target: Target) -> None:
    if reply.private_only and not target.private:
        raise PrivacyError("a private reply addressed to a group chat")


def _markup(
    bot: ExtBot[int],
    reply: Reply,
    tr: Translator,
    navigation: tuple[Button, ...] | None = None,
    app: tuple[str, str] | None = None,
    *,
    asker: int | None = None,
) -> InlineKeyboardMarkup | None:
    """The reply's buttons (under the page buttons), and the deep link a refusal carries,
    signed for its asker (`deeplink`: a link is good for nobody else); None if they cannot
    be built (the reply still goes, without them)."""
    try:
        link = None
        if reply.private_request is not None and asker is not None:
            key = deeplink.key_for(bot.token)
            url = deeplink.link(bot.username, reply.private_request, asker, key, time.time())
            link = (tr("Continue in private"), url)
        rows = [navigation, *reply.buttons] if navigation else list(reply.buttons)
        return render.keyboard(rows, link, app)
    except Exception:  # a committed change is confirmed with or without its buttons
        log.exception("buttons could not be built; the reply goes without them")
        return None


def _about_the_keyboard(error: BadRequest) -> bool:
    message = error.message.lower()
    return any(word in message for word in _KEYBOARD_ERRORS)


def _navigation(texts: list[str], command: str | None, page: int) -> tuple[Button, ...] | None:
    if len(texts) < 2 or command is None or not reads_only(command):
        return None
    return render.page_row(page, len(texts), command)


def _reply_to(target: Target) -> ReplyParameters | None:
    if target.reply_to is None:
        return None
    return ReplyParameters(target.reply_to, allow_sending_without_reply=True)
