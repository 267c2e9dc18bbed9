"""Telegram's limits and faults end to end: 429, 5xx, a failing handler, a flood, the token."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from telegram.ext import ExtBot

from bot.telegram.limiter import Limiter
from bot.telegram.throttle import Throttle
from tests.fakes.bot_api import FakeBotAPI
from tests.telegram.conftest import Harness

pytestmark = pytest.mark.e2e


async def test_a_429_is_waited_out_and_the_reply_arrives_once(bot: Harness) -> None:
    bot.api.fail("sendMessage", 429, retry_after=1)
    started = time.monotonic()
    answer = (await bot.say(31, "/faq ratio"))[0]
    assert answer.text.startswith("Margin ratio")
    attempts = [c for c in bot.api.calls_to("sendMessage") if c.params["chat_id"] == "31"]
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0  # retry_after honoured, not hammered
    assert len(bot.api.sent(31)) == 1
    assert time.monotonic() - started >= 1.0


async def test_server_errors_are_retried_with_backoff(bot: Harness) -> None:
    bot.api.fail("sendMessage", 502, description="Bad Gateway", times=2)
    answer = (await bot.say(32, "/faq hedging"))[0]
    assert answer.text.startswith("Hedging")
    statuses = [c.status for c in bot.api.calls_to("sendMessage")]
    assert statuses == [502, 502, 200]
    assert len(bot.api.sent(32)) == 1


async def test_a_failing_handler_is_logged_with_its_ids_and_the_user_gets_an_apology(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.fail("sendMessage", 400, description="Bad Request: can't parse entities: injected")
    with caplog.at_level(logging.ERROR, logger="bot.telegram.guard"):
        typed = bot.api.message(33, "/faq@IsoCrossTestBot cross", language_code="en")
        await bot.api.wait_for(lambda: len(bot.api.sent(33)) == 1)
    apology = bot.api.sent(33)[0]
    assert apology.text == "Sorry, something went wrong on my side. Please try again."
    failure = next(r for r in caplog.records if r.getMessage().startswith("update failed"))
    assert failure.getMessage() == (
        f"update failed: update={typed.update_id} chat=33 user=33 command=/faq"
    )
    assert failure.exc_info is not None and "injected" in str(failure.exc_info[1])


SECRET = "sk-live-ABCDEF123456"
AMOUNT = "987654.321"


async def test_no_log_line_holds_what_the_user_typed_or_their_amounts(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, at the most talkative level
    await bot.say(61, f"/portfolio new {SECRET}")  # stored: SQL parameters hold the name
    bot.api.fail("sendMessage", 400, description="Bad Request: injected")
    balance = bot.api.message(61, f"/balance {AMOUNT}")  # the reply repeats the amount
    await bot.api.wait_for(lambda: len(bot.api.sent(61)) == 2)  # the reply failed: an apology
    bot.api.fail("sendMessage", 400, description="Bad Request: injected")
    secret = bot.api.message(61, f"{SECRET} {AMOUNT}")  # any text is read in private
    await bot.api.wait_for(lambda: len(bot.api.sent(61)) == 3)
    apology = "Sorry, something went wrong on my side. Please try again."
    assert bot.api.texts(61)[1:] == [apology, apology]
    lines = [record.getMessage() for record in caplog.records]
    lines += [record.exc_text or "" for record in caplog.records]
    failures = [line for line in lines if line.startswith("update failed")]
    assert failures == [
        f"update failed: update={balance.update_id} chat=61 user=61 command=/balance",
        f"update failed: update={secret.update_id} chat=61 user=61 command=None",
    ]
    written = "\n".join(lines).lower()  # portfolio names are stored in lower case
    for leak in (AMOUNT, "987654", "987,654", "987 654", SECRET.lower(), "abcdef123456"):
        assert leak not in written, leak


@pytest.fixture
def flood() -> Throttle:
    """The production burst, with no refill during the test: the count is exact."""
    return Throttle(burst=20, rate=0.0)


async def test_a_flooding_user_is_throttled_and_the_others_are_not(bot: Harness) -> None:
    for n in range(30):
        bot.api.message(41, f"/faq {n}")
    answer = (await bot.say(42, "/faq isolated"))[0]
    assert answer.text.startswith("Isolated margin")
    await bot.api.wait_for(lambda: bot.api.pending_updates() == 0)
    await bot.api.wait_for(lambda: len(bot.api.sent(41)) == 21)
    flooded = bot.api.texts(41)
    notice = "You are sending faster than I can answer; I will listen again in a moment."
    assert flooded.count(notice) == 1
    assert len(flooded) == 21  # 20 answers and one notice, the other 9 updates dropped
    assert flooded[-1] == notice


async def test_the_token_never_appears_in_any_log_line(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    token = bot.api.token
    caplog.set_level(logging.DEBUG)
    await bot.say(51, "/start")
    await bot.say(51, "/long BTC 0.5 @ 62000 x10")
    bot.api.fail("sendMessage", 400, description="Bad Request: injected")
    await bot.say(51, "/positions")  # fails, then the apology
    bot.api.fail("sendMessage", 500)
    await bot.say(51, "/risk")
    lines = [record.getMessage() for record in caplog.records]
    lines += [record.exc_text or "" for record in caplog.records]
    assert any("sendMessage" in line for line in lines)  # PTB did log its requests
    assert all(token not in line for line in lines)
    assert all(token.split(":")[1] not in line for line in lines)


async def test_the_production_limiter_holds_about_thirty_messages_a_second() -> None:
    with FakeBotAPI() as api:
        users = range(1000, 1060)
        for user in users:  # the fake knows a chat once its user wrote
            api.message(user, "hi")
        bot = ExtBot(api.token, base_url=f"{api.url}/bot", rate_limiter=Limiter())
        async with bot:
            await asyncio.gather(*(bot.send_message(user, "ping") for user in users))
        sends = sorted(c.at for c in api.calls_to("sendMessage"))
    assert len(sends) == 60
    # A leaky bucket of 30 a second: 30 may go at once, the next 30 drip over a second.
    assert sends[-1] - sends[0] >= 0.9
    assert sum(1 for at in sends if at - sends[0] < 0.5) <= 30 + 17
