"""Issue 14 through the real Application and the fake Bot API: an old button never acts
on another position, and a deep link runs nothing for anyone but its asker."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.telegram import deeplink
from tests.telegram.conftest import GROUP, Harness

pytestmark = pytest.mark.e2e

ALICE, BOB = 31, 32
NOT_YOURS = "That link was made for someone else, or has expired."


def signed(bot: Harness, request: str, user_id: int, now: float | None = None) -> str:
    at = time.time() if now is None else now
    return deeplink.encode(request, user_id, deeplink.key_for(bot.api.token), at)


async def symbols(bot: Harness, user_id: int) -> list[str]:
    stored = await bot.app.bot_data.services.portfolios.active(user_id)
    return [s.position.symbol for s in stored.positions]


async def test_close_under_the_first_added_message_after_a_close_leaves_eth(
    bot: Harness,
) -> None:
    added_btc = (await bot.say(ALICE, "/long BTC 0.5 @ 62000 x10 iso"))[0]
    assert added_btc.text.startswith("Added #1 BTCUSDT")
    await bot.say(ALICE, "/long ETH 3 @ 3100 x20 iso")
    await bot.say(ALICE, "/close 1")  # BTC goes: ETH is #1 now
    assert await symbols(bot, ALICE) == ["ETHUSDT"]

    await bot.press(ALICE, added_btc, "Close")

    assert added_btc.text.startswith("This message is out of date: here is your portfolio now.")
    assert "#1 ETHUSDT long 3" in added_btc.text
    assert await symbols(bot, ALICE) == ["ETHUSDT"]  # the press changed nothing


async def test_the_asker_follows_their_link_from_a_group(bot: Harness) -> None:
    await bot.say(ALICE, "/long BTC 0.5 @ 62000 x10 iso")
    group: dict[str, Any] = {"chat_id": GROUP, "chat_type": "supergroup"}
    refusal = (await bot.say(ALICE, "/reset yes", **group))[0]
    link = refusal.button("Continue in private")["url"]
    payload = parse_qs(urlsplit(link).query)["start"][0]

    offer = (await bot.say(ALICE, f"/start {payload}"))[0]

    # the confirmation word stays behind: the press asks the normal question
    assert offer.text == "You asked in a group for: /reset"
    await bot.press(ALICE, offer, "Run it here")
    assert offer.text.startswith("Delete 1 position and the balance of “main”?")
    assert await symbols(bot, ALICE) == ["BTCUSDT"]
    await bot.press(ALICE, offer, "Yes, delete")
    assert await symbols(bot, ALICE) == []


async def test_someone_elses_link_opens_the_welcome_and_runs_nothing(bot: Harness) -> None:
    await bot.say(BOB, "/long BTC 1 @ 60000 x5 iso")
    links = [signed(bot, "/reset yes", ALICE), signed(bot, "/positions", ALICE)]
    links.append(deeplink.encode("/reset yes", BOB, b"a key the attacker made up", time.time()))
    links.append("cL3Jlc2V0IHllcw")  # '/reset yes' in the unsigned links of old
    links.append(signed(bot, "/reset yes", BOB, time.time() - 2 * deeplink.LIFETIME))  # expired
    ran = 0
    for payload in links:
        answer = (await bot.say(BOB, f"/start {payload}"))[0]
        assert answer.text.startswith(NOT_YOURS + "\n\nWelcome to IsoCross"), payload
        assert "you asked" not in answer.text.lower()
        assert [b["callback_data"] for b in answer.buttons()] == [
            "/calc long BTC @ 62000 x20",
            "/new",
            "/faq",
        ]
        ran += "BTCUSDT" in answer.text
    assert ran == 0  # links run for someone else
    assert await symbols(bot, BOB) == ["BTCUSDT"]


async def test_a_link_read_only_request_runs_for_its_asker_only(bot: Harness) -> None:
    await bot.say(ALICE, "/long BTC 0.5 @ 62000 x10 iso")
    payload = signed(bot, "/positions", ALICE)

    mine = (await bot.say(ALICE, f"/start {payload}"))[0]
    theirs = (await bot.say(BOB, f"/start {payload}"))[0]

    assert "#1 BTCUSDT long 0.5" in mine.text
    assert "BTCUSDT" not in theirs.text
    assert theirs.text.startswith(NOT_YOURS)
