"""The production path of an alert: fake exchanges on 127.0.0.1 -> the feeds of the real
PTB Application's JobQueue -> the watch -> the SQLite outbox -> the Telegram transport
-> the fake Bot API. One warning, then one danger, and nothing more while the price
stays there.

The position: BTC long 0.5 @ 62,000 ×5 isolated on Binance, wallet 10,000: liquidation
at 49,799.20; warning within 10% (mark <= 55,332.44), danger within 5% (<= 52,420.21).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import build_application, running
from bot.config import Settings
from bot.telegram.limiter import Limiter
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.markets import FakeMarkets
from tests.telegram.conftest import OFFLINE_FEEDS, Harness

pytestmark = pytest.mark.e2e
TRADER = 42


class Ticker:
    """Keeps serving `price` freshly stamped, as a live exchange would."""

    def __init__(self, markets: FakeMarkets) -> None:
        self.markets = markets
        self.price = "60000"

    def move(self, price: str) -> None:
        """The price moves: served from now on, to the very next request."""
        self.price = price
        self.markets.set_all({"BTCUSDT": price}, at=datetime.now(UTC))

    async def run(self) -> None:
        while True:
            self.markets.set_all({"BTCUSDT": self.price}, at=datetime.now(UTC))
            await asyncio.sleep(0.2)


@pytest.fixture
def markets() -> Iterator[FakeMarkets]:
    with FakeMarkets() as fake:
        yield fake


@pytest.fixture
async def live(
    api: FakeBotAPI, markets: FakeMarkets, tmp_path: Path
) -> AsyncIterator[tuple[Harness, Ticker]]:
    ticker = Ticker(markets)
    feeding = asyncio.create_task(ticker.run())
    settings = Settings.model_validate(
        {
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_URL": api.url,
            "ISOCROSS_DB_PATH": str(tmp_path / "isocross.db"),
            **dict.fromkeys(OFFLINE_FEEDS, markets.url),
            "ISOCROSS_ALERT_INTERVAL_S": "1",
        }
    )
    app = build_application(settings, limiter=Limiter(backoff=0.05))
    try:
        async with running(app, poll_timeout=1.0):
            yield Harness(api, app), ticker
    finally:
        feeding.cancel()


def _alerts(api: FakeBotAPI, word: str) -> list[str]:
    return [text for text in api.texts(TRADER) if text.startswith(word)]


async def _queued_after_a_tick(bot: Harness, markets: FakeMarkets) -> int:
    """Wait until a whole tick has run on the prices served now; the alerts the watch has
    written to the outbox since start (sent or not, so none can slip by unseen)."""
    alerts = bot.app.bot_data.alerts
    assert alerts is not None
    asked = markets.requests("binance")  # a tick may be running: it may have the old price
    # ticks never overlap (one job instance at a time): the second tick asking for marks
    # means the first has judged its marks and written what it had to say
    await bot.api.wait_for(lambda: markets.requests("binance") >= asked + 2, timeout=15)
    return alerts.watch.queued


async def test_a_falling_price_pushes_one_warning_then_one_danger(
    live: tuple[Harness, Ticker], api: FakeBotAPI, markets: FakeMarkets
) -> None:
    bot, ticker = live
    await bot.say(TRADER, "/balance 10000")
    opened = (await bot.say(TRADER, "/long BTC 0.5 @ 62000 x5 iso"))[0]
    assert opened.text.startswith("Added #1 BTCUSDT long 0.5")
    assert await _queued_after_a_tick(bot, markets) == 0  # 60,000 is 17% away: nothing
    quiet = len(api.texts(TRADER))

    ticker.move("55000")  # 9.5% from liquidation
    await api.wait_for(lambda: len(_alerts(api, "Warning")) == 1, timeout=15)
    ticker.move("54500")  # still a warning: said once already
    assert await _queued_after_a_tick(bot, markets) == 1

    ticker.move("52000")  # 4.2%: worse, so it is said at once
    await api.wait_for(lambda: len(_alerts(api, "Danger")) == 1, timeout=15)
    assert await _queued_after_a_tick(bot, markets) == 2  # and only once
    assert len(api.texts(TRADER)) == quiet + 2

    warning, danger = _alerts(api, "Warning")[0], _alerts(api, "Danger")[0]
    assert "BTCUSDT long is 9.5% from liquidation" in warning
    assert "BTCUSDT long is 4.2% from liquidation" in danger
    assert "49,799.20" in danger  # the engine's liquidation price, rounded toward danger
    sent = [call for call in api.calls_to("sendMessage") if "Danger" in str(call)]
    assert sent and all("reply_markup" in str(call) for call in sent)  # fix-it buttons


async def test_an_alert_whose_answer_is_lost_arrives_at_most_twice(
    live: tuple[Harness, Ticker], api: FakeBotAPI, markets: FakeMarkets
) -> None:
    # Three connections dropped after Telegram showed the alert: the old outbox re-sent it
    # each time (4 copies). Now one more try after the first loss, then it counts as sent.
    bot, ticker = live
    await bot.say(TRADER, "/balance 10000")
    await bot.say(TRADER, "/long BTC 0.5 @ 62000 x5 iso")
    assert await _queued_after_a_tick(bot, markets) == 0
    api.drop_after_accepting("sendMessage", times=2)
    ticker.move("55000")  # 9.5% from liquidation: a warning
    await api.wait_for(lambda: len(_alerts(api, "Warning")) == 2, timeout=15)
    assert await _queued_after_a_tick(bot, markets) == 1
    await asyncio.sleep(1.5)  # a send job or two later: no third copy
    assert len(_alerts(api, "Warning")) == 2
    alerts = bot.app.bot_data.alerts
    assert alerts is not None and await alerts.services.alerts.pending() == ()
