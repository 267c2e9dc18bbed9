"""/new: a position added step by step (symbol, side, size, entry, leverage, mode).

A beginner answers one question at a time, with buttons where the choice is
finite; /cancel stops at any step. The last answer turns the draft into the
one-line command (/long BTCUSDT 0.5 @ 62000 x10 isolated), which runs through
the command layer like typed text and is shown, so next time it can be typed.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from telegram import Chat, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.i18n import N_, Translator
from bot.parsing.numbers import NumberFormat, join_groups, localize
from bot.parsing.position import MODES, SIDES
from bot.parsing.tokens import amount, leverage
from bot.reply import Button, Paragraph, Reply
from bot.telegram.runtime import IsoContext, caller_of, target_of
from bot.telegram.send import edit_reply, send_reply
from bot.views.lines import plain
from engine.errors import InvalidInput
from engine.symbols import canonical_symbol

__all__ = ["new_position_flow"]

DATA_PREFIX = "new:"  # callback data "new:<step>:<value>"
TIMEOUT_SECONDS = 15 * 60


def _symbol(text: str, _: NumberFormat) -> str | None:
    try:
        return canonical_symbol(text) if text.replace("/", "").replace("-", "").isalnum() else None
    except InvalidInput:
        return None


def _side(text: str, _: NumberFormat) -> str | None:
    return text.lower() if text.lower() in SIDES else None


def _mode(text: str, _: NumberFormat) -> str | None:
    return MODES[text.lower()].value if text.lower() in MODES else None


def _number(text: str, numbers: NumberFormat) -> tuple[str, Decimal | None]:
    """One answer in the user's locale ('5 000', '1,5') -> the word for the final line, which
    is read in the same locale ('5000', '1,5'), and its value."""
    words = join_groups(text.split(), numbers)
    if len(words) != 1:
        return text, None
    return words[0], amount(localize(words[0].lower(), numbers))


def _size(text: str, numbers: NumberFormat) -> str | None:
    word, value = _number(text.removeprefix("$"), numbers)
    return text[: text.startswith("$")] + word if value is not None and value > 0 else None


def _price(text: str, numbers: NumberFormat) -> str | None:
    word, value = _number(text, numbers)
    return word if value is not None and value > 0 else None


def _leverage(text: str, numbers: NumberFormat) -> str | None:
    word = localize(text.lower(), numbers)
    value = leverage(word) or amount(word)
    return f"x{plain(value)}" if value is not None and 1 <= value <= 200 else None


@dataclass(frozen=True)
class Step:
    prompt: str  # N_() message
    invalid: str  # N_() message for an answer that cannot be used
    read: Callable[[str, NumberFormat], str | None]  # an answer -> its word in the line
    choices: tuple[tuple[str, str], ...] = ()  # (label, value); labels are N_() or literal


STEPS = (
    Step(
        N_("Step 1 of 6: which market? Pick one or type a symbol such as BTC."),
        N_("That is not a market symbol. Type one such as BTC or ETH, or /cancel."),
        _symbol,
        (("BTC", "BTCUSDT"), ("ETH", "ETHUSDT"), ("SOL", "SOLUSDT")),
    ),
    Step(
        N_("Step 2 of 6: long (you gain when the price rises) or short?"),
        N_("Pick long or short, or /cancel."),
        _side,
        ((N_("long"), "long"), (N_("short"), "short")),
    ),
    Step(
        N_("Step 3 of 6: how big? Type a size in coins (0.5) or in USDT ($5000)."),
        N_("Type a size such as 0.5 or $5000, or /cancel."),
        _size,
    ),
    Step(
        N_("Step 4 of 6: at what entry price? For example 62000 or 62k."),
        N_("Type the entry price, such as 62000 or 62k, or /cancel."),
        _price,
    ),
    Step(
        N_("Step 5 of 6: which leverage? Pick one or type it, such as 15."),
        N_("Type a leverage from 1 to 200, such as 10 or 10x, or /cancel."),
        _leverage,
        (("5x", "5"), ("10x", "10"), ("20x", "20"), ("50x", "50")),
    ),
    Step(
        N_(
            "Step 6 of 6: isolated (this position risks only its own margin) or cross "
            "(the whole wallet backs it)?"
        ),
        N_("Pick isolated or cross, or /cancel."),
        _mode,
        ((N_("isolated"), "isolated"), (N_("cross"), "cross")),
    ),
)


def _question(tr: Translator, index: int) -> Reply:
    step = STEPS[index]
    buttons = tuple(
        Button(tr(label), f"{DATA_PREFIX}{index}:{value}") for label, value in step.choices
    )
    return Reply((Paragraph(tr(step.prompt)),), buttons=(buttons,) if buttons else ())


async def _show(update: Update, context: IsoContext, reply: Reply) -> None:
    """Edit the question in place after a press; send a new one after typed text."""
    message = update.effective_message
    if message is None:
        return
    tr = await context.bot_data.translator(update.effective_user)
    query = update.callback_query
    if query is not None:
        await edit_reply(context.bot, message, target_of(message), reply, tr)
        await query.answer()
    else:
        await send_reply(context.bot, target_of(message), reply, tr)


async def start(update: Update, context: IsoContext) -> int:
    """Begin a draft (from /new or from the welcome's button), in private chats only."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None or chat.type != Chat.PRIVATE:
        if update.callback_query is not None:
            await update.callback_query.answer()
        return ConversationHandler.END
    context.bot_data.drafts[user.id] = []
    tr = await context.bot_data.translator(user)
    await _show(update, context, _question(tr, 0))
    return 0


def _answer(index: int) -> Callable[[Update, IsoContext], Coroutine[Any, Any, int]]:
    async def answer(update: Update, context: IsoContext) -> int:
        """Take the answer to step `index`; ask again, ask the next, or finish."""
        user = update.effective_user
        if user is None:
            return index
        tr = await context.bot_data.translator(user)
        value = STEPS[index].read(_typed_or_pressed(update).strip(), tr.numbers)
        if value is None:
            await _show(update, context, Reply((Paragraph(tr(STEPS[index].invalid)),)))
            return index
        draft = context.bot_data.drafts.setdefault(user.id, [])
        del draft[index:]
        draft.append(value)
        if index + 1 < len(STEPS):
            await _show(update, context, _question(tr, index + 1))
            return index + 1
        context.bot_data.drafts.pop(user.id, None)
        await _finish(update, context, draft, tr)
        return ConversationHandler.END

    return answer


def _typed_or_pressed(update: Update) -> str:
    if update.callback_query is not None:
        return (update.callback_query.data or "").split(":", 2)[-1]
    message = update.effective_message
    return (message.text or "") if message is not None else ""


async def _finish(update: Update, context: IsoContext, draft: list[str], tr: Translator) -> None:
    symbol, side, size, entry, lev, mode = draft
    line = f"/{side} {symbol} {size} @ {entry} {lev} {mode}"
    reply = await context.bot_data.layer.handle(line, caller_of(update))
    hint = Paragraph(tr("Next time, type it in one line: {line}", line=line))
    await _show(update, context, dataclasses.replace(reply, blocks=(*reply.blocks, hint)))


async def cancel(update: Update, context: IsoContext) -> int:
    """Drop the draft; nothing was saved."""
    user = update.effective_user
    if user is not None:
        context.bot_data.drafts.pop(user.id, None)
    tr = await context.bot_data.translator(user)
    await _show(update, context, Reply.of(tr("Cancelled: nothing was saved. /new starts again.")))
    return ConversationHandler.END


async def nothing_to_cancel(update: Update, context: IsoContext) -> None:
    """/cancel outside the flow."""
    tr = await context.bot_data.translator(update.effective_user)
    await _show(update, context, Reply.of(tr("There is nothing to cancel.")))


async def in_a_group(update: Update, context: IsoContext) -> None:
    """/new in a group: positions are private, so offer the private chat."""
    tr = await context.bot_data.translator(update.effective_user)
    text = tr("Positions are added in a private chat, step by step.")
    await _show(update, context, Reply((Paragraph(text),), private_request="/new"))


async def timed_out(update: Update, context: IsoContext) -> None:
    """The draft waited too long: forget it quietly."""
    if update.effective_user is not None:
        context.bot_data.drafts.pop(update.effective_user.id, None)


def new_position_flow() -> list[BaseHandler[Update, IsoContext, object]]:
    """The /new conversation, and /cancel for when no conversation is going on."""
    states: dict[object, list[BaseHandler[Update, IsoContext, object]]] = {
        index: [
            MessageHandler(filters.TEXT & ~filters.COMMAND, _answer(index)),
            CallbackQueryHandler(_answer(index), pattern=f"^{DATA_PREFIX}{index}:"),
        ]
        for index in range(len(STEPS))
    }
    states[ConversationHandler.TIMEOUT] = [TypeHandler(Update, timed_out)]
    with warnings.catch_warnings():
        # PTB warns that callback queries are tracked per chat, not per message: intended,
        # a user has one draft at a time.
        warnings.simplefilter("ignore", PTBUserWarning)
        conversation: ConversationHandler[IsoContext] = ConversationHandler(
            entry_points=[
                CommandHandler("new", start, filters.ChatType.PRIVATE),
                CallbackQueryHandler(start, pattern="^/new$"),
            ],
            states=states,
            fallbacks=[CommandHandler("cancel", cancel)],
            conversation_timeout=TIMEOUT_SECONDS,
            allow_reentry=True,
        )
    return [
        conversation,
        CommandHandler("cancel", nothing_to_cancel),
        CommandHandler("new", in_a_group, ~filters.ChatType.PRIVATE),
    ]
