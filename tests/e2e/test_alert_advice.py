"""Scheduled mode advice: alerts' details carry it when switching mode matters; the daily digest
when it changed; the weekly review with the week's closest call.

The position: BTC long 0.5 @ 62,000 ×5 isolated on Binance. Isolated, it is
liquidated at 49,799.20 whatever the wallet holds beyond its 6,200 margin.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Harness

LONG = "/long BTC 0.5 @ 62000 x5 iso"


async def warned(harness: Harness, balance: str) -> str:
    """Open the position on `balance`, move the mark to 55,000 (9.5% away, under half of
    its 19.7% opening cushion): the warning's details, where the mode advice is."""
    chat = harness.chat()
    await chat.send(f"/balance {balance}")
    await chat.send(LONG)
    assert await harness.tick({"BTCUSDT": "55000"}) == 1
    assert "Margin mode" not in harness.transport.texts()[-1]  # the alert itself is short
    return await harness.details()


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


async def digest_at_noon(harness: Harness) -> str | None:
    """Move to the next 12:30 UTC, tick, run the digest and send it: its text, if any
    (an alert the tick raised is sent too, but is not returned)."""
    now = harness.clock.now
    wait = (now.replace(hour=12, minute=30, second=0, microsecond=0) - now).total_seconds()
    harness.clock.advance(wait if wait > 0 else wait + 24 * 3600)
    harness.markets.set("binance", {"BTCUSDT": "60000", "ETHUSDT": "3000"}, harness.clock.now)
    await harness.runtime.tick()
    before = len(harness.transport.delivered)
    await harness.runtime.digest()
    for _ in range(3):  # one message per second per chat
        await harness.runtime.send()
        harness.clock.advance(1.5)
    sent = [t for t in harness.transport.texts()[before:] if t.startswith("Daily digest")]
    return sent[-1] if sent else None


@pytest.mark.e2e
async def test_the_digest_restates_the_mode_advice_only_when_it_changed(
    harness: Harness,
) -> None:
    chat = harness.chat()
    await chat.send("/balance 10000")
    await chat.send(LONG)
    await chat.send("/digest 12:30 UTC")

    first = await digest_at_noon(harness)
    assert first is not None
    assert "The margin mode advice has changed:" in first
    assert "Recommended: cross, for every position." in first

    second = await digest_at_noon(harness)  # same portfolio, same advice: not repeated
    assert second is not None
    assert "margin mode advice" not in second
    assert "Recommended:" not in second

    # a 0.2 ETH long at ×100 next to it: the advice for the portfolio changes
    await chat.send("/long ETH 0.2 @ 3000 x100 iso")
    third = await digest_at_noon(harness)
    assert third is not None and "The margin mode advice has changed:" in third
    assert "#2 ETH" in third


@pytest.mark.e2e
async def test_the_weekly_review_restates_the_advice_with_the_weeks_closest_call(
    harness: Harness,
) -> None:
    chat = harness.chat()
    await chat.send("/balance 10000")
    await chat.send(LONG)
    assert "Every Monday at 09:00" in await chat.text("/digest weekly")
    # Tuesday 2026-03-10: the mark dips to 55,000 (9.5% from 49,799.20), then recovers
    for price in ("60000", "55000", "58000", "60000"):
        await harness.tick({"BTCUSDT": price})
    assert await harness.runtime.digest() == 0  # not Monday

    harness.clock.now = harness.clock.now.replace(day=16, hour=9, minute=5)  # Monday
    harness.markets.set("binance", {"BTCUSDT": "60000"}, harness.clock.now)
    await harness.runtime.tick()
    assert await harness.runtime.digest() == 1
    assert await harness.runtime.digest() == 0  # once a week
    await harness.runtime.send()
    review = harness.transport.texts()[-1]
    assert review.startswith("Weekly review")
    assert (
        "Closest call this week: #1 BTCUSDT came within 9.5% of its liquidation price "
        "on 2026-03-10." in review
    )
    assert "Recommended: cross, for every position." in review

    assert "No more weekly review." in await chat.text("/digest weekly off")
    harness.clock.advance(7 * 24 * 3600)
    assert await harness.runtime.digest() == 0
