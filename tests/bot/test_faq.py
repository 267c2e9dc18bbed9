"""/faq through the command layer: a menu, every topic, found by the words people type,
and safe in groups."""

from __future__ import annotations

import pytest

from bot.commands import CommandLayer
from bot.views.faq import TOPICS, find_topic, matching_topics
from engine import advice
from tests.bot.conftest import Chat


async def test_faq_without_a_topic_is_a_menu_of_every_topic(chat: Chat) -> None:
    reply = await chat.send("/faq")
    assert reply.plain_text() == "Questions about margin\n\nPick a topic:"
    actions = [button.action for row in reply.buttons for button in row]
    assert actions == [f"/faq {topic.key}" for topic in TOPICS]


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.key)
async def test_every_topic_answers_in_a_group_too(layer: CommandLayer, topic: object) -> None:
    group = Chat(layer, private=False)
    reply = await group.send(f"/faq {topic.key}")  # type: ignore[attr-defined]
    assert not reply.is_error and not reply.private_only
    assert reply.plain_text().startswith(topic.title)  # type: ignore[attr-defined]
    assert len(reply.blocks) == 4  # a title and three short paragraphs
    assert reply.buttons[0][0].action == "/faq"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("iso", "isolated"),
        ("liq", "liquidation"),
        ("margin ratio", "ratio"),
        ("tiers", "maintenance"),
        ("hedgign", "hedging"),  # a typo
        ("ADD MARGIN", "addmargin"),
        ("100x", "leverage"),
    ],
)
def test_topics_are_found_by_the_words_people_type(typed: str, key: str) -> None:
    found = find_topic(typed)
    assert found is not None and found.key == key


def test_an_unknown_topic_finds_nothing_and_gets_the_menu() -> None:
    assert find_topic("weather") is None
    assert matching_topics("long btc @ 62000") == []
    assert [t.key for t in matching_topics("Cross or isolated?")] == ["choose", "isolated", "cross"]
    assert [t.key for t in matching_topics("what's a margin-ratio")] == ["ratio"]


async def test_an_unknown_topic_is_a_polite_error_with_the_menu(chat: Chat) -> None:
    reply = await chat.send("/faq weather")
    assert reply.is_error
    assert reply.plain_text() == (
        "I have no answer about “weather”. Pick a topic:\n\n"
        "Syntax: /faq [TOPIC]\n\n"
        "Example: /faq isolated · /faq liquidation"
    )  # an error ends with its command's syntax, as every refusal does
    assert len([b for row in reply.buttons for b in row]) == len(TOPICS)


def test_every_faq_topic_the_advice_links_to_exists() -> None:
    linked = {"isolated", "cross", "choose", *advice._TOPICS.values()}
    assert linked <= {topic.key for topic in TOPICS}
