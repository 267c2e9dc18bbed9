"""The −25%/tick crash on the production path: fake exchanges on 127.0.0.1 -> the feeds
of the real PTB Application's JobQueue -> the price guard -> the watch -> the SQLite
outbox -> the Telegram transport -> the fake Bot API.

The position: BTC long 0.5 @ 60,000 ×1.6 isolated on Binance, wallet 20,000, alerts at
40% (warning) and 20% (danger): liquidation at 11,250 / 0.498 = 22,590.37. The crash:
45,000 (49.8% away: nothing), 33,750 (33.1%: warning), 25,312.50 (10.8%: danger),
18,984.38 (past: liquidated). Every exchange serves the same marks, so the feeds
confirm each other's jumps in the tick they happen.
"""

from __future__ import annotations

import pytest

from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.markets import FakeMarkets
from tests.telegram.conftest import Harness
from tests.telegram.test_e2e_alerts import (  # the running bot and its ticking exchanges
    TRADER,
    Ticker,
    _queued_after_a_tick,
    live,
    markets,
)

pytestmark = pytest.mark.e2e
__all__ = ["live", "markets"]  # fixtures, used by name


async def test_a_crash_of_25_percent_a_tick_alerts_each_level_within_one_tick(
    live: tuple[Harness, Ticker], api: FakeBotAPI, markets: FakeMarkets
) -> None:
    bot, ticker = live
    await bot.say(TRADER, "/balance 20000")
    await bot.say(TRADER, "/alerts distance 40% 20%")
    await bot.say(TRADER, "/long BTC 0.5 @ 60000 x1.6 iso")
    assert await _queued_after_a_tick(bot, markets) == 0

    queued = []
    for price in ["45000", "33750", "25312.50", "18984.38"]:
        ticker.move(price)
        queued.append(await _queued_after_a_tick(bot, markets))  # one whole tick later

    assert queued == [0, 1, 2, 3]  # each level alerted in the tick that crossed it
    await api.wait_for(lambda: len(_pushed(api)) == 3, timeout=15)
    assert [text.split(":")[0] for text in _pushed(api)] == ["Warning", "Danger", "Liquidation"]


def _pushed(api: FakeBotAPI) -> list[str]:
    return [
        text
        for text in api.texts(TRADER)
        if text.startswith(("Warning:", "Danger:", "Liquidation:"))
    ]
