"""The alert watch's storage: held and ordered outbox messages, snoozes, manual marks,
remembered levels and the one read that rebuilds the watch."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from engine.errors import InvalidInput
from storage import (
    AlertRepository,
    Database,
    Hold,
    ManualMarkRepository,
    NotFound,
    PortfolioRepository,
    Schedule,
    Urgency,
    UserRepository,
    watched,
)
from tests.storage.conftest import position

NOW = datetime(2026, 3, 10, 22, 0, tzinfo=UTC)


async def test_held_messages_wait_and_the_closest_to_liquidation_goes_first(
    alerts: AlertRepository, alice: int, bob: int
) -> None:
    far = await alerts.enqueue(alice, "danger", {}, Urgency.URGENT, Hold(priority=40_000))
    near = await alerts.enqueue(bob, "danger", {}, Urgency.URGENT, Hold(priority=12_000))
    past = await alerts.enqueue(bob, "liquidated", {}, Urgency.URGENT, Hold(priority=-1_000))
    held = await alerts.enqueue(
        alice, "warning", {}, Urgency.NORMAL, Hold(not_before=NOW + timedelta(hours=9))
    )
    notice = await alerts.enqueue(alice, "feed_down", {})

    assert [m.id for m in await alerts.pending(now=NOW)] == [past, near, far, notice]
    later = NOW + timedelta(hours=9)
    assert [m.id for m in await alerts.pending(now=later)][-2:] == [held, notice]
    assert held in [m.id for m in await alerts.pending()]  # without a clock: everything


async def test_a_failed_message_leaves_the_queue_for_good(
    alerts: AlertRepository, alice: int
) -> None:
    message = await alerts.enqueue(alice, "warning", {})
    assert await alerts.mark_failed(alice, message, "blocked")
    assert await alerts.pending() == ()
    assert not await alerts.mark_failed(alice, message, "blocked")
    assert not await alerts.mark_sent(alice, message)


async def test_raise_level_can_name_its_message_kind(alerts: AlertRepository, alice: int) -> None:
    await alerts.raise_level(alice, "digest", "2026-03-10", {}, Urgency.DIGEST, kind="digest")
    (message,) = await alerts.pending()
    assert (message.kind, message.urgency) == ("digest", Urgency.DIGEST)
    assert await alerts.levels(alice) == {(alice, "digest"): "2026-03-10"}


async def test_levels_of_everyone_and_forgetting_a_key_for_everyone(
    alerts: AlertRepository, alice: int, bob: int
) -> None:
    await alerts.set_level(alice, "feed:binance", "2026-03-10T21:00:00Z")
    await alerts.set_level(bob, "feed:binance", "2026-03-10T21:00:00Z")
    await alerts.set_level(bob, "7:cross", "danger")
    assert len(await alerts.levels()) == 3

    await alerts.forget("feed:binance")

    assert await alerts.levels() == {(bob, "7:cross"): "danger"}
    await alerts.forget("7:cross", bob)
    assert await alerts.levels() == {}


async def test_an_outage_told_is_remembered_with_its_notice_until_prices_return(
    alerts: AlertRepository, alice: int, bob: int
) -> None:
    since = NOW - timedelta(minutes=2)
    first = await alerts.tell_outage(alice, "binance", since, {"exchange": "binance"})
    await alerts.tell_outage(bob, "binance", since, {}, Hold(not_before=NOW + timedelta(hours=1)))
    await alerts.tell_outage(bob, "okx", since, {})

    assert await alerts.outages_told() == {"binance": {alice, bob}, "okx": {bob}}
    (notice,) = [m for m in await alerts.pending(now=NOW) if m.id == first]
    assert (notice.kind, notice.urgency, notice.payload) == (
        "feed_down",
        Urgency.NORMAL,
        {"exchange": "binance"},
    )
    assert await alerts.levels() == {}  # not a level
    await alerts.outage_over("binance")
    assert await alerts.outages_told() == {"okx": {bob}}
    with pytest.raises(NotFound):
        await alerts.tell_outage(404, "okx", since, {})


async def test_a_schedule_is_done_once_a_day_with_or_without_its_message(
    alerts: AlertRepository, alice: int, bob: int
) -> None:
    assert await alerts.done_on(alice, Schedule.DIGEST) is None
    assert await alerts.done(alice, Schedule.DIGEST, date(2026, 3, 9)) is None
    queued = await alerts.done(alice, Schedule.DIGEST, date(2026, 3, 10), {"portfolios": []})
    await alerts.done(bob, Schedule.WEEKLY, date(2026, 3, 9))

    assert await alerts.done_on(alice, Schedule.DIGEST) == date(2026, 3, 10)
    assert await alerts.done_on(alice, Schedule.WEEKLY) is None
    assert await alerts.done_on(bob, Schedule.WEEKLY) == date(2026, 3, 9)
    (message,) = await alerts.pending()
    assert (message.id, message.kind, message.urgency) == (queued, "digest", Urgency.DIGEST)
    assert await alerts.levels() == {}


async def test_snoozes_run_until_their_time(alerts: AlertRepository, alice: int, bob: int) -> None:
    await alerts.snooze(alice, "BTCUSDT", NOW + timedelta(hours=2))
    await alerts.snooze(alice, "*", NOW + timedelta(minutes=5))
    await alerts.snooze(bob, "ETHUSDT", NOW - timedelta(minutes=1))

    assert await alerts.snoozes(NOW) == {
        alice: {"BTCUSDT": NOW + timedelta(hours=2), "*": NOW + timedelta(minutes=5)}
    }
    await alerts.snooze(alice, "BTCUSDT", None)
    assert await alerts.snoozes(NOW, alice) == {alice: {"*": NOW + timedelta(minutes=5)}}
    with pytest.raises(NotFound):
        await alerts.snooze(404, "BTCUSDT", NOW)


async def test_digest_times_come_with_the_users_timezone(
    alerts: AlertRepository, users: UserRepository, alice: int, bob: int
) -> None:
    await users.update(alice, timezone="Europe/Berlin")
    await alerts.update_settings(alice, digest_time="09:00")
    await alerts.update_settings(bob, enabled=False)
    assert await alerts.digest_times() == [(alice, time(9, 0), "Europe/Berlin")]


async def test_manual_marks_round_trip_exactly(db: Database, alice: int) -> None:
    marks = ManualMarkRepository(db)
    await marks.set(alice, "btc", Decimal("61000.50"), NOW)
    await marks.set(alice, "BTCUSDT", Decimal("60999.99"), NOW + timedelta(seconds=5))
    (mark,) = await marks.all()
    assert (mark.symbol, str(mark.price), mark.set_at) == (
        "BTCUSDT",
        "60999.99",
        NOW + timedelta(seconds=5),
    )
    assert await marks.clear(alice, "btc-usdt")
    assert not await marks.clear(alice, "BTC")
    with pytest.raises(InvalidInput):
        await marks.set(alice, "BTC", Decimal(0), NOW)
    with pytest.raises(NotFound):
        await marks.set(404, "BTC", Decimal(1), NOW)


async def test_the_watch_reads_every_portfolio_of_users_with_alerts_on(
    db: Database,
    alerts: AlertRepository,
    portfolios: PortfolioRepository,
    alice: int,
    bob: int,
) -> None:
    await portfolios.set_balance(alice, "5000")
    await portfolios.add_position(alice, position())
    await portfolios.create(alice, "test", activate=True)
    await portfolios.add_position(alice, position("ETHUSDT", "short", "3", "3100", "20"))
    await alerts.update_settings(alice, warn_ratio="0.6", danger_ratio="0.8")
    await alerts.update_settings(bob, enabled=False)

    (found,) = await watched(db)

    assert found.user.id == alice
    assert found.settings.warn_ratio == Decimal("0.6")
    main, test = found.portfolios
    assert (main.name, main.wallet_balance, len(main.positions)) == ("main", Decimal(5000), 1)
    assert test.positions[0].position.symbol == "ETHUSDT"
    assert test.positions[0].position.id == "1"
    assert await watched(db, bob) == []
    assert [w.user.id for w in await watched(db, alice)] == [alice]
