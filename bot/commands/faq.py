"""/faq: a topic menu, and one topic's answer with a way back to the menu."""

from __future__ import annotations

from bot.commands.command import ANYWHERE, Feature, Menu, always
from bot.commands.context import Context
from bot.i18n import N_, Translator
from bot.parsing import simple
from bot.parsing.intents import Faq
from bot.reply import Block, Button, Paragraph, Reply, Title
from bot.views.faq import TOPICS, Topic, find_topic

__all__ = ["answer", "commands", "menu_buttons", "topic_reply"]


commands = Feature()


@commands.command(
    "faq",
    simple.faq,
    aliases=("guide", "learn"),
    places=ANYWHERE,
    reads_only=always,
    menu=Menu(group=1),  # what a group asks most
).help(
    ("/faq [TOPIC]", "/faq isolated · /faq liquidation"),
    N_("Short answers about isolated and cross margin, liquidation and leverage."),
)
async def answer(ctx: Context, intent: Faq) -> Reply:
    tr = ctx.tr
    if intent.topic is None:
        return Reply(
            (Title(tr("Questions about margin")), Paragraph(tr("Pick a topic:"))),
            buttons=menu_buttons(tr),
        )
    topic = find_topic(intent.topic)
    if topic is None:
        return Reply(
            (Paragraph(tr("I have no answer about “{topic}”. Pick a topic:", topic=intent.topic)),),
            buttons=menu_buttons(tr),
            is_error=True,
        )
    return topic_reply(tr, topic)


def topic_reply(tr: Translator, topic: Topic) -> Reply:
    """One answer: its title, its paragraphs, and a button back to the menu."""
    blocks: tuple[Block, ...] = (
        Title(tr(topic.title)),
        *(Paragraph(tr(text)) for text in topic.answer),
    )
    return Reply(blocks, buttons=((Button(tr("More questions"), "/faq"),),))


def menu_buttons(tr: Translator) -> tuple[tuple[Button, ...], ...]:
    """Every topic, two to a row."""
    buttons = [Button(tr(topic.title), f"/faq {topic.key}") for topic in TOPICS]
    return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
