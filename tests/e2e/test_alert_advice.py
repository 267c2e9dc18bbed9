"""Scheduled mode advice: alerts carry it when switching mode matters; the daily digest
when it changed; the weekly review with the week's closest call.

The position: BTC long 0.5 @ 62,000 ×5 isolated on Binance. Isolated, it is
liquidated at 49,799.20 whatever the wallet holds beyond its 6,200 margin.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Harness

LONG = "/long BTC 0.5 @ 62000 x5 iso"


async def warned(harness: Harness, balance: str) -> str:
    """Open the position on `balance`, move the mark to 55,000: the warning's text."""
    chat = harness.chat()
    await chat.send(f"/balance {balance}")
    await chat.send(LONG)
    assert await harness.tick({"BTCUSDT": "55000"}) == 1
    return harness.transport.texts()[-1]


@pytest.mark.e2e
async def test_an_alert_carries_the_mode_advice_when_switching_moves_the_price_far(
    harness: Harness,
) -> None:
    # cross on 10,000: 10,000 + 0.5 (P - 62,000) = 0.002 P -> 42,168.68, 13.9% of the
    # 55,000 mark below the isolated 49,799.20: material (>= 2%)
    text = await warned(harness, "10000")
    assert "In cross mode the liquidation price would be 42,168.68." in text
    # the wallet holds the margin 1.6 times over: isolating protects little, cross is advised
    assert "Margin mode\n\nRecommended: cross, for every position." in text
    assert "To follow it, switch #1 → cross." in text
    assert "cross moves its liquidation from 49,799.20 to 42,168.68" in text
    assert "Details: /recommend" in text


@pytest.mark.e2e
async def test_an_alert_leaves_the_advice_out_when_switching_changes_little(
    harness: Harness,
) -> None:
    # cross on 6,300: 6,300 + 0.5 (P - 62,000) = 0.002 P -> 49,598.40, only 0.4% of
    # the mark from the isolated price: the advice would be noise
    text = await warned(harness, "6300")
    assert "In cross mode the liquidation price would be 49,598.40." in text
    assert "Margin mode\n" not in text
    assert "Details: /recommend" not in text
