"""/start: a short welcome with three things to try, or a request carried from a group.

A deep link from a group arrives as `/start <payload>`. A request that only
shows something runs at once; one that changes the portfolio waits for a
press, so a link someone else posted cannot change yours by itself.
"""

from __future__ import annotations

from telegram import Update

from bot.commands import reads_only
from bot.i18n import Translator
from bot.reply import Button, Paragraph, Reply, Title
from bot.telegram import deeplink
from bot.telegram.runtime import IsoContext, caller_of, target_of
from bot.telegram.send import send_reply

__all__ = ["on_start", "welcome"]


async def on_start(update: Update, context: IsoContext) -> None:
    """Welcome the user, or continue what they asked for in a group."""
    message = update.effective_message
    if message is None:
        return
    runtime = context.bot_data
    tr = await runtime.translator(update.effective_user)
    request = deeplink.decode(context.args[0]) if context.args else None
    if request is None:
        reply = welcome(tr)
    elif reads_only(request):
        reply = await runtime.layer.handle(request, caller_of(update))
    else:
        reply = Reply(
            (Paragraph(tr("You asked in a group for: {request}", request=request)),),
            buttons=((Button(tr("Run it here"), request),),),
        )
    await send_reply(context.bot, target_of(message), reply, tr, command=request)


def welcome(tr: Translator) -> Reply:
    return Reply(
        (
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
