"""The production path of an alert: fake exchanges on 127.0.0.1 -> the feeds of the real
PTB Application's JobQueue -> the watch -> the SQLite outbox -> the Telegram transport
-> the fake Bot API. One warning, then one danger, and nothing more while the price
stays there.

The position: BTC long 0.5 @ 62,000 ×5 isolated on Binance, wallet 10,000: liquidation
at 49,799.20, 19.7% from the entry and 17.0% from a 60,000 mark. Its cushion is the
distance when the watch first sees it (at the live mark if one is in, else the entry):
warning once half of it is gone, danger at three quarters.
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
    await _queued_after_a_tick(bot, markets)  # the live mark is in: 60,000
    await bot.say(TRADER, "/balance 10000")
    opened = (await bot.say(TRADER, "/long BTC 0.5 @ 62000 x5 iso"))[0]
    assert opened.text.startswith("Added #1 BTCUSDT long 0.5")
    # opened 17.0% from liquidation at that mark: warning at 8.5% (a mark <= 54,425),
    # danger at 4.25% (<= 52,009)
    assert await _queued_after_a_tick(bot, markets) == 0
    quiet = len(api.texts(TRADER))

    ticker.move("55000")  # 9.5% from liquidation: more than half the cushion left
    assert await _queued_after_a_tick(bot, markets) == 0
    ticker.move("54000")  # 7.8%
    await api.wait_for(lambda: len(_alerts(api, "Warning")) == 1, timeout=15)
    ticker.move("53500")  # still a warning: said once already
    assert await _queued_after_a_tick(bot, markets) == 1

    ticker.move("51500")  # 3.3%: worse, so it is said at once
    await api.wait_for(lambda: len(_alerts(api, "Danger")) == 1, timeout=15)
    assert await _queued_after_a_tick(bot, markets) == 2  # and only once
    assert len(api.texts(TRADER)) == quiet + 2

    warning, danger = _alerts(api, "Warning")[0], _alerts(api, "Danger")[0]
    assert "BTCUSDT long is 7.8% from liquidation" in warning
    assert "BTCUSDT long is 3.3% from liquidation" in danger
    assert "49,799.20" in danger  # the engine's liquidation price, rounded toward danger
    sent = [call for call in api.calls_to("sendMessage") if "Danger" in str(call)]
    assert sent and all("reply_markup" in str(call) for call in sent)  # fix-it buttons


async def test_a_spanish_client_gets_its_alert_in_spanish_without_ever_typing_lang(
    live: tuple[Harness, Ticker], api: FakeBotAPI, markets: FakeMarkets
) -> None:
    bot, ticker = live
    await bot.say(TRADER, "/balance 10000", language_code="es")
    opened = (await bot.say(TRADER, "/long BTC 0.5 @ 62000 x5 iso", language_code="es"))[0]
    assert opened.text.startswith("Posición añadida: #1 BTCUSDT largo")  # replies: Spanish
    stored = await bot.app.bot_data.services.users.get(TRADER)
    assert (stored.language, stored.telegram_language) == (None, "es")
    await _queued_after_a_tick(bot, markets)

    ticker.move("54000")  # 7.8% away: under half of the position's 17-19.7% cushion
    await api.wait_for(lambda: len(_alerts(api, "Aviso:")) == 1, timeout=15)
    (alert,) = _alerts(api, "Aviso:")
    assert alert.startswith("Aviso: BTCUSDT largo está a 7,8")
    assert "Distancia 7,8" in alert and "ratio de margen" in alert
    assert "Warning" not in alert and "Distance" not in alert


async def test_pressing_a_fix_answers_below_and_the_alert_keeps_its_text(
    live: tuple[Harness, Ticker], api: FakeBotAPI, markets: FakeMarkets
) -> None:
    bot, ticker = live
    await bot.say(TRADER, "/balance 10000")
    await bot.say(TRADER, "/long BTC 0.5 @ 62000 x5 iso")
    await _queued_after_a_tick(bot, markets)
    ticker.move("54000")
    await api.wait_for(lambda: len(_alerts(api, "Warning")) == 1, timeout=15)
    (alert,) = [m for m in api.sent(TRADER) if m.text.startswith("Warning")]
    text, edits = alert.text, alert.edits

    before = len(api.sent(TRADER))
    api.press(TRADER, alert, alert.button("Add margin")["callback_data"])
    await api.wait_for(lambda: len(api.sent(TRADER)) > before)
    preview = api.sent(TRADER)[before]
    assert preview.text.startswith("Add ") and "USDT margin to #1 BTCUSDT long?" in preview.text
    assert "Liquidation price: 49,799.20 → " in preview.text
    assert (alert.text, alert.edits) == (text, edits)  # the alert is untouched

    details_before = len(api.sent(TRADER))
    api.press(TRADER, alert, alert.button("Details")["callback_data"])
    await api.wait_for(lambda: len(api.sent(TRADER)) > details_before)
    assert "Position: #1 0.5 BTC ×5, portfolio “main”" in api.sent(TRADER)[details_before].text
    assert (alert.text, alert.edits) == (text, edits)

    api.press(TRADER, preview, preview.button("Confirm")["callback_data"])
    await api.wait_for(lambda: alert.edits > edits)
    assert preview.text.startswith("Changed #1")  # the preview shows what was done
    assert alert.text.startswith(text)  # the alert keeps its text ...
    assert alert.text.removeprefix(text).strip().startswith("Fix applied at ")  # ... noted


async def test_a_position_opened_at_danger_is_not_alerted_until_the_next_level(
    live: tuple[Harness, Ticker], api: FakeBotAPI, markets: FakeMarkets
) -> None:
    bot, ticker = live
    await _queued_after_a_tick(bot, markets)  # the live mark is in: 60,000
    await bot.say(TRADER, "/alerts distance 8% 5%")
    await bot.say(TRADER, "/balance 10000")
    # 20x: 310 + 0.1 (P - 62,000) = 0.0004 P -> 59,136.55, 1.4% below 60,000: danger
    await bot.say(TRADER, "/long BTC 0.1 @ 62000 x20 iso")
    quiet = len(api.texts(TRADER))
    assert await _queued_after_a_tick(bot, markets) == 0
    ticker.move("59500")  # 0.6%: still danger, armed at opening
    assert await _queued_after_a_tick(bot, markets) == 0
    ticker.move("59000")  # past the liquidation price: the next level
    await api.wait_for(lambda: len(_alerts(api, "Liquidation: the")) == 1, timeout=15)
    assert await _queued_after_a_tick(bot, markets) == 1
    assert len(api.texts(TRADER)) == quiet + 1


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
