"""A funding-drift warning with an unchanged price, end to end (fake exchange with its
funding rate -> feeds -> price book -> watch -> SQLite outbox -> a recording transport).

The position: BTC long 0.5 @ 60,000 ×20 isolated on Binance, wallet 10,000, alerts at
3% (warning) and 2% (danger). Isolated wallet 1,500; MM 0.4% of notional:
1,500 - paid + 0.5 (P - 60,000) = 0.002 P, so P = (28,500 + paid) / 0.498: 57,228.92
now (4.6% away: nothing). Funding 1% per 8 h on 30,000 is 300 a settlement: after
8 h 57,831.33 (3.6%), 16 h 58,433.74 (2.6%), 24 h 59,036.15 (1.6%: danger).
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Harness


async def serve(harness: Harness, funding: str) -> int:
    harness.markets.set("binance", {"BTCUSDT": "60000"}, harness.clock.now, funding=funding)
    return await harness.tick()


@pytest.mark.e2e
async def test_funding_alone_reaching_danger_within_a_day_warns_once(harness: Harness) -> None:
    await serve(harness, "0.01")
    chat = harness.chat()
    await chat.send("/balance 10000")
    await chat.send("/alerts distance 3% 2%")
    await chat.send("/long BTC 0.5 @ 60000 x20 iso")

    assert [await serve(harness, "0.01") for _ in range(3)] == [1, 0, 0]  # the price holds

    (alert,) = harness.transport.delivered
    assert alert.text.startswith("Warning: BTCUSDT long is 4.6% from liquidation")
    assert (
        "Funding at 1.0000% per 8 h brings this position to danger within 24 h with the "
        "price unchanged (900.00 USDT paid by then)." in alert.text
    )


@pytest.mark.e2e
async def test_a_usual_funding_rate_says_nothing(harness: Harness) -> None:
    await serve(harness, "0.0001")
    chat = harness.chat()
    await chat.send("/balance 10000")
    await chat.send("/alerts distance 3% 2%")
    await chat.send("/long BTC 0.5 @ 60000 x20 iso")
    assert [await serve(harness, "0.0001") for _ in range(2)] == [0, 0]


@pytest.mark.e2e
async def test_a_funding_rate_that_jumps_warns_with_the_price_unchanged(harness: Harness) -> None:
    # opened at the usual 0.01% (nothing to say); the rate then jumps to 1% per 8 h, which
    # brings the position to danger within 24 h: the next tick warns although no band moved
    await serve(harness, "0.0001")
    chat = harness.chat()
    await chat.send("/balance 10000")
    await chat.send("/alerts distance 3% 2%")
    await chat.send("/long BTC 0.5 @ 60000 x20 iso")
    assert [await serve(harness, "0.0001") for _ in range(2)] == [0, 0]

    assert [await serve(harness, "0.01") for _ in range(3)] == [1, 0, 0]

    (alert,) = harness.transport.delivered
    assert alert.text.startswith("Warning: BTCUSDT long is 4.6% from liquidation")
    assert "Funding at 1.0000% per 8 h brings this position to danger within 24 h" in alert.text
