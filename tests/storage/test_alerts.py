"""Alert settings, per-position levels and the outbox."""

from __future__ import annotations

import dataclasses
from datetime import time
from decimal import Decimal

import pytest

from engine.errors import InvalidInput
from storage import AlertRepository, AlertSettings, Database, NotFound, Urgency
from tests.storage.conftest import dump


async def test_defaults_in_code_match_the_schema_defaults(
    alerts: AlertRepository, db: Database, alice: int
) -> None:
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO alert_settings (user_id) VALUES (?)", (alice,))

    assert await alerts.settings(alice) == AlertSettings()


async def test_settings_round_trip(alerts: AlertRepository, alice: int) -> None:
    updated = await alerts.update_settings(
        alice,
        enabled=False,
        warn_ratio="0.40",
        danger_ratio=Decimal("0.75"),
        warn_distance="0.08",
        danger_distance="0.03",
        quiet_start="23:00",
        quiet_end=time(7, 30),
        digest_time="09:00",
    )

    assert await alerts.settings(alice) == updated
    assert str(updated.warn_ratio) == "0.40"
    assert (updated.quiet_start, updated.quiet_end) == (time(23, 0), time(7, 30))
    later = await alerts.update_settings(alice, enabled=True)
    assert later == dataclasses.replace(updated, enabled=True)


@pytest.mark.parametrize(
    "fields",
    [
        {"warn_ratio": "0.9"},  # warn after danger
        {"danger_ratio": "1.2"},
        {"danger_distance": "0.2"},  # danger farther than warn
        {"quiet_start": "22:00"},  # no end
        {"digest_time": "25:00"},
        {"enabled": "yes"},
        {"volume": "11"},
    ],
    ids=str,
)
async def test_invalid_settings_are_refused(
    alerts: AlertRepository, db: Database, alice: int, fields: dict[str, object]
) -> None:
    before = await dump(db)

    with pytest.raises(InvalidInput):
        await alerts.update_settings(alice, **fields)

    assert await dump(db) == before


async def test_levels_are_remembered_and_forgotten(alerts: AlertRepository, alice: int) -> None:
    await alerts.set_level(alice, "1:BTCUSDT:long", "warn")
    await alerts.set_level(alice, "1:BTCUSDT:long", "danger")
    level = await alerts.level(alice, "1:BTCUSDT:long")
    await alerts.set_level(alice, "1:BTCUSDT:long", None)

    assert level == "danger"
    assert await alerts.level(alice, "1:BTCUSDT:long") is None


async def test_outbox_sends_urgent_first_then_oldest_and_each_once(
    alerts: AlertRepository, alice: int, bob: int
) -> None:
    digest = await alerts.enqueue(alice, "digest", {"count": 2}, Urgency.DIGEST)
    normal = await alerts.enqueue(bob, "warn", {"price": Decimal("61000.50")})
    urgent = await alerts.raise_level(
        alice, "1:BTCUSDT:long", "danger", {"distance": "0.01"}, Urgency.URGENT
    )

    pending = await alerts.pending()

    assert [m.id for m in pending] == [urgent, normal, digest]
    assert pending[1].payload == {"price": "61000.50"}  # Decimal stored as exact text
    assert (pending[0].kind, pending[0].user_id) == ("danger", alice)
    assert await alerts.level(alice, "1:BTCUSDT:long") == "danger"
    assert await alerts.mark_sent(alice, urgent) is True
    assert await alerts.mark_sent(alice, urgent) is False
    assert [m.id for m in await alerts.pending(limit=1)] == [normal]


async def test_outbox_refuses_floats_and_unknown_users(alerts: AlertRepository, alice: int) -> None:
    with pytest.raises(InvalidInput):
        await alerts.enqueue(alice, "warn", {"price": 61000.5})
    with pytest.raises(NotFound):
        await alerts.enqueue(404, "warn", {})
    with pytest.raises(NotFound):
        await alerts.update_settings(404, enabled=False)
