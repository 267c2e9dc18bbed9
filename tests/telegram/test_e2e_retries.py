"""Retries that lose nothing, duplicate nothing and stall nobody, on the real application
against the fake Bot API: 429 storms, connections dropped after Telegram accepted, slow
chats, and updates confirmed to Telegram only once handled."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import build_application, running
from bot.telegram.limiter import Limiter
from tests.fakes.bot_api import FakeBotAPI
from tests.telegram.conftest import Harness, settings_for

pytestmark = pytest.mark.e2e

APOLOGY = "Sorry, something went wrong on my side. Please try again."


async def test_forty_429s_in_a_row_lose_no_reply_and_repeat_none(bot: Harness) -> None:
    # The storm, with retry_after 0.05 s instead of 1 s to keep it fast: the old
    # limiter gave up after 3 retries and lost 4 of 12 replies (and the apologies too).
    bot.api.fail("sendMessage", 429, retry_after=0.05, times=40)
    users = range(300, 312)
    for user in users:
        bot.api.message(user, "/faq ratio")
    await bot.api.wait_for(lambda: all(bot.api.sent(u) for u in users), timeout=20)
    await asyncio.sleep(0.2)  # nothing more is on its way
    for user in users:
        assert [t[:12] for t in bot.api.texts(user)] == ["Margin ratio"]
    refused = [c for c in bot.api.calls_to("sendMessage") if c.status == 429]
    assert len(refused) == 40


async def test_a_reply_whose_answer_was_lost_is_neither_repeated_nor_apologised_for(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    # Telegram shows the reply and the connection drops: the user sees the reply once,
    # no "please try again", so /margin is not applied twice by a retry of theirs.
    await bot.say(71, "/balance 1000")
    bot.api.drop_after_accepting("sendMessage")
    with caplog.at_level(logging.WARNING, logger="bot.telegram.guard"):
        typed = bot.api.message(71, "/balance 2500")
        await bot.api.wait_for(lambda: len(bot.api.sent(71)) == 2)
        await asyncio.sleep(0.5)  # no re-send, no apology after it
    texts = bot.api.texts(71)
    assert len(texts) == 2 and APOLOGY not in texts
    assert "2,500" in texts[1]
    assert [r.getMessage() for r in caplog.records if r.name == "bot.telegram.guard"] == [
        f"reply may not have arrived: update={typed.update_id} chat=71 user=71 command=/balance"
    ]
    assert (await bot.say(71, "/balance"))[0].text == "Wallet balance: 2,500.00 USDT"


async def test_a_reply_that_surely_failed_gets_the_apology(bot: Harness) -> None:
    # Telegram answered 400: nothing was shown, so the user is told.
    bot.api.fail("sendMessage", 400, description="Bad Request: injected", chat_id=72)
    assert [m.text for m in await bot.say(72, "/faq cross")] == [APOLOGY]


async def test_a_429_for_one_chat_and_a_slow_chat_delay_only_those_users(bot: Harness) -> None:
    bot.api.fail("sendMessage", 429, retry_after=3, chat_id=81)  # held 3 s: chat 81 alone
    bot.api.message(82, "/start")  # the fake knows chat 82 once its user wrote
    await bot.api.wait_for(lambda: bot.api.sent(82))
    bot.api.slow_chat(82, 3.0)  # every send to 82 takes 3 s
    started = time.monotonic()
    bot.api.message(81, "/faq ratio")
    for _ in range(3):  # user 82 queues several updates: they hold one slot, not all
        bot.api.message(82, "/faq cross")
    await asyncio.sleep(0.2)  # both are stuck now
    delays = []
    for user in range(83, 91):
        asked = time.monotonic()
        await bot.say(user, "/faq isolated")
        delays.append(time.monotonic() - asked)
    assert max(delays) < 0.5, delays  # measured with retry_after 10: 0.01 to 0.07 s
    await bot.api.wait_for(lambda: bot.api.sent(81), timeout=10)
    assert time.monotonic() - started >= 3.0  # 81's retry_after was waited out in full
    assert [t[:12] for t in bot.api.texts(81)] == ["Margin ratio"]


async def test_an_update_is_confirmed_to_telegram_only_once_it_is_handled(bot: Harness) -> None:
    # The bot polls again while a reply is still on its way (a slow chat): the update must
    # stay at Telegram until then, so that a kill -9 now would get it again on restart.
    bot.api.message(91, "/start")
    await bot.api.wait_for(lambda: bot.api.sent(91))
    bot.api.slow_chat(91, 1.5)
    polls = len(bot.api.calls_to("getUpdates"))
    bot.api.message(91, "/faq ratio")
    await bot.api.wait_for(lambda: len(bot.api.calls_to("getUpdates")) >= polls + 3)
    assert bot.api.pending_updates() == 1  # polled again and again, not confirmed
    await bot.api.wait_for(lambda: len(bot.api.sent(91)) == 2, timeout=5)
    await bot.api.wait_for(lambda: bot.api.pending_updates() == 0, timeout=3)
    assert len(bot.api.sent(91)) == 2  # handled once, though fetched several times


CJK = "比特币以太坊狗狗币瑞波币索拉纳币安链"  # 16 characters: 48 bytes in UTF-8


async def test_a_saved_position_is_confirmed_though_a_button_cannot_be_drawn(
    bot: Harness,
) -> None:
    # "/whatif <16 CJK>USDT -10%" is 65 bytes, one over Telegram's callback data: building
    # that button failed after the commit, and the user was told to try again.
    await bot.say(73, "/balance 1000")
    [added] = await bot.say(73, f"/long {CJK} 1 @ 100 x5 listed")
    assert added.text.startswith(f"Added #1 {CJK}USDT long 1 @ 100.0000 ×5 isolated")
    assert [b["text"] for b in added.buttons()] == ["Close", "Add margin", "Switch to cross"]
    [shown] = await bot.say(73, "/positions")
    assert f"#1 {CJK}USDT long 1 @ 100.0000 ×5 isolated" in shown.text


async def test_a_reply_still_refused_at_the_deadline_is_dropped_and_logged_by_its_ids(
    api: FakeBotAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = Limiter(deadline=timedelta(seconds=0.5), backoff=0.05)
    app = build_application(settings_for(api, tmp_path), limiter=limiter)
    async with running(app, poll_timeout=1.0):
        api.fail("sendMessage", 429, retry_after=0.2, times=2, chat_id=74)  # 2nd: past 0.5 s
        with caplog.at_level(logging.WARNING):
            typed = api.message(74, "/faq ratio")
            await api.wait_for(lambda: api.sent(74), timeout=5)  # the apology, in the end
    ids = f"update={typed.update_id} chat=74 user=74 command=/faq"
    lines = [r.getMessage() for r in caplog.records]
    assert f"reply dropped past the delivery deadline: {ids}" in lines
    assert api.texts(74) == [APOLOGY]
