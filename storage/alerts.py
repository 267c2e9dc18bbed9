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
from pydantic import BaseModel

from engine.errors import InvalidInput
from engine.numbers import ONE, ZERO, to_decimal
from storage._json import dumps_exact
from storage._time import from_text, to_text
from storage.db import Database, fetch_one, insert, owned_by
from storage.errors import NotFound

__all__ = ["AlertRepository", "AlertSettings", "Hold", "OutboxMessage", "Urgency"]

Payload = Mapping[str, object] | BaseModel  # a model is stored as its JSON form
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
    weekly_review: bool = False  # /digest weekly: the mode advice with the week's closest call


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    user_id: int
    kind: str
    payload: Mapping[str, Any]
    urgency: Urgency
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Hold:
    """How an outbox message waits its turn: not before `not_before` (quiet hours),
    and among messages of the same urgency, smaller `priority` first."""

    not_before: datetime | None = None
    priority: int | None = None


class AlertRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def settings(self, user_id: int) -> AlertSettings:
        """The user's settings, or the defaults if never changed."""
        row = await self._db.fetch_one("SELECT * FROM alert_settings WHERE user_id = ?", (user_id,))
        return AlertSettings() if row is None else settings_from_row(row)

    async def update_settings(self, user_id: int, **fields: object) -> AlertSettings:
        """Change settings by name; the result must keep warn before danger."""
        async with self._db.transaction() as conn:
            await _require_user(conn, user_id)
            row = await fetch_one(
                conn, "SELECT * FROM alert_settings WHERE user_id = ?", (user_id,)
            )
            current = AlertSettings() if row is None else settings_from_row(row)
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
        payload: Payload,
        urgency: Urgency = Urgency.NORMAL,
        hold: Hold | None = None,
    ) -> int:
        """Store a message to send; numbers in `payload` as Decimal or text, a model as its
        JSON form (`model_dump(mode="json")`). Returns its id."""
        async with self._db.transaction() as conn:
            return await _enqueue(conn, user_id, kind, payload, urgency, hold)

    async def raise_level(
        self,
        user_id: int,
        position_key: str,
        level: str,
        payload: Payload,
        urgency: Urgency = Urgency.NORMAL,
        hold: Hold | None = None,
        *,
        kind: str | None = None,
    ) -> int:
        """Record a new level and queue its message (kind: the level unless given) as
        one transaction, so neither a repeated nor a lost alert can follow a crash."""
        async with self._db.transaction() as conn:
            await _set_level(conn, user_id, position_key, level)
            return await _enqueue(conn, user_id, kind or level, payload, urgency, hold)

    async def pending(
        self, limit: int = 100, now: datetime | None = None
    ) -> tuple[OutboxMessage, ...]:
        """Unsent messages of every user (the sender's view): urgent first, then by
        priority (closest to liquidation), then oldest; with `now`, held ones wait."""
        held = "" if now is None else " AND (not_before IS NULL OR not_before <= ?)"
        params: tuple[object, ...] = (limit,) if now is None else (to_text(now), limit)
        rows = await self._db.fetch_all(
            f"SELECT * FROM outbox WHERE sent_at IS NULL{held} ORDER BY"
            " CASE urgency WHEN 'urgent' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END,"
            " priority IS NULL, priority, id LIMIT ?",
            params,
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

    async def mark_failed(self, user_id: int, message_id: int, reason: str) -> bool:
        """Give up on a message that can never arrive (blocked bot); False if not pending."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"UPDATE outbox SET sent_at = {_NOW}, failure = ?"
                " WHERE id = ? AND user_id = ? AND sent_at IS NULL",
                (reason[:200], message_id, user_id),
            )
            return cursor.rowcount == 1

    async def levels(self, *users: int) -> dict[tuple[int, str], str]:
        """Every remembered level of these users, or of all (to rebuild the watch at start)."""
        rows = await self._db.fetch_all(
            f"SELECT user_id, position_key, level FROM alert_state{owned_by('user_id', users)}",
            users,
        )
        return {(row["user_id"], row["position_key"]): row["level"] for row in rows}

    async def forget(self, position_key: str, user_id: int | None = None) -> None:
        """Forget a key for one user, or for every user (a feed is back for everyone)."""
        async with self._db.transaction() as conn:
            if user_id is None:
                await conn.execute(
                    "DELETE FROM alert_state WHERE position_key = ?", (position_key,)
                )
            else:
                await _set_level(conn, user_id, position_key, None)

    async def snooze(self, user_id: int, symbol: str, until: datetime | None) -> None:
        """Silence a symbol's warnings and dangers until `until` ('*': every symbol);
        None lifts the snooze."""
        async with self._db.transaction() as conn:
            if until is None:
                await conn.execute(
                    "DELETE FROM alert_snoozes WHERE user_id = ? AND symbol = ?", (user_id, symbol)
                )
                return
            await _require_user(conn, user_id)
            await conn.execute(
                "INSERT INTO alert_snoozes (user_id, symbol, until) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id, symbol) DO UPDATE SET until = excluded.until",
                (user_id, symbol, to_text(until)),
            )

    async def snoozes(self, now: datetime, *users: int) -> dict[int, dict[str, datetime]]:
        """Snoozes still running at `now`, per user and symbol: of these users, or of all."""
        only = owned_by("user_id", users, "AND")
        rows = await self._db.fetch_all(
            f"SELECT user_id, symbol, until FROM alert_snoozes WHERE until > ?{only}",
            (to_text(now), *users),
        )
        found: dict[int, dict[str, datetime]] = {}
        for row in rows:
            found.setdefault(row["user_id"], {})[row["symbol"]] = from_text(row["until"])
        return found

    async def weekly_times(self) -> list[tuple[int, time | None, str]]:
        """(user, digest time or None, timezone) of every user who asked for the weekly
        review."""
        rows = await self._db.fetch_all(
            "SELECT s.user_id, s.digest_time, u.timezone FROM alert_settings s"
            " JOIN users u ON u.id = s.user_id WHERE s.weekly_review = 1"
        )
        return [
            (
                row["user_id"],
                None if row["digest_time"] is None else time.fromisoformat(row["digest_time"]),
                row["timezone"],
            )
            for row in rows
        ]

    async def digest_times(self) -> list[tuple[int, time, str]]:
        """(user, digest time, timezone) of every user who asked for a daily digest."""
        rows = await self._db.fetch_all(
            "SELECT s.user_id, s.digest_time, u.timezone FROM alert_settings s"
            " JOIN users u ON u.id = s.user_id WHERE s.digest_time IS NOT NULL"
        )
        return [
            (row["user_id"], time.fromisoformat(row["digest_time"]), row["timezone"])
            for row in rows
        ]


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
    payload: Payload,
    urgency: Urgency,
    hold: Hold | None,
) -> int:
    data = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
    text = dumps_exact(data, "payload")
    hold = hold or Hold()
    await _require_user(conn, user_id)
    not_before = None if hold.not_before is None else to_text(hold.not_before)
    return await insert(
        conn,
        "INSERT INTO outbox (user_id, kind, payload, urgency, not_before, priority)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (user_id, kind, text, Urgency(urgency).value, not_before, hold.priority),
    )


def _parse(fields: Mapping[str, object]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for name, value in fields.items():
        if name in ("enabled", "weekly_review"):
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


def settings_from_row(row: sqlite3.Row) -> AlertSettings:
    """A row of alert_settings as AlertSettings."""

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
        weekly_review=bool(row["weekly_review"]),
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
