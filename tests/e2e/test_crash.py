"""A real crash is not a glitch: -25% a tick, end to end (fake exchanges on 127.0.0.1 ->
feeds -> price guard -> watch -> SQLite outbox -> sender -> a recording transport).

The position: BTC long 0.5 @ 60,000 ×1.6 isolated on Binance, wallet 20,000, alerts at
40% (warning) and 20% (danger) from liquidation. Isolated wallet 60,000 x 0.5 / 1.6 =
18,750; MM 0.4% of notional (tier 1): 18,750 + 0.5 (P - 60,000) = 0.002 P, so the
liquidation price is 11,250 / 0.498 = 22,590.37 (rounded toward danger).

The crash, one tick each: 45,000 (49.8% away: nothing), 33,750 (33.1%: warning),
25,312.50 (10.8%: danger), 18,984.38 (past: liquidated).
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Harness

CRASH = ["45000", "33750", "25312.50", "18984.38"]


async def opened(harness: Harness) -> None:
    chat = harness.chat()
    await chat.send("/balance 20000")
    await chat.send("/alerts distance 40% 20%")
    await chat.send("/long BTC 0.5 @ 60000 x1.6 iso")


@pytest.mark.e2e
async def test_one_feed_crashing_alerts_each_level_in_order_within_one_tick(
    harness: Harness,
) -> None:
    await harness.tick({"BTCUSDT": "60000"})
    await opened(harness)

    delivered = [await harness.tick({"BTCUSDT": price}) for price in CRASH]

    # the first -25% is unconfirmed (nothing agrees with it yet) but crosses no level;
    # every later tick follows the trend of the one before and is judged at once
    assert delivered == [0, 1, 1, 1]
    titles = harness.transport.titles()
    assert [title.split(":")[0] for title in titles] == ["Warning", "Danger", "Liquidation"]
    assert titles[0] == "Warning: BTCUSDT long is 33.1% from liquidation"
    assert titles[1] == "Danger: BTCUSDT long is 10.8% from liquidation"


@pytest.mark.e2e
async def test_three_feeds_crashing_together_are_believed_in_the_tick_it_happens(
    harness: Harness,
) -> None:
    harness.markets.set_all({"BTCUSDT": "60000"}, harness.clock.now)
    await harness.tick()
    await opened(harness)

    delivered = []
    for price in ["33750", "25312.50", "18984.38"]:  # straight to the warning, -43.75%
        harness.markets.set_all({"BTCUSDT": price}, harness.clock.now)
        delivered.append(await harness.tick())

    assert delivered == [1, 1, 1]  # each level in the very tick that crossed it
    assert [t.split(":")[0] for t in harness.transport.titles()] == [
        "Warning",
        "Danger",
        "Liquidation",
    ]


@pytest.mark.e2e
async def test_while_binance_is_down_its_users_are_alerted_at_the_other_feeds_marks(
    harness: Harness,
) -> None:
    harness.markets.set_all({"BTCUSDT": "60000"}, harness.clock.now)
    await harness.tick()
    await opened(harness)
    harness.markets.fail("binance", 503)
    for price in ["55000", "50000", "45000"]:  # Binance's last mark goes stale meanwhile
        harness.markets.set("bybit", {"BTCUSDT": price}, harness.clock.now)
        harness.markets.set("okx", {"BTCUSDT": price}, harness.clock.now)
        await harness.tick()

    harness.markets.set("bybit", {"BTCUSDT": "33750"}, harness.clock.now)
    harness.markets.set("okx", {"BTCUSDT": "33760"}, harness.clock.now)
    await harness.tick()

    alerts = [d.text for d in harness.transport.delivered if d.text.startswith("Warning")]
    assert len(alerts) == 1  # not held until Binance returns
    assert "Mark 33,750.00 (bybit," in alerts[0]  # and it says whose mark it is


@pytest.mark.e2e
async def test_a_symbol_refused_while_its_feed_is_up_is_told_once(harness: Harness) -> None:
    harness.markets.set("binance", {"BTCUSDT": "60000", "ETHUSDT": "3000"}, harness.clock.now)
    await harness.tick()
    await opened(harness)
    # zero for BTC while ETH keeps the feed "up": no outage notice would ever say it
    delivered = [await harness.tick({"BTCUSDT": "0", "ETHUSDT": "3000"}) for _ in range(5)]
    assert delivered == [0, 0, 1, 0, 0]  # once BTC's last price (60,000) is two intervals old
    (notice,) = harness.transport.texts()
    assert notice.startswith("No usable binance price for BTCUSDT since 12:00 UTC")
    assert "price refused: zero or negative" in notice
    assert "Alerts for BTCUSDT wait until a live price returns" in notice

    await harness.tick({"BTCUSDT": "60000", "ETHUSDT": "3000"})  # back: forgotten
    delivered = [await harness.tick({"BTCUSDT": "0", "ETHUSDT": "3000"}) for _ in range(4)]
    assert sum(delivered) == 1  # the next time is told again
