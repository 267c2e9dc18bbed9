"""/price, /alerts, /digest and live marks in every reply, through the command layer
on a real SQLite file with a hand-moved clock (no network: marks are offered to the
PriceBook the way the poller offers them)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.commands import CommandLayer
from bot.feeds import RawMark
from bot.services import Services, open_services
from engine.models import Exchange
from tests.bot.conftest import Chat
from tests.fakes.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def services(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Services]:
    opened = await open_services(tmp_path / "isocross.db", clock=clock)
    yield opened
    await opened.close()


@pytest.fixture
def chat(services: Services) -> Chat:
    return Chat(CommandLayer(services))


def feed(services: Services, exchange: Exchange, symbol: str, price: str, age_s: int = 0) -> None:
    now = services.clock()
    at = int((now - timedelta(seconds=age_s)).timestamp() * 1000)
    verdict = services.prices.offer(exchange, RawMark(symbol, price, at), now)
    assert not isinstance(verdict, str), verdict


async def test_without_any_price_the_bot_works_on_entry_prices(chat: Chat) -> None:
    await chat.send("/balance 10000")
    assert "At what price? There is no live mark for BTCUSDT" in await chat.text("/long BTC 0.5")
    await chat.send("/long BTC 0.5 @ 62000 x10")
    listing = await chat.text("/positions")
    assert "Marks: entry price for BTCUSDT (no live or manual mark)" in listing
    shown = await chat.text("/price btc")
    assert "binance     —    —  no price" in shown
    assert "No mark to use for BTCUSDT" in shown


async def test_a_live_mark_prices_positions_and_says_how_old_it_is(
    chat: Chat, services: Services, clock: FakeClock
) -> None:
    await chat.send("/balance 10000")
    feed(services, Exchange.BINANCE, "BTCUSDT", "61000.5", age_s=5)
    added = await chat.text("/long BTC 0.5 x10")  # no price: the mark is the entry
    assert "#1 BTCUSDT long 0.5 @ 61,000.50 ×10 isolated" in added
    assert "Entry at the current mark 61,000.50 (binance, 5 s old)." in added

    clock.advance(25)
    feed(services, Exchange.BINANCE, "BTCUSDT", "60000", age_s=1)
    listing = await chat.text("/positions")
    assert "60,000.00" in listing  # the mark column
    assert "Marks: BTCUSDT 60,000.00 (binance, 1 s old)" in listing
    assert "Marks: BTCUSDT 60,000.00 (binance, 1 s old)" in await chat.text("/risk")
    assert "(binance, 1 s old)" in await chat.text("/compare")
    assert "(binance, 1 s old)" in await chat.text("/whatif btc -10%")


async def test_positions_are_priced_by_the_users_exchange_feed(
    chat: Chat, services: Services
) -> None:
    feed(services, Exchange.BINANCE, "BTCUSDT", "61000")
    feed(services, Exchange.BYBIT, "BTCUSDT", "61050")
    assert "use 61,000.00 (binance, 0 s old)" in await chat.text("/price BTC")
    await chat.send("/exchange bybit")
    shown = await chat.text("/price BTC")
    assert "Your positions (bybit rules) use 61,050.00 (bybit, 0 s old)." in shown
    await chat.send("/exchange custom 0.5% 0.05%")
    assert "priced by the binance feed" in await chat.text("/price BTC")


async def test_a_manual_mark_stands_in_when_no_live_mark_is_fresh(
    chat: Chat, services: Services, clock: FakeClock
) -> None:
    await chat.send("/balance 10000")
    feed(services, Exchange.BINANCE, "BTCUSDT", "61000")
    set_reply = await chat.text("/price BTC 59000")
    assert "Manual mark for BTCUSDT: 59,000.00." in set_reply
    assert "A live mark is flowing right now (61,000.00 (binance, 0 s old))" in set_reply
    await chat.send("/long BTC 0.5 @ 62000 x10")
    assert "Marks: BTCUSDT 61,000.00 (binance" in await chat.text("/positions")

    clock.advance(61)  # two 30 s intervals: the live mark is no longer used
    listing = await chat.text("/positions")
    assert "Marks: BTCUSDT 59,000.00 (manual, set 61 s ago)" in listing
    assert "manual" in await chat.text("/price BTC")
    assert "Manual mark for BTCUSDT removed." in await chat.text("/price BTC off")
    assert "There was no manual mark" in await chat.text("/price BTC off")
    assert "entry price" in await chat.text("/positions")


async def test_manual_marks_survive_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    first = await open_services(tmp_path / "db.sqlite", clock=clock)
    await Chat(CommandLayer(first)).send("/price eth 3000")
    await first.close()
    second = await open_services(tmp_path / "db.sqlite", clock=clock)
    try:
        quote = second.marks.quote(42, Exchange.BINANCE, "ETHUSDT", clock())
        assert quote is not None and quote.price == Decimal(3000) and quote.manual
    finally:
        await second.close()


async def test_alert_settings_round_trip_through_the_commands(
    chat: Chat, services: Services
) -> None:
    shown = await chat.text("/alerts")
    assert "Liquidation alerts: on" in shown
    assert (
        "Warning at a 70% margin ratio or once half of the position's distance to "
        "liquidation at opening (or its last change) is gone; danger at 85% or three "
        "quarters gone" in shown
    )

    assert "Warning at a 60% margin ratio" in await chat.text("/alerts ratio 60 80")
    assert "within 8% of the liquidation price; danger at 80% or within 3%" in (
        await chat.text("/alerts distance 8% 3%")
    )
    assert (await services.alerts.settings(42)).fixed_distance
    assert "three quarters gone" in await chat.text("/alerts distance auto")
    assert not (await services.alerts.settings(42)).fixed_distance
    quiet = await chat.text("/alerts quiet 23:00-07:00 europe/berlin")
    assert "Quiet hours 23:00–07:00 (Europe/Berlin)" in quiet
    assert "No quiet hours" in await chat.text("/alerts quiet off")
    assert "Liquidation alerts: off" in await chat.text("/alerts off")
    settings = await services.alerts.settings(42)
    assert (settings.enabled, settings.warn_ratio, settings.danger_distance) == (
        False,
        Decimal("0.60"),
        Decimal("0.03"),
    )
    assert (await services.users.get(42)).timezone == "Europe/Berlin"

    snoozed = await chat.text("/alerts snooze btc 2h")
    assert (
        "Alerts for BTCUSDT snoozed until 15:00 (Europe/Berlin)" in snoozed
    )  # 12:00 UTC + 2h, CET
    assert "Snoozed: BTCUSDT until 15:00." in await chat.text("/alerts")
    assert "back on" in await chat.text("/alerts snooze btc off")

    assert "Every day at 09:00 (Europe/Berlin)" in await chat.text("/digest 09:00")
    assert (await services.alerts.settings(42)).digest_time == time(9, 0)
    assert "No more daily digest." in await chat.text("/digest off")

    assert "Every Monday at 09:00 (Europe/Berlin)" in await chat.text("/digest weekly")
    assert (await services.alerts.settings(42)).weekly_review
    assert "Weekly review on Mondays." in await chat.text("/digest")
    assert "No more weekly review." in await chat.text("/digest weekly off")
    assert not (await services.alerts.settings(42)).weekly_review


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/alerts ratio 80 60", "The danger ratio must be above the warning ratio"),
        ("/alerts distance 3% 8%", "The danger distance must be nearer"),
        ("/alerts ratio 70", "Something is missing."),
        ("/alerts snooze btc forever", "is not a duration"),
        ("/alerts snooze btc 9d", "is not a duration"),
        ("/alerts quiet 25:00-07:00", "is not a time of day"),
        ("/alerts quiet 23:00-07:00 mars/olympus", "is not a timezone I know"),
        ("/alerts loud", "I don't understand “loud”"),
        ("/digest 9am", "is not a time of day"),
        ("/digest weekly often", "I don't understand “often”"),
        ("/price BTC zero", "is not a number I can use"),
    ],
)
async def test_bad_alert_lines_show_the_syntax_and_change_nothing(
    chat: Chat, services: Services, line: str, message: str
) -> None:
    await chat.send("/alerts")
    before = await services.alerts.settings(42)
    reply = await chat.send(line)
    assert reply.is_error
    assert message in reply.plain_text()
    assert "Syntax: /" in reply.plain_text()
    assert await services.alerts.settings(42) == before


async def test_every_change_tells_the_watch(chat: Chat, services: Services) -> None:
    told: list[int] = []

    async def watch(user_id: int) -> None:
        told.append(user_id)

    async def broken(user_id: int) -> None:
        raise RuntimeError("a watcher that fails must not fail the command")

    services.on_portfolio_change.extend([broken, watch])
    for line in (
        "/balance 10000",
        "/long BTC 0.5 @ 62000 x10",
        "/margin 1 +100",
        "/close 1",
        "/undo",
        "/alerts ratio 60 80",
        "/alerts snooze btc 1h",
        "/exchange bybit",
    ):
        assert not (await chat.send(line)).is_error, line
    assert told == [42] * 8
    await chat.send("/positions")
    await chat.send("/price BTC 61000")
    assert len(told) == 8  # reads and manual marks change no alert


async def test_a_refused_price_is_named_per_symbol_and_another_feed_prices_meanwhile(
    chat: Chat, services: Services, clock: FakeClock
) -> None:
    feed(services, Exchange.BINANCE, "BTCUSDT", "60000")
    await chat.send("/balance 10000")
    await chat.send("/long BTC 0.5 @ 62000 x10")
    clock.advance(90)  # Binance's 60,000 is now too old; its next price is zero
    now = services.clock()
    services.prices.offer(Exchange.BINANCE, RawMark("BTCUSDT", "0"), now)
    services.prices.feed_ok(Exchange.BINANCE, now)
    listing = await chat.text("/positions")
    assert "Marks: entry price for BTCUSDT (no live or manual mark)" in listing
    assert "No usable binance price: BTCUSDT (price refused: zero or negative)" in listing

    feed(services, Exchange.BYBIT, "BTCUSDT", "59000", age_s=4)
    listing = await chat.text("/positions")
    assert "Marks: BTCUSDT 59,000.00 (bybit, 4 s old)" in listing  # never the entry price
    assert "No usable binance price: BTCUSDT (price refused: zero or negative)" in listing
