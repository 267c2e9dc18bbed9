"""What stands around the handlers: the per-user flood throttle and the error handler.

The throttle runs first (handler group -1) and stops a flooding user's updates
before they reach the command layer. The error handler logs the failure with
the update's ids (update, chat, user, /command name) and answers the user with a
short apology, never silence, unless the failure was a reply that may have
arrived (sent, and no answer came back: `faults.Fate.UNKNOWN`): then an apology
would be wrong and a "try again" would apply a change twice, so it is only logged.
What the user typed, their names and their amounts never reach a log line.
"""

from __future__ import annotations

import contextlib
import logging
import re

from telegram import Update
from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.telegram.faults import Fate, fate
from bot.telegram.runtime import IsoContext
from bot.telegram.throttle import Verdict

__all__ = ["on_error", "throttle"]

log = logging.getLogger(__name__)

# Telegram's command syntax: 1-32 letters, digits or underscores, maybe addressed to a bot.
_COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@\w+)?")


async def throttle(update: Update, context: IsoContext) -> None:
    """Let the update through, or drop it (telling the user once) when they flood."""
    user = update.effective_user
    if user is None:
        return
    runtime = context.bot_data
    verdict = runtime.throttle.check(user.id)
    if verdict is Verdict.ALLOW:
        return
    log.info("throttled user=%s", user.id)
    if verdict is Verdict.WARN:
        tr = await runtime.translator(user)
        notice = tr("You are sending faster than I can answer; I will listen again in a moment.")
        if update.callback_query is not None:
            await update.callback_query.answer(notice)
        elif update.effective_chat is not None and update.inline_query is None:
            await context.bot.send_message(
                update.effective_chat.id, notice, message_thread_id=_thread(update)
            )
    raise ApplicationHandlerStop


async def on_error(update: object, context: IsoContext) -> None:
    """Log the error with the ids of its update; apologise to the user in their language."""
    if not isinstance(update, Update):
        log.error("error outside an update", exc_info=context.error)
        return
    if isinstance(context.error, NetworkError) and fate(context.error) is Fate.UNKNOWN:
        # the reply went out and no answer came: it may well have arrived, so no apology
        # ("try again" would make the user apply a change twice) and no re-send
        log.warning("reply may not have arrived: %s", _describe(update))
        return
    if isinstance(context.error, RetryAfter | NetworkError):
        log.error("reply dropped past the delivery deadline: %s", _describe(update))
    log.error("update failed: %s", _describe(update), exc_info=context.error)
    try:
        await _apologise(update, context)
    except TelegramError:
        log.warning("could not apologise for update %s", update.update_id, exc_info=True)


async def _apologise(update: Update, context: IsoContext) -> None:
    tr = await context.bot_data.translator(update.effective_user)
    apology = tr("Sorry, something went wrong on my side. Please try again.")
    chat = update.effective_chat
    if chat is not None and update.inline_query is None:
        await context.bot.send_message(chat.id, apology, message_thread_id=_thread(update))
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):  # it may have been answered already
            await update.callback_query.answer(apology)


def _thread(update: Update) -> int | None:
    """The forum topic the update came from, so that answers stay in it."""
    message = update.effective_message
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id


def _describe(update: Update) -> str:
    """'update=12 chat=7 user=7 command=/long': ids and the command name, no text."""
    chat, user = update.effective_chat, update.effective_user
    return (
        f"update={update.update_id} chat={chat.id if chat else None} "
        f"user={user.id if user else None} command={_command(update)}"
    )


def _command(update: Update) -> str | None:
    """The /command a message starts with (without @bot), or None: never the rest of the text."""
    message = update.effective_message
    text = (message.text or message.caption) if message is not None else None
    if not text:
        return None
    match = _COMMAND.fullmatch(text.split(maxsplit=1)[0])
    return f"/{match.group(1).lower()}" if match else None
