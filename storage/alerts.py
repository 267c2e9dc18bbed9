"""Alert settings, the last level sent per subject, the outages told, the schedules done,
and the message outbox.

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
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

import aiosqlite
from pydantic import BaseModel

from storage._json import dumps_exact
from storage._time import from_text, to_text
from storage.alert_baselines import Baseline, delete_baseline, read_baselines, write_baseline
from storage.alert_settings import AlertSettings, changed, column_value, settings_from_row
from storage.db import Database, fetch_one, insert, owned_by
from storage.errors import NotFound

__all__ = [
    "AlertRepository",
    "AlertSettings",
    "Baseline",
    "Hold",
    "OutboxMessage",
    "Schedule",
    "Urgency",
]

Payload = Mapping[str, object] | BaseModel  # a model is stored as its JSON form
_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"


class Urgency(StrEnum):
    URGENT = "urgent"  # send now, even in quiet hours (liquidation is close)
    NORMAL = "normal"
    DIGEST = "digest"  # wait for the daily digest


class Schedule(StrEnum):
    """A message that goes out once per local day (or week) at the user's time."""

    DIGEST = "digest"
    WEEKLY = "weekly"


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
            updated = changed(current, fields)
            columns = [field.name for field in dataclasses.fields(AlertSettings)]
            values = [column_value(getattr(updated, name)) for name in columns]
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

    async def message(self, user_id: int, message_id: int) -> OutboxMessage | None:
        """One of the user's messages, sent or not (an alert's Details button reads it
        back); None if it is not theirs or is gone."""
        row = await self._db.fetch_one(
            "SELECT * FROM outbox WHERE id = ? AND user_id = ?", (message_id, user_id)
        )
        return None if row is None else _message(row)

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
        """Forget a key for one user, or for every user (a feed is back for everyone):
        its level and its opening cushion."""
        async with self._db.transaction() as conn:
            if user_id is None:
                for table in ("alert_state", "alert_baselines"):
                    await conn.execute(
                        f"DELETE FROM {table} WHERE position_key = ?", (position_key,)
                    )
            else:
                await _set_level(conn, user_id, position_key, None)
                await delete_baseline(conn, user_id, position_key)

    async def baselines(self, *users: int) -> dict[tuple[int, str], Baseline]:
        """Every subject's opening cushion, of these users or of all."""
        return await read_baselines(self._db, users)

    async def arm(
        self, user_id: int, position_key: str, baseline: Baseline, level: str | None
    ) -> None:
        """A subject opened or changed: its new cushion and the level it is armed at
        (the one that already holds, told by the command's reply, never alerted), in
        one transaction."""
        async with self._db.transaction() as conn:
            await _require_user(conn, user_id)
            await write_baseline(conn, user_id, position_key, baseline)
            await _set_level(conn, user_id, position_key, level)

    async def outages_told(self) -> dict[str, set[int]]:
        """Per exchange, the users told it is down (remembered across a restart)."""
        found: dict[str, set[int]] = {}
        for row in await self._db.fetch_all("SELECT user_id, exchange FROM outage_notices"):
            found.setdefault(row["exchange"], set()).add(row["user_id"])
        return found

    async def tell_outage(
        self,
        user_id: int,
        exchange: str,
        since: datetime,
        payload: Payload,
        hold: Hold | None = None,
        *,
        kind: str = "feed_down",
    ) -> int:
        """Remember the user is told `exchange` is down since `since` and queue the
        notice, as one transaction: a crash neither repeats nor loses it."""
        async with self._db.transaction() as conn:
            await _require_user(conn, user_id)
            await conn.execute(
                "INSERT INTO outage_notices (user_id, exchange, since) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id, exchange) DO UPDATE SET since = excluded.since",
                (user_id, exchange, to_text(since)),
            )
            return await _enqueue(conn, user_id, kind, payload, Urgency.NORMAL, hold)

    async def outage_over(self, exchange: str) -> None:
        """Prices are back: forget who was told, so the next outage is told again."""
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM outage_notices WHERE exchange = ?", (exchange,))

    async def done_on(self, user_id: int, schedule: Schedule) -> date | None:
        """The user's local date the schedule was last done, so it comes once a day."""
        row = await self._db.fetch_one(
            "SELECT day FROM schedules_done WHERE user_id = ? AND schedule = ?",
            (user_id, Schedule(schedule).value),
        )
        return None if row is None else date.fromisoformat(row["day"])

    async def done(
        self, user_id: int, schedule: Schedule, day: date, payload: Payload | None = None
    ) -> int | None:
        """Record the schedule done for `day`; with `payload`, queue it too (kind: the
        schedule, urgency digest) in the same transaction. The message's id, if any."""
        async with self._db.transaction() as conn:
            await _require_user(conn, user_id)
            await conn.execute(
                "INSERT INTO schedules_done (user_id, schedule, day) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id, schedule) DO UPDATE SET day = excluded.day",
                (user_id, Schedule(schedule).value, day.isoformat()),
            )
            if payload is None:
                return None
            return await _enqueue(conn, user_id, schedule.value, payload, Urgency.DIGEST, None)

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


def _message(row: sqlite3.Row) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        user_id=row["user_id"],
        kind=row["kind"],
        payload=json.loads(row["payload"]),
        urgency=Urgency(row["urgency"]),
        created_at=datetime.fromisoformat(row["created_at"]),
    )
