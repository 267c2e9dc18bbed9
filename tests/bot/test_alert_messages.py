"""Outbox messages: typed, exact through a real SQLite outbox, the rows of the untyped
payloads that came before still shown, and a row no one can read dropped, not retried."""

from __future__ import annotations

import ast
import logging
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.alerts.alert_text import alert_details
from bot.alerts.messages import (
    AlertMessage,
    BriefMessage,
    ClosestCall,
    FeedDownMessage,
    UnreadableMessage,
    WeeklyMessage,
    WeeklyPortfolio,
    outbox_kind,
    read,
)
from bot.alerts.outbox import OutboxSender
from bot.alerts.render import render
from bot.i18n import Catalogs
from bot.services import open_services
from engine.alerts import Level
from engine.models import Exchange, Side
from storage import AlertRepository, Database, Urgency, UserRepository
from tests.fakes.clock import FakeClock
from tests.fakes.transport import RecordingTransport

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
EN = Catalogs().translator("en")

# The payloads as the untyped code wrote them (bot/alerts/compose.py before the models):
# decimals and times as text, no `kind` field; the outbox row's `kind` said what it was.
BRIEF = {
    "recommendation": "cross",
    "positions": [["1", "BTCUSDT", "isolated", "cross"], ["2", "ETHUSDT", "isolated", "cross"]],
    "reason": {
        "code": "hedged",
        "favours": "cross",
        "weight": 3,
        "positions": ["1", "2"],
        "figures": {
            "symbols": {"value": "BTCUSDT, ETHUSDT", "kind": "str", "unit": "text", "long": None},
            "correlation": {"value": "0.765", "kind": "dec", "unit": "coefficient", "long": None},
            "source": {"value": "default", "kind": "str", "unit": "text", "long": None},
            "offset": {"value": "0.838", "kind": "dec", "unit": "fraction", "long": None},
            "isolated_distance": {"value": "0.0956", "kind": "dec", "unit": "fraction"},
            "cross_distance": {"value": "1.5985", "kind": "dec", "unit": "fraction"},
        },
    },
    "faq": ["cross", "choose", "hedging"],
    "key": "cross:1=cross,2=cross",
}
OLD_ALERT = {
    "level": "warning",
    "portfolio_id": 1,
    "portfolio": "main",
    "active": True,
    "cross": False,
    "positions": 1,
    "position": "1",
    "symbol": "BTCUSDT",
    "side": "long",
    "qty": "0.5",
    "leverage": "5",
    "mark": "55000",
    "mark_source": "binance",
    "mark_at": "2026-03-10T11:59:48.000Z",
    "liquidation": "49799.19678714859437751004016",
    "distance": "0.09455",
    "ratio": "0.04074",
    "target": "0.10",
    "wallet": "10000",
    "add_margin": "149.00",
    "close_qty": None,
    "other_mode": "42168.67469879518072289156627",
    "advice": BRIEF,
}
OLD_FEED_DOWN = {"exchange": "bybit", "since": "2026-03-10T11:58:00.000Z"}
OLD_DIGEST = {
    "portfolios": [
        {
            "name": "main",
            "wallet": "10000",
            "cross_ratio": None,
            "positions": [
                {
                    "position": "1",
                    "symbol": "BTCUSDT",
                    "side": "long",
                    "qty": "0.5",
                    "mode": "isolated",
                    "mark": "60000",
                    "mark_source": "binance",
                    "mark_at": "2026-03-10T11:59:30.000Z",
                    "liquidation": "49799.19678714859437751004016",
                    "distance": "0.17",
                    "ratio": "0.03",
                }
            ],
        }
    ]
}
OLD_WEEKLY = {
    "portfolios": [
        {
            "name": "main",
            "closest": {
                "position": "1",
                "symbol": "BTCUSDT",
                "distance": "0.0412",
                "at": "2026-03-09T08:15:00.000Z",
            },
            "advice": BRIEF,
        }
    ]
}


async def test_rows_written_before_the_models_are_migrated_and_still_render(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    old = await Database.open(path, target_version=4)
    await UserRepository(old).get_or_create(42)
    outbox = AlertRepository(old)
    for kind, payload in (
        ("warning", OLD_ALERT),
        ("feed_down", OLD_FEED_DOWN),
        ("digest", OLD_DIGEST),
        ("weekly", OLD_WEEKLY),
    ):
        await outbox.enqueue(42, kind, payload, Urgency.NORMAL)
    await old.close()

    db = await Database.open(path)  # migration 0005 gives each payload its `kind`
    try:
        pending = await AlertRepository(db).pending()
    finally:
        await db.close()
    alert, notice, digest, weekly = (render(EN, read(m.payload), NOW).plain_text() for m in pending)

    assert alert.startswith("Warning: BTCUSDT long is 9.5% from liquidation\n")
    # rounded toward the long's danger
    assert "Mark 55,000.00 (binance, 12 s old) · liquidation 49,799.20" in alert
    assert "Add 149.00 USDT margin to get back to 10% from liquidation." in alert
    assert "In cross mode the liquidation price would be 42,168.68." in alert
    assert "Margin mode" not in alert  # the advice is in the details, a button away
    first = read(pending[0].payload)
    assert isinstance(first, AlertMessage)
    assert "Margin mode" in alert_details(EN, first, NOW).plain_text()
    assert notice.startswith("Live prices from bybit are unavailable since 2026-03-10 11:58 UTC.")
    assert "#1 BTCUSDT long  60,000.00   49,799.20" in digest
    assert "Marks: BTCUSDT binance, 30 s old" in digest
    assert "#1 BTCUSDT came within 4.1% of its liquidation price on 2026-03-09." in weekly
    assert [read(m.payload).kind for m in pending] == ["alert", "feed_down", "digest", "weekly"]


def _alert(**fields: Any) -> AlertMessage:
    return AlertMessage.model_validate({**OLD_ALERT, "kind": "alert", **fields})


async def test_messages_round_trip_exactly_through_the_outbox(
    tmp_path: Path,
) -> None:
    berlin = timezone(timedelta(hours=1))
    alert = _alert(target=Decimal("0.10"), wallet=Decimal("1E+4"))
    weekly = WeeklyMessage(
        portfolios=(
            WeeklyPortfolio(
                name="main",
                closest=ClosestCall(
                    position="1",
                    symbol="BTCUSDT",
                    distance=Decimal("0.04120"),
                    at=datetime(2026, 3, 9, 9, 15, 0, 123456, tzinfo=berlin),
                ),
                advice=BriefMessage.model_validate(BRIEF),
            ),
        )
    )
    notice = FeedDownMessage(exchange=Exchange.OKX, since=NOW)
    db = await Database.open(tmp_path / "new.db")
    try:
        await UserRepository(db).get_or_create(42)
        outbox = AlertRepository(db)
        for message in (alert, weekly, notice):
            await outbox.enqueue(42, outbox_kind(message), message)
        pending = await outbox.pending()
    finally:
        await db.close()

    assert [read(m.payload) for m in pending] == [alert, weekly, notice]
    assert [m.kind for m in pending] == ["warning", "weekly", "feed_down"]
    assert pending[0].payload["target"] == "0.10"  # the Decimal's own text, trailing zero kept
    assert pending[0].payload["wallet"] == "1E+4"
    back = read(pending[1].payload)
    assert isinstance(back, WeeklyMessage) and back.portfolios[0].closest is not None
    at = back.portfolios[0].closest.at
    assert (at, at.tzinfo) == (datetime(2026, 3, 9, 8, 15, 0, 123456, tzinfo=UTC), UTC)


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({**OLD_ALERT, "kind": "alert", "mark": 55000.5}, id="float-money"),
        pytest.param({**OLD_ALERT, "kind": "alert", "distance": "NaN"}, id="nan"),
        pytest.param({**OLD_ALERT, "kind": "alert", "level": "panic"}, id="unknown-level"),
        pytest.param({**OLD_ALERT, "kind": "alert", "mark_at": "2026-03-10T12:00"}, id="naive"),
        pytest.param({**OLD_ALERT, "kind": "alert", "extra": "x"}, id="unknown-field"),
        pytest.param(OLD_ALERT, id="no-kind"),
        pytest.param({"kind": "fireworks"}, id="unknown-kind"),
        pytest.param({"kind": "feed_down", "exchange": "binance"}, id="missing-field"),
    ],
)
def test_a_payload_that_is_no_message_is_refused_without_its_contents(
    payload: dict[str, Any],
) -> None:
    with pytest.raises(UnreadableMessage) as refused:
        read(payload)

    assert refused.value.errors >= 1
    assert "55000" not in str(refused.value) and refused.value.__cause__ is None


async def test_the_sender_drops_rows_it_cannot_read_and_sends_the_rest(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    services = await open_services(tmp_path / "isocross.db", clock=clock)
    try:
        await services.users.get_or_create(42)
        async with services.db.transaction() as conn:
            for kind, payload in (
                ("danger", '{"kind": "alert", "level": "danger", "symbol": "SECRETUSDT"}'),
                ("fireworks", '{"colour": "SECRET-GREEN"}'),
                ("warning", '["SECRET", "not an object"]'),
            ):
                await conn.execute(
                    "INSERT INTO outbox (user_id, kind, payload, urgency) VALUES (42, ?, ?, ?)",
                    (kind, payload, "urgent"),
                )
        good = FeedDownMessage(exchange=Exchange.BINANCE, since=clock.now)
        await services.alerts.enqueue(42, outbox_kind(good), good)
        transport = RecordingTransport(clock)
        sender = OutboxSender(services, transport, sleep=clock.sleep)

        with caplog.at_level(logging.DEBUG):
            assert await sender.drain() == 1
        assert await sender.drain() == 0  # never retried
        failures = await services.db.fetch_all("SELECT id, failure FROM outbox ORDER BY id")
    finally:
        await services.close()

    assert transport.texts()[0].startswith("Live prices from binance are unavailable")
    assert [tuple(row) for row in failures] == [
        (1, "unreadable"),
        (2, "unreadable"),
        (3, "unreadable"),
        (4, None),
    ]
    assert "SECRET" not in caplog.text  # ids only, never contents
    assert "outbox message 2 of user 42 is no known message" in caplog.text


def test_an_alerts_outbox_kind_is_its_level() -> None:
    assert outbox_kind(_alert(level=Level.DANGER)) == "danger"
    assert outbox_kind(_alert(side=Side.SHORT)) == "warning"


def test_the_alert_modules_leave_time_text_to_the_messages_and_storage() -> None:
    """Times reach bot.alerts from Services.clock and leave it inside messages; how they
    are written down is the models' (and storage's) business, not a private helper's."""
    root = Path(__file__).parents[2] / "bot" / "alerts"
    private = {
        f"{path.name}: {node.module}"
        for path in sorted(root.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("storage._")
    }
    assert private == set()
