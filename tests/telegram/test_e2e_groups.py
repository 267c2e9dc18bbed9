"""Groups, topics and inline mode end to end: nothing private ever reaches a shared chat."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.telegram import deeplink
from tests.telegram.conftest import GROUP, Harness

pytestmark = pytest.mark.e2e

ALICE, BOB = 21, 22


def signed(request: str, user_id: int, bot: Harness, now: float | None = None) -> str:
    """The payload the bot would put in a group reply to `user_id`."""
    at = time.time() if now is None else now
    return deeplink.encode(request, user_id, deeplink.key_for(bot.api.token), at)


async def test_portfolio_commands_in_a_group_show_nothing_and_link_to_a_private_chat(
    bot: Harness,
) -> None:
    await bot.say(ALICE, "/balance 7777")
    await bot.say(ALICE, "/long BTC 0.5 @ 62000 x10 iso")
    group: dict[str, Any] = {"chat_id": GROUP, "chat_type": "supergroup"}

    asked = [
        "/positions",
        "/balance",
        "/risk@IsoCrossTestBot",
        "/compare",
        "/whatif all -10%",
        "/long ETH 1 @ 3000 x5",
    ]
    for text in asked:
        answer = (await bot.say(ALICE, text, **group))[0]
        command = text.split()[0].split("@")[0]
        assert answer.text == f"Portfolios stay private: open a chat with me to use {command}."
        link = answer.button("Continue in private")["url"]
        assert link.startswith("https://t.me/IsoCrossTestBot?start=")
        payload = parse_qs(urlsplit(link).query)["start"][0]
        found = deeplink.decode(payload, deeplink.key_for(bot.api.token))
        assert found is not None and found.user_id == ALICE
        assert found.request == text.replace("@IsoCrossTestBot", "")
    shown = "\n".join(bot.api.texts(GROUP))
    for private in ("7,777", "62,000", "56,024", "BTCUSDT", "ETHUSDT"):
        assert private not in shown

    new = (await bot.say(ALICE, "/new@IsoCrossTestBot", **group))[0]
    assert new.text == "Positions are added in a private chat, step by step."
    new_link = parse_qs(urlsplit(new.button("Continue in private")["url"]).query)["start"][0]
    new_found = deeplink.decode(new_link, deeplink.key_for(bot.api.token))
    assert new_found is not None and new_found.request == "/new"

    # The link opens the private chat: a request that only shows runs at once...
    payload = signed("/positions", ALICE, bot)
    listing = (await bot.say(ALICE, f"/start {payload}"))[0]
    assert "#1 BTCUSDT long 0.5" in listing.text
    assert "ETHUSDT" not in listing.text  # the /long asked in the group changed nothing
    # ...one that changes the portfolio waits for the owner's press.
    offer = (await bot.say(ALICE, f"/start {signed('/long ETH 1 @ 3000 x5', ALICE, bot)}"))[0]
    assert offer.text == "You asked in a group for: /long ETH 1 @ 3000 x5"
    await bot.press(ALICE, offer, "Run it here")
    assert offer.text.startswith("Added #2 ETHUSDT long 1 @ 3,000.00 ×5")
    # /new asked in the group starts the step-by-step flow once pressed in private.
    offer = (await bot.say(ALICE, f"/start {new_link}"))[0]
    await bot.press(ALICE, offer, "Run it here")
    assert offer.text.startswith("Step 1 of 6")


async def test_faq_in_a_forum_topic_answers_in_the_topic_and_only_the_asker_turns_pages(
    bot: Harness,
) -> None:
    where: dict[str, Any] = {"chat_id": GROUP, "chat_type": "supergroup", "thread_id": 77}
    menu = (await bot.say(ALICE, "/faq@IsoCrossTestBot", **where))[0]
    assert menu.thread_id == 77
    assert menu.json["reply_to_message"]["from"]["id"] == ALICE
    assert menu.text.startswith("Questions about margin")

    await bot.press(BOB, menu, "Liquidation")  # someone else's menu
    assert menu.edits == 0
    refusals = [c.params.get("text") for c in bot.api.calls_to("answerCallbackQuery")]
    assert refusals[-1] == "This menu answers someone else: send the command yourself."

    await bot.press(ALICE, menu, "Liquidation")
    assert menu.edits == 1
    assert menu.text.startswith("Liquidation\n\nThe exchange closes a position")

    calc = (await bot.say(BOB, "/calc short ETH @ 3100 x20 2", **where))[0]
    assert calc.thread_id == 77 and "Liquidation price" in calc.text
    assert "<pre>" in calc.html

    before = len(bot.api.sent(GROUP))
    await bot.say(BOB, "/help", **where)
    bot.api.message(BOB, "/help@SomeOtherBot", **where)
    await bot.say(BOB, "/faq hedging", **where)
    texts = bot.api.texts(GROUP)[before:]
    assert len(texts) == 2 and texts[1].startswith("Hedging")


async def test_a_forged_button_in_a_group_cannot_reach_a_portfolio(bot: Harness) -> None:
    await bot.say(ALICE, "/balance 5000")
    menu = (await bot.say(ALICE, "/faq", chat_id=GROUP, chat_type="group"))[0]
    bot.api.press(ALICE, menu, "/balance")  # a modified client sends its own data
    await bot.api.wait_for(lambda: menu.edits == 1)
    assert menu.text == "Portfolios stay private: open a chat with me to use /balance."
    assert "5,000" not in "\n".join(bot.api.texts(GROUP))


async def test_inline_mode_offers_faq_articles_and_a_calculator_card(bot: Harness) -> None:
    bot.api.inline(ALICE, "isolated")
    bot.api.inline(BOB, "long BTC @62000 x50")
    await bot.api.wait_for(lambda: len(bot.api.calls_to("answerInlineQuery")) == 2)
    by_query = {
        c.params["inline_query_id"]: c.params for c in bot.api.calls_to("answerInlineQuery")
    }
    faq, card = by_query["iq1"], by_query["iq2"]

    assert [r["id"] for r in faq["results"]] == ["faq:isolated"]
    assert faq["results"][0]["title"] == "Isolated margin"
    assert int(faq["cache_time"]) <= 60 and faq["is_personal"] in (True, "True", "true")

    ids = [r["id"] for r in card["results"]]
    assert ids == ["calc", "faq:leverage"]
    content = card["results"][0]["input_message_content"]
    assert content["parse_mode"] == "HTML"
    # x50 isolated long on 1 BTC: both modes side by side in one table
    assert "<pre>" in content["message_text"]
    assert "isolated" in content["message_text"] and "cross" in content["message_text"]
    assert card["results"][0]["title"] == "long 1 BTCUSDT @ 62,000.00 ×50"


async def test_a_channel_gets_faq_answers_and_no_portfolio(bot: Harness) -> None:
    channel = -1009876543210
    bot.api.channel_post(channel, "/faq@IsoCrossTestBot liquidation")
    await bot.api.wait_for(lambda: bot.api.texts(channel))
    bot.api.channel_post(channel, "/positions")
    await bot.api.wait_for(lambda: len(bot.api.texts(channel)) == 2)
    answer, refusal = bot.api.sent(channel)
    assert answer.text.startswith("Liquidation")
    assert refusal.text == "Portfolios stay private: open a chat with me to use /positions."
    # a channel post has no asker to bind a link to (issue 14): no link anyone could follow
    assert refusal.buttons() == []
