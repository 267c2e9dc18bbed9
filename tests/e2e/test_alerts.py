"""Alerts end to end: fake exchanges on 127.0.0.1 -> feeds -> watch -> SQLite outbox ->
sender -> a recording transport, on a real database file with a hand-moved clock.

The position throughout: BTC long 0.5 @ 62,000 ×5 isolated on Binance, wallet 10,000.
Isolated wallet 6,200, MM = 0.4% of notional (tier 1), so the liquidation price is
24,800 / 0.498 = 49,799.20 (rounded toward danger). Warning within 10%: mark at or
below 49,799.20 / 0.9 = 55,332.44; danger within 5%: at or below 52,420.21. Re-arming:
danger holds down to 7.5% (53,836.97), warning down to 15% (58,587.29).
"""

from __future__ import annotations

from datetime import time

import pytest

from bot.commands import CommandLayer
from tests.bot.conftest import Chat
from tests.e2e.conftest import Harness, open_harness

LONG = "/long BTC 0.5 @ 62000 x5 iso"


async def opened(harness: Harness, user_id: int = 42) -> None:
    """The position, alerted by the fixed distances these tests were written for."""
    chat = harness.chat(user_id)
    await chat.send("/alerts distance 10% 5%")
    await chat.send("/balance 10000")
    await chat.send(LONG)


@pytest.mark.e2e
async def test_one_warning_then_one_danger_then_silence_and_a_new_crossing_alerts_again(
    harness: Harness,
) -> None:
    await harness.tick({"BTCUSDT": "60000"})
    await opened(harness)
    moves = ["58000", "56000", "55000", "54500", "55400", "54000", "53000"]
    assert [await harness.tick({"BTCUSDT": p}) for p in moves] == [0, 0, 0, 1, 0, 0, 0, 0][1:]
    assert harness.transport.titles() == ["Warning: BTCUSDT long is 9.5% from liquidation"]

    moves = ["52000", "51500", "52500", "51000", "53500"]
    assert [await harness.tick({"BTCUSDT": p}) for p in moves] == [1, 0, 0, 0, 0]
    assert harness.transport.titles()[1] == "Danger: BTCUSDT long is 4.2% from liquidation"

    # recovery: 56,000 is clear of danger (11% > 7.5%) but not of warning (< 15%);
    # 59,000 is 15.6% away: re-armed, silently
    assert [await harness.tick({"BTCUSDT": p}) for p in ("56000", "59000", "57000")] == [0, 0, 0]
    assert await harness.tick({"BTCUSDT": "55100"}) == 1
    assert harness.transport.titles()[2] == "Warning: BTCUSDT long is 9.6% from liquidation"
    assert len(harness.transport.delivered) == 3


@pytest.mark.e2e
async def test_the_alert_says_what_to_do_with_numbers_in_six_lines(harness: Harness) -> None:
    await opened(harness)
    harness.clock.advance(0)
    harness.markets.set("binance", {"BTCUSDT": "55000"}, harness.clock.now)
    harness.clock.advance(4)  # the mark is 4 s old when the tick reads it
    await harness.runtime.tick()
    harness.clock.advance(8)  # and 12 s old when the alert is sent
    await harness.runtime.send()

    (alert,) = harness.transport.delivered
    # MM 0.002 x 55,000 = 110 over balance 6,200 + 0.5 x (55,000 - 62,000) = 2,700: 4.1%;
    # (6,200 + 0.5 x (49,500 - 62,000) falls 149 short of MM 0.002 x 49,500 at 10% below);
    # cross: 10,000 + 0.5 (P - 62,000) = 0.002 P -> 42,168.68 (rounded toward danger)
    assert alert.text.split("\n") == [
        "Warning: BTCUSDT long is 9.5% from liquidation",
        "",
        "Mark 55,000.00 (binance, 12 s old) · liquidation 49,799.20",
        "Distance 9.5% · margin ratio 4.1%",
        "Add 149.00 USDT margin to get back to 10% from liquidation.",
        "In cross mode the liquidation price would be 42,168.68.",
    ]
    buttons = [b for row in alert.reply.buttons for b in row]
    assert [b.action for b in buttons] == [
        "/fix 1 margin 149.00",
        f"ad:{1}",
        "/alerts snooze BTC 2h",
    ]
    assert all(b.below for b in buttons)  # every press answers below: the alert stays
    details = await harness.details()
    assert "Position: #1 0.5 BTC ×5, portfolio “main”" in details
    assert "Margin ratio: 4.1%" in details

    # the fix's preview: new liquidation price, margin used, and the line "yes" runs
    chat = harness.chat()
    preview = await chat.send(buttons[0].action)
    text = preview.plain_text()
    assert text.startswith("Add 149.00 USDT margin to #1 BTCUSDT long?")
    # 6,349 + 0.5 (P - 62,000) = 0.002 P -> 49,500.00 (rounded toward danger)
    assert "Liquidation price: 49,799.20 → 49,500.00 (10.0% from the mark)" in text
    assert "Margin used: 6,200.00 → 6,349.00 USDT; free balance 3,800.00 → 3,651.00" in text
    assert preview.confirm == "/margin 1 +149.00"
    assert [b.action for row in preview.buttons for b in row] == [
        "/margin 1 +149.00",
        "/fix cancel",
    ]
    assert "Changed #1" in await chat.text(preview.confirm)


@pytest.mark.e2e
async def test_a_restart_does_not_replay_and_a_crash_before_sending_loses_nothing(
    harness: Harness,
) -> None:
    await opened(harness)
    harness.markets.set("binance", {"BTCUSDT": "55000"}, harness.clock.now)
    await harness.runtime.tick()  # the warning is written to the outbox ...
    assert harness.transport.delivered == []  # ... and the process dies before sending
    await harness.runtime.close()

    second, client = await open_harness(
        harness.services, harness.markets, harness.clock, harness.transport
    )
    try:
        assert await second.tick({"BTCUSDT": "55000"}) == 1  # sent once, not evaluated again
        assert await second.tick({"BTCUSDT": "54900"}) == 0
        assert await second.tick({"BTCUSDT": "52000"}) == 1  # danger still fires
        assert harness.transport.titles()[0].startswith("Warning")
    finally:
        await second.runtime.close()
        await client.aclose()


@pytest.mark.e2e
async def test_bad_prices_never_alert_and_an_outage_is_told_once(harness: Harness) -> None:
    await harness.tick({"BTCUSDT": "60000"})
    await opened(harness)
    assert await harness.tick({"BTCUSDT": "0"}) == 0
    assert await harness.tick({"BTCUSDT": "40000"}) == 0  # -33% in one tick: unconfirmed
    assert await harness.tick({"BTCUSDT": "60100"}) == 0  # and indeed a glitch
    harness.markets.garbage("binance")
    deliveries = [await harness.tick() for _ in range(5)]
    assert deliveries == [0, 0, 1, 0, 0]  # down for more than two intervals: one notice
    (notice,) = harness.transport.texts()
    assert "Live prices from binance are unavailable since" in notice
    assert await harness.tick({"BTCUSDT": "60000"}) == 0  # back: the notice is forgotten
    harness.markets.fail("binance", 500)
    assert sum([await harness.tick() for _ in range(4)]) == 1  # a new outage, a new notice


@pytest.mark.e2e
async def test_quiet_hours_hold_warnings_but_not_danger(harness: Harness) -> None:
    await opened(harness)
    chat = harness.chat()
    await chat.send("/alerts quiet 11:00-13:00 UTC")  # the clock reads 12:00 UTC
    assert await harness.tick({"BTCUSDT": "55000"}) == 0  # warning held
    assert await harness.tick({"BTCUSDT": "52000"}) == 1  # danger goes at once
    assert harness.transport.titles() == ["Danger: BTCUSDT long is 4.2% from liquidation"]
    harness.clock.now = harness.clock.now.replace(hour=13, minute=0, second=1)
    await harness.runtime.send()
    assert harness.transport.titles()[1].startswith("Warning")  # delivered after quiet hours
    settings = await harness.services.alerts.settings(42)
    assert settings.quiet_start == time(11, 0)


@pytest.mark.e2e
async def test_a_snooze_silences_warning_and_danger_but_never_liquidation(
    harness: Harness,
) -> None:
    await opened(harness)
    await harness.chat().send("/alerts snooze btc 1h")
    assert await harness.tick({"BTCUSDT": "55000"}) == 0
    assert await harness.tick({"BTCUSDT": "52000"}) == 0
    assert await harness.tick({"BTCUSDT": "49700"}) == 1
    assert harness.transport.titles() == [
        "Liquidation: the BTCUSDT mark has passed the liquidation price"
    ]
    assert "remove it with /close 1" in harness.transport.texts()[0]


@pytest.mark.e2e
async def test_after_a_snooze_the_current_risk_is_told_once(harness: Harness) -> None:
    await opened(harness)
    await harness.chat().send("/alerts snooze btc 1h")
    assert await harness.tick({"BTCUSDT": "52000"}) == 0
    harness.clock.advance(3600)
    assert await harness.tick({"BTCUSDT": "52100"}) == 1
    assert await harness.tick({"BTCUSDT": "52000"}) == 0
    assert harness.transport.titles() == ["Danger: BTCUSDT long is 4.4% from liquidation"]


@pytest.mark.e2e
async def test_a_change_into_danger_is_armed_not_alerted_and_the_next_level_alerts(
    harness: Harness,
) -> None:
    await harness.tick({"BTCUSDT": "56000"})
    await opened(harness)  # 11% away: nothing yet
    assert await harness.tick({"BTCUSDT": "56000"}) == 0
    chat = harness.chat()
    # x8: wallet 3,875, liquidation 27,125 / 0.498 = 54,467.87, 2.7% away: at danger
    # already, which the /lev reply tells; armed there, no alert
    await chat.send("/lev 1 8")
    await harness.runtime.send()
    assert harness.transport.delivered == []
    assert await harness.services.alerts.levels(42) == {(42, "1:BTCUSDT:long"): "danger"}
    await chat.send("/close 1")
    assert await harness.services.alerts.levels(42) == {}  # a closed position forgets
    assert await harness.services.alerts.baselines(42) == {}
    await chat.send("/undo")  # back, still in danger: armed again, silently
    assert await harness.tick({"BTCUSDT": "55900"}) == 0
    assert await harness.tick({"BTCUSDT": "54400"}) == 1  # past 54,467.87
    assert harness.transport.titles() == [
        "Liquidation: the BTCUSDT mark has passed the liquidation price"
    ]


@pytest.mark.e2e
async def test_a_cross_account_is_alerted_as_one_when_its_marks_move_together(
    harness: Harness,
) -> None:
    prices = {"BTCUSDT": "62000", "ETHUSDT": "3100"}
    await harness.tick(prices)
    chat = harness.chat()
    await chat.send("/balance 4000")
    await chat.send("/long BTC 0.5 @ 62000 x20 cross")
    await chat.send("/long ETH 5 @ 3100 x20 cross")
    fired = []
    for step in range(1, 12):  # both fall 1% a tick
        moved = {s: str(round(float(p) * (1 - 0.01 * step), 2)) for s, p in prices.items()}
        fired.append(await harness.tick(moved))
    titles = harness.transport.titles()
    assert titles[0].startswith("Warning: your cross account")
    assert any(t.startswith("Danger: your cross account") for t in titles)
    assert sum(fired) == len(titles) <= 3
    assert "Or close" in harness.transport.texts()[0]  # closing part of a cross position
    first_button = harness.transport.delivered[0].reply.buttons[0][0]
    assert first_button.action.startswith("/fix deposit ")  # a deposit, for a cross account
    assert first_button.below  # its preview comes below the alert
    preview = await chat.send(first_button.action)
    assert preview.confirm is not None and preview.confirm.startswith("/balance ")


@pytest.mark.e2e
async def test_changes_within_the_delay_are_looked_at_in_one_batch(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    watch = harness.runtime.watch
    looked: list[tuple[int, ...]] = []
    refresh = watch.refresh

    async def recording(*users: int) -> None:
        looked.append(users)
        await refresh(*users)

    monkeypatch.setattr(watch, "refresh", recording)
    watch.change_delay = 0.5  # longer than the three commands take, even on a busy machine
    layer = CommandLayer(harness.services)
    for user in (43, 42, 43):  # three changes, two users, one after another
        await Chat(layer, user).send("/balance 10000")
    assert looked == []  # the replies went first; nothing was looked at yet
    await watch.settled()
    assert looked == [(42, 43)]
