"""Commands typed in any chat (and, in private, any text): through the command layer.

In a group the command layer answers only what is safe there; a portfolio
command gets a short refusal that send.py turns into a deep link to a private
chat. A command addressed to another bot (`/help@OtherBot`) is left alone.
"""

from __future__ import annotations

from telegram import Update

from bot.reply import Reply
from bot.telegram.runtime import IsoContext, caller_of, target_of
from bot.telegram.send import send_reply
from bot.telegram.webapp import app_link

__all__ = ["on_command", "on_other"]


async def on_command(update: Update, context: IsoContext) -> None:
    """Parse -> command layer -> render -> send, for one message or channel post."""
    message = update.effective_message
    if message is None or not message.text or _for_another_bot(message.text, context.bot.username):
        return
    runtime = context.bot_data
    reply = await runtime.layer.handle(message.text, caller_of(update))
    tr = await runtime.translator(update.effective_user)
    app = None if reply.is_error else app_link(runtime.webapp_url, message.text, tr)
    await send_reply(context.bot, target_of(message), reply, tr, command=message.text, app=app)


async def on_other(update: Update, context: IsoContext) -> None:
    """A photo, a sticker, a voice note in a private chat: say what the bot reads."""
    message = update.effective_message
    if message is None:
        return
    tr = await context.bot_data.translator(update.effective_user)
    await send_reply(
        context.bot, target_of(message), Reply.of(tr("I read text only: try /help.")), tr
    )


def _for_another_bot(text: str, username: str) -> bool:
    head = text.split(maxsplit=1)[0]
    if not head.startswith("/") or "@" not in head:
        return False
    return head.split("@", 1)[1].lower() != username.lower()
