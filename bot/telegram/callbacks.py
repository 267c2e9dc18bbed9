"""Button presses: the button's command line runs for the user who pressed it, and the
message is edited in place (an alert's buttons answer below it instead: `below`).

Callback data comes from the client and is checked like typed text: it must be
a command line (or a page of one), it runs through the command layer as the
presser, and in a group only the person the message answered may press its
buttons: nobody acts on, or rewrites, what someone else asked for.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import CallbackQuery, Chat, Message, Update

from bot.commands import reads_only
from bot.i18n import Translator
from bot.telegram import render
from bot.telegram.below import answer_below, confirmed
from bot.telegram.runtime import IsoContext, caller_of, target_of
from bot.telegram.send import edit_reply

__all__ = ["on_button"]


async def on_button(update: Update, context: IsoContext) -> None:
    """Run the pressed button's action and show its answer in place of the message."""
    query = update.callback_query
    if query is None:
        return
    runtime = context.bot_data
    tr = await runtime.translator(query.from_user)
    message = query.message
    data = query.data or ""
    if isinstance(message, Message) and data.startswith(render.BELOW_PREFIX):
        if not _may_press(query, message):
            await query.answer(tr("This menu answers someone else: send the command yourself."))
            return
        answered = await answer_below(update, context, message, data[1:], tr)
        if answered is None:
            await query.answer(tr("That button no longer works."))
        else:
            await query.answer(_toast(tr, answered.is_error))
        return
    if not isinstance(message, Message) or not (data.startswith("/") or render.parse_page(data)):
        await query.answer(tr("That button no longer works."))
        return
    if not _may_press(query, message):
        await query.answer(tr("This menu answers someone else: send the command yourself."))
        return
    page = render.parse_page(data)
    command, index = (page[1], page[0]) if page else (data, 0)
    if page and not reads_only(command):  # pages re-run their command: only a harmless one
        await query.answer(tr("That button no longer works."))
        return
    reply = await runtime.layer.handle(command, caller_of(update))
    target = replace(target_of(message), asker=query.from_user.id)  # a link is the presser's
    await edit_reply(context.bot, message, target, reply, tr, command=command, page=index)
    await confirmed(update, context, command, reply, tr)
    await query.answer(_toast(tr, reply.is_error))


def _may_press(query: CallbackQuery, message: Message) -> bool:
    """In private chats the chat is the presser's; in groups, the asker's message decides."""
    if message.chat.type == Chat.PRIVATE:
        return message.chat.id == query.from_user.id
    asked = message.reply_to_message
    return asked is None or asked.from_user is None or asked.from_user.id == query.from_user.id


def _toast(tr: Translator, is_error: bool) -> str | None:
    return tr("That did not work: see the message.") if is_error else None
