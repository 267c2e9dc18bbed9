"""Inline mode: `@bot isolated` offers FAQ answers, `@bot long BTC @62000 x50` a calculator
card with both modes side by side, to send into any chat.

Stateless: nothing is stored and nothing private is read, so results are
cached briefly per user (their language and exchange shape the card).
"""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode

from bot.commands import Caller
from bot.i18n import Translator
from bot.reply import Paragraph, Reply, Title
from bot.telegram import render
from bot.telegram.runtime import IsoContext, Runtime
from bot.views.faq import TOPICS, Topic, matching_topics

__all__ = ["CACHE_SECONDS", "on_inline_query"]

CACHE_SECONDS = 30
_MAX_RESULTS = 10


async def on_inline_query(update: Update, context: IsoContext) -> None:
    """Answer what the user is typing with a calculator card and/or FAQ articles."""
    query = update.inline_query
    if query is None:
        return
    runtime = context.bot_data
    tr = await runtime.translator(query.from_user)
    text = " ".join(query.query.split())
    caller = Caller(query.from_user.id, query.from_user.language_code, private=False)
    results: list[InlineQueryResultArticle] = []
    card = await _calc_card(runtime, caller, text) if text else None
    if card is not None:
        results.append(card)
    topics = matching_topics(text) if text else []
    if not results and not topics:
        topics = list(TOPICS)
    results.extend(_faq_article(tr, topic) for topic in topics)
    await query.answer(results[:_MAX_RESULTS], cache_time=CACHE_SECONDS, is_personal=True)


async def _calc_card(
    runtime: Runtime, caller: Caller, text: str
) -> InlineQueryResultArticle | None:
    line = "/calc " + text.removeprefix("/").removeprefix("calc ").strip()
    reply = await runtime.layer.handle(line, caller)
    if reply.is_error or not reply.blocks:
        return None
    title = reply.blocks[0].text if isinstance(reply.blocks[0], Title) else line
    return _article("calc", title, line, reply)


def _faq_article(tr: Translator, topic: Topic) -> InlineQueryResultArticle:
    title = tr(topic.title)
    reply = Reply((Title(title), *(Paragraph(tr(text)) for text in topic.answer)))
    return _article(f"faq:{topic.key}", title, tr(topic.answer[0])[:100], reply)


def _article(key: str, title: str, description: str, reply: Reply) -> InlineQueryResultArticle:
    content = InputTextMessageContent(render.pages(reply)[0], parse_mode=ParseMode.HTML)
    return InlineQueryResultArticle(
        id=key, title=title, description=description, input_message_content=content
    )
