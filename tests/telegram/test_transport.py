"""Pushes through the Telegram transport: what arrives, and how Telegram's refusals map to
the outbox's retry-or-drop."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import pytest
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.alerts.delivery import DeliveryFailed, DeliveryRetry, DeliveryUncertain, Transport
from bot.i18n import Catalogs
from bot.reply import Paragraph, Reply, Table, Title
from bot.telegram.limiter import Limiter
from bot.telegram.transport import NETWORK_RETRY_SECONDS, TelegramTransport
from tests.fakes.bot_api import FakeBotAPI

pytestmark = pytest.mark.e2e

TRADER = 61
ALERT = Reply(
    (
        Title("BTCUSDT is 2.0% from liquidation"),
        Table(("", "price"), (("mark", "57,150.00"), ("liq.", "56,024.10"))),
        Paragraph("Add margin or reduce the position: /margin 1 +200 <now>"),
    )
)


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as fake:
        fake.message(TRADER, "/start")  # the user opened a private chat once
        yield fake


@pytest.fixture
async def transport(api: FakeBotAPI) -> AsyncIterator[TelegramTransport]:
    limiter = Limiter(deadline=timedelta(0))  # the outbox reschedules instead
    bot = ExtBot(api.token, base_url=f"{api.url}/bot", rate_limiter=limiter)
    async with bot:
        yield TelegramTransport(bot, Catalogs())


async def test_a_push_arrives_in_the_private_chat_as_escaped_html(
    api: FakeBotAPI, transport: Transport
) -> None:
    await transport.deliver(TRADER, ALERT)
    [sent] = api.sent(TRADER)
    assert sent.html.startswith("<b>BTCUSDT is 2.0% from liquidation</b>\n\n<pre>")
    assert sent.text.endswith("/margin 1 +200 <now>")
    assert "&lt;now&gt;" in sent.html


async def test_a_picture_is_uploaded_as_multipart(api: FakeBotAPI, transport: Transport) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    await transport.deliver(TRADER, Reply((Paragraph("Your chart"),), picture=png))
    [photo_call] = api.calls_to("sendPhoto")
    assert photo_call.files["photo"] == png
    assert [m.photo is not None for m in api.sent(TRADER)] == [True, False]


async def test_telegrams_refusals_map_to_retry_or_drop(
    api: FakeBotAPI, transport: Transport
) -> None:
    api.fail("sendMessage", 429, retry_after=7)
    with pytest.raises(DeliveryRetry) as limited:
        await transport.deliver(TRADER, ALERT)
    assert limited.value.after == 7

    api.fail("sendMessage", 503, description="Service Unavailable")
    with pytest.raises(DeliveryRetry) as down:
        await transport.deliver(TRADER, ALERT)
    assert down.value.after == NETWORK_RETRY_SECONDS

    with pytest.raises(DeliveryFailed, match=r"(?i)chat not found"):
        await transport.deliver(999_999, ALERT)

    api.blocked.add(TRADER)
    with pytest.raises(DeliveryFailed, match=r"(?i)blocked"):
        await transport.deliver(TRADER, ALERT)
    assert api.sent(TRADER) == []


async def test_a_push_that_may_have_arrived_is_reported_as_uncertain(api: FakeBotAPI) -> None:
    # Telegram shows it, the answer never comes: a dropped connection, then a read timeout.
    request = HTTPXRequest(read_timeout=0.2)
    bot = ExtBot(
        api.token, base_url=f"{api.url}/bot", request=request, rate_limiter=Limiter(backoff=0.01)
    )
    async with bot:
        transport = TelegramTransport(bot, Catalogs())
        api.drop_after_accepting("sendMessage")
        with pytest.raises(DeliveryUncertain):
            await transport.deliver(TRADER, ALERT)
        api.answer_late("sendMessage", 0.5)
        with pytest.raises(DeliveryUncertain):
            await transport.deliver(TRADER, ALERT)
    assert len(api.sent(TRADER)) == 2  # each was shown once, and neither was re-sent
