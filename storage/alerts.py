"""Alert settings, the last level sent per position, and the message outbox.

The outbox makes alerts survive a restart: a message is stored in the same
transaction as the state change that caused it and marked sent only after
Telegram accepted it, so a crash in between means a resend, never a loss.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Any

import aiosqlite

from engine.errors import InvalidInput
from engine.numbers import ONE, ZERO, to_decimal
from storage._json import dumps_exact
from storage.db import Database, fetch_one, insert
from storage.errors import NotFound

__all__ = ["AlertRepository", "AlertSettings", "OutboxMessage", "Urgency"]

_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
_DECIMAL_FIELDS = ("warn_ratio", "danger_ratio", "warn_distance", "danger_distance")
_TIME_FIELDS = ("quiet_start", "quiet_end", "digest_time")


class Urgency(StrEnum):
    URGENT = "urgent"  # send now, even in quiet hours (liquidation is close)
    NORMAL = "normal"
    DIGEST = "digest"  # wait for the daily digest


@dataclass(frozen=True, slots=True)
class AlertSettings:
    """Thresholds: ratio is maintenance / margin balance (1 = liquidation); distance
    is the fraction the mark must move to reach the liquidation price."""

    enabled: bool = True
    warn_ratio: Decimal = Decimal("0.70")
    danger_ratio: Decimal = Decimal("0.85")
    warn_distance: Decimal = Decimal("0.10")
    danger_distance: Decimal = Decimal("0.05")
    quiet_start: time | None = None  # in the user's timezone
    quiet_end: time | None = None
    digest_time: time | None = None


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    user_id: int
    kind: str
    payload: Mapping[str, Any]
    urgency: Urgency
    created_at: datetime


class AlertRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def settings(self, user_id: int) -> AlertSettings:
        """The user's settings, or the defaults if never changed."""
        row = await self._db.fetch_one("SELECT * FROM alert_settings WHERE user_id = ?", (user_id,))
        return AlertSettings() if row is None else _settings(row)

    async def update_settings(self, user_id: int, **fields: object) -> AlertSettings:
        """Change settings by name; the result must keep warn before danger."""
        async with self._db.transaction() as conn:
            await _require_user(conn, user_id)
            row = await fetch_one(
                conn, "SELECT * FROM alert_settings WHERE user_id = ?", (user_id,)
            )
            current = AlertSettings() if row is None else _settings(row)
            updated = dataclasses.replace(current, **_parse(fields))
            _check(updated)
            columns = [field.name for field in dataclasses.fields(AlertSettings)]
            values = [_column(getattr(updated, name)) for name in columns]
            await conn.execute(
                f"INSERT INTO alert_settings (user_id, {', '.join(columns)})"
                f" VALUES (?, {', '.join('?' for _ in columns)})"
                " ON CONFLICT (user_id) DO UPDATE SET"
                f" {', '.join(f'{name} = excluded.{name}' for name in columns)},"
                f" updated_at = {_NOW}",
                (user_id, *values),
            )
        return updated

    async def level(self, user_id: int, position_key: str) -> str | None:
        """The last alert level sent for a position, so the same one is not repeated."""
        row = await self._db.fetch_one(
            "SELECT level FROM alert_state WHERE user_id = ? AND position_key = ?",
            (user_id, position_key),
        )
        return None if row is None else str(row["level"])

    async def set_level(self, user_id: int, position_key: str, level: str | None) -> None:
        """Record the level reached; None forgets it (the position is safe again or gone)."""
        async with self._db.transaction() as conn:
            await _set_level(conn, user_id, position_key, level)

    async def enqueue(
        self,
        user_id: int,
        kind: str,
        payload: Mapping[str, object],
        urgency: Urgency = Urgency.NORMAL,
    ) -> int:
        """Store a message to send; numbers in `payload` as Decimal or text. Returns its id."""
        async with self._db.transaction() as conn:
            return await _enqueue(conn, user_id, kind, payload, urgency)

    async def raise_level(
        self,
        user_id: int,
        position_key: str,
        level: str,
        payload: Mapping[str, object],
        urgency: Urgency = Urgency.NORMAL,
    ) -> int:
        """Record a new level and queue its alert (kind = level) as one transaction,
        so neither a repeated nor a lost alert can follow a crash."""
        async with self._db.transaction() as conn:
            await _set_level(conn, user_id, position_key, level)
            return await _enqueue(conn, user_id, level, payload, urgency)

    async def pending(self, limit: int = 100) -> tuple[OutboxMessage, ...]:
        """Unsent messages of every user (the sender's view), urgent first, then oldest."""
        rows = await self._db.fetch_all(
            "SELECT * FROM outbox WHERE sent_at IS NULL ORDER BY"
            " CASE urgency WHEN 'urgent' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END, id LIMIT ?",
            (limit,),
        )
        return tuple(_message(row) for row in rows)

    async def mark_sent(self, user_id: int, message_id: int) -> bool:
        """Mark one of the user's messages sent; False if it was not pending."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"UPDATE outbox SET sent_at = {_NOW}"
                " WHERE id = ? AND user_id = ? AND sent_at IS NULL",
                (message_id, user_id),
            )
            return cursor.rowcount == 1


async def _require_user(conn: aiosqlite.Connection, user_id: int) -> None:
    if await fetch_one(conn, "SELECT 1 FROM users WHERE id = ?", (user_id,)) is None:
        raise NotFound(what="user", user_id=user_id)


async def _set_level(
    conn: aiosqlite.Connection, user_id: int, position_key: str, level: str | None
) -> None:
    if level is None:
        await conn.execute(
            "DELETE FROM alert_state WHERE user_id = ? AND position_key = ?",
            (user_id, position_key),
        )
        return
    await _require_user(conn, user_id)
    await conn.execute(
        "INSERT INTO alert_state (user_id, position_key, level) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id, position_key) DO UPDATE SET level = excluded.level,"
        f" updated_at = {_NOW}",
        (user_id, position_key, level),
    )


async def _enqueue(
    conn: aiosqlite.Connection,
    user_id: int,
    kind: str,
    payload: Mapping[str, object],
    urgency: Urgency,
) -> int:
    text = dumps_exact(payload, "payload")
    await _require_user(conn, user_id)
    return await insert(
        conn,
        "INSERT INTO outbox (user_id, kind, payload, urgency) VALUES (?, ?, ?, ?)",
        (user_id, kind, text, Urgency(urgency).value),
    )


def _parse(fields: Mapping[str, object]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "enabled":
            if not isinstance(value, bool):
                raise InvalidInput(field=name, reason="not_a_bool")
            parsed[name] = value
        elif name in _DECIMAL_FIELDS:
            parsed[name] = to_decimal(value, name)
        elif name in _TIME_FIELDS:
            parsed[name] = _time(value, name)
        else:
            raise InvalidInput(field=name, reason="unknown_setting")
    return parsed


def _time(value: object, field: str) -> time | None:
    """A wall-clock time, given as `datetime.time` or 'HH:MM'; kept to the minute."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = time.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput(field=field, reason="not_a_time", value=value) from None
    if not isinstance(value, time):
        raise InvalidInput(field=field, reason="not_a_time", value=value)
    return value.replace(second=0, microsecond=0, tzinfo=None)


def _check(settings: AlertSettings) -> None:
    """Danger is the nearer threshold: a higher ratio, a smaller distance."""
    if not ZERO < settings.warn_ratio < settings.danger_ratio <= ONE:
        raise InvalidInput(field="danger_ratio", reason="ratio_order")
    if not ZERO < settings.danger_distance < settings.warn_distance < ONE:
        raise InvalidInput(field="danger_distance", reason="distance_order")
    if (settings.quiet_start is None) != (settings.quiet_end is None):
        raise InvalidInput(field="quiet_end", reason="quiet_hours_incomplete")


def _column(value: object) -> object:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return None if value is None else str(value)


def _settings(row: sqlite3.Row) -> AlertSettings:
    def clock(column: str) -> time | None:
        text = row[column]
        return None if text is None else time.fromisoformat(text)

    return AlertSettings(
        enabled=bool(row["enabled"]),
        warn_ratio=Decimal(row["warn_ratio"]),
        danger_ratio=Decimal(row["danger_ratio"]),
        warn_distance=Decimal(row["warn_distance"]),
        danger_distance=Decimal(row["danger_distance"]),
        quiet_start=clock("quiet_start"),
        quiet_end=clock("quiet_end"),
        digest_time=clock("digest_time"),
    )


def _message(row: sqlite3.Row) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        user_id=row["user_id"],
        kind=row["kind"],
        payload=json.loads(row["payload"]),
        urgency=Urgency(row["urgency"]),
        created_at=datetime.fromisoformat(row["created_at"]),
    )
