"""Buttons that answer below the message pressed: an alert's fixes, Details and snooze.

An alert must stay readable after any press, so its buttons (`Button.below`,
callback data marked `render.BELOW_PREFIX`) never edit it: the answer is a new
message. A fix opens its preview there (Confirm runs the change); once the
change is confirmed the alert keeps its text and gains a line "Fix applied at
14:02". Details reads the alert back from the outbox and sends its breakdown.
"""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from telegram import Message, Update

from bot.alerts.alert_text import DETAILS_PREFIX, alert_details
from bot.alerts.messages import AlertMessage, UnreadableMessage, read
from bot.i18n import Translator
from bot.reply import Reply
from bot.telegram.runtime import IsoContext, caller_of, target_of
from bot.telegram.send import send_reply

__all__ = ["answer_below", "confirmed"]


async def answer_below(
    update: Update, context: IsoContext, message: Message, data: str, tr: Translator
) -> Reply | None:
    """Answer a below-button with a new message; the reply sent (None: nothing was)."""
    runtime = context.bot_data
    user_id = caller_of(update).user_id
    if data.startswith(DETAILS_PREFIX):
        reply = await _details(context, user_id, data.removeprefix(DETAILS_PREFIX), tr)
        if reply is None:
            return None
        await send_reply(context.bot, target_of(message), reply, tr)
        return reply
    reply = await runtime.layer.handle(data, caller_of(update))
    await send_reply(context.bot, target_of(message), reply, tr, command=data)
    if reply.confirm is not None and not reply.is_error:
        runtime.fixes[user_id] = (message, reply.confirm)  # the alert a confirm will note
    return reply


async def _details(context: IsoContext, user_id: int, number: str, tr: Translator) -> Reply | None:
    """The alert's breakdown as it was composed; None when it is not the user's alert."""
    services = context.bot_data.services
    if not number.isdigit():
        return None
    stored = await services.alerts.message(user_id, int(number))
    if stored is None:
        return None
    try:
        content = read(stored.payload)
    except UnreadableMessage:
        return None
    if not isinstance(content, AlertMessage):
        return None
    return alert_details(tr, content, services.clock())


async def confirmed(
    update: Update, context: IsoContext, command: str, reply: Reply, tr: Translator
) -> None:
    """After a press ran `command`: if it confirmed a fix opened from an alert, note on
    the alert (its text kept, its buttons kept) when the fix was applied."""
    runtime = context.bot_data
    user_id = caller_of(update).user_id
    pending = runtime.fixes.get(user_id)
    if pending is None or pending[1] != command or reply.is_error:
        return
    alert, _ = runtime.fixes.pop(user_id)
    user = await runtime.services.users.get(user_id)
    at = runtime.services.clock().astimezone(ZoneInfo(user.timezone)).strftime("%H:%M")
    note = html.escape(tr("Fix applied at {time}.", time=at))
    text = f"{alert.text_html}\n\n<i>{note}</i>"
    await alert.edit_text(text, parse_mode="HTML", reply_markup=alert.reply_markup)
