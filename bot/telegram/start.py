"""/start: a short welcome with three things to try, or a request carried from a group.

A deep link from a group arrives as `/start <payload>`, signed for the user who asked
(`deeplink`). For that user, before it expires, a request that only shows something
runs at once; one that changes the portfolio waits for a press, and any confirmation
word it carried is dropped, so the command's own question says what it will do. For
anyone else, an expired link or one not ours: the welcome, and nothing runs.
"""

from __future__ import annotations

import time

from telegram import Update

from bot.commands import reads_only
from bot.i18n import Translator
from bot.reply import Button, Paragraph, Reply, Title
from bot.telegram import deeplink
from bot.telegram.runtime import IsoContext, caller_of, target_of
from bot.telegram.send import send_reply

__all__ = ["on_start", "welcome"]

# the words that answer a command's question (bot/parsing: "/reset yes", "… confirm")
_CONFIRMATIONS = frozenset({"yes", "y", "confirm", "ok", "sure"})


async def on_start(update: Update, context: IsoContext) -> None:
    """Welcome the user, or continue what they asked for in a group."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    runtime = context.bot_data
    tr = await runtime.translator(user)
    found = None
    if context.args:
        found = deeplink.decode(context.args[0], deeplink.key_for(context.bot.token))
    request = found.request if found is not None else None
    if found is None or not found.for_user(user.id, time.time()):
        reply = welcome(tr, not_yours=bool(context.args))
        request = None
    elif reads_only(found.request):
        reply = await runtime.layer.handle(found.request, caller_of(update))
    else:
        reply = _offer(tr, _unconfirmed(found.request))
    await send_reply(context.bot, target_of(message), reply, tr, command=request)


def _offer(tr: Translator, request: str) -> Reply:
    """The asker's own request, shown as it will run: one press, never by itself."""
    return Reply(
        (Paragraph(tr("You asked in a group for: {request}", request=request)),),
        buttons=((Button(tr("Run it here"), request),),),
    )


def _unconfirmed(request: str) -> str:
    """'/reset yes' -> '/reset': a link never carries the answer to a command's question."""
    words = request.split()
    while len(words) > 1 and words[-1].lower() in _CONFIRMATIONS:
        words.pop()
    return " ".join(words)


def welcome(tr: Translator, not_yours: bool = False) -> Reply:
    """The welcome; after a link that is not the user's (or expired), a line saying so."""
    note = (
        (Paragraph(tr("That link was made for someone else, or has expired.")),)
        if not_yours
        else ()
    )
    return Reply(
        (
            *note,
            Title(tr("Welcome to IsoCross")),
            Paragraph(
                tr(
                    "I show what your exchange would show for a futures position: margin, "
                    "liquidation price and margin ratio, in isolated and in cross mode side "
                    "by side."
                )
            ),
            Paragraph(
                "\n".join(
                    (
                        tr("Three things to try:"),
                        tr("1. /calc long BTC @ 62000 x20 — a quick calculation in both modes"),
                        tr("2. /new — add your first position step by step"),
                        tr("3. /faq — isolated or cross? Short answers"),
                    )
                )
            ),
        ),
        buttons=(
            (Button(tr("Try /calc"), "/calc long BTC @ 62000 x20"),),
            (Button(tr("Add a position"), "/new"), Button(tr("Read the FAQ"), "/faq")),
        ),
    )
