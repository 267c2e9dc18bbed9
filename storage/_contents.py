"""What a portfolio holds, as rows, as JSON snapshots, and as engine models.

Every write replaces the whole contents (balance + positions) with a new
state that the engine has validated, so renumbering after a close, undo and
ordinary edits all take the same, single path.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

import aiosqlite

from engine.models import Portfolio, Position, PositionMode, build
from engine.numbers import to_decimal
from storage.db import fetch_all, fetch_one
from storage.errors import NotFound

__all__ = [
    "Leg",
    "PortfolioRef",
    "State",
    "active_ref",
    "load_active",
    "load_state",
    "normalize",
    "position_from_record",
    "state_from_json",
    "state_to_json",
    "validate",
    "write_state",
]

POSITION_FIELDS = (
    "symbol",
    "side",
    "qty",
    "entry_price",
    "leverage",
    "margin_mode",
    "isolated_margin",
    "extra_margin",
    "mark_price",
    "funding_paid",
)
_NEW_KEY = "lower(hex(randomblob(5)))"  # a new position's stable key (migration 0012)
_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
# positions carry no user id: reach them only through a portfolio the user owns
_OWNED = "(SELECT id FROM portfolios WHERE id = ? AND user_id = ?)"


@dataclass(frozen=True, slots=True)
class PortfolioRef:
    """A portfolio id together with its owner, so no query can forget the owner."""

    user_id: int
    id: int


@dataclass(frozen=True, slots=True)
class Leg:
    position: Position
    created_at: str | None = None  # None until stored: SQLite stamps it
    key: str | None = None  # stable identity (migration 0012); None until stored


@dataclass(frozen=True, slots=True)
class State:
    """A portfolio's contents: what a change replaces and an undo snapshot restores."""

    wallet_balance: Decimal
    legs: tuple[Leg, ...]
    position_mode: PositionMode


def normalize(position: Position) -> Position:
    """Validate again (`model_copy` skips validation) and drop what is not stored:
    the id (the stored number replaces it) and tiers (they come from the tier book)."""
    fields = {name: getattr(position, name) for name in POSITION_FIELDS}
    return build(Position, fields)


def validate(state: State) -> None:
    """Raise the engine's error if the state is not a valid portfolio under its mode."""
    positions = [
        leg.position.model_copy(update={"id": str(seq)}) for seq, leg in enumerate(state.legs, 1)
    ]
    build(
        Portfolio,
        {
            "position_mode": state.position_mode,
            "wallet_balance": state.wallet_balance,
            "positions": positions,
        },
    )


def _text(value: object) -> str | None:
    """Decimal as its exact text (never float), enums as their value."""
    if value is None:
        return None
    if isinstance(value, StrEnum):
        return value.value
    return str(value)


def _record(position: Position) -> dict[str, str | None]:
    return {field: _text(getattr(position, field)) for field in POSITION_FIELDS}


def position_from_record(record: sqlite3.Row | dict[str, Any], seq: int) -> Position:
    """A stored position back as an engine model, its id the number the user sees. An
    undo snapshot written before funding was kept has none: zero."""
    fields = {field: _field(record, field) for field in POSITION_FIELDS}
    if fields["funding_paid"] is None:
        del fields["funding_paid"]
    return build(Position, {"id": str(seq), **fields})


def _field(record: sqlite3.Row | dict[str, Any], field: str) -> Any:
    if isinstance(record, dict):
        return record.get(field)
    return record[field]


def state_to_json(state: State) -> str:
    """The undo snapshot: every number as a decimal string."""
    legs = [
        {**_record(leg.position), "created_at": leg.created_at, "key": leg.key}
        for leg in state.legs
    ]
    return json.dumps(
        {
            "wallet_balance": str(state.wallet_balance),
            "position_mode": state.position_mode.value,
            "positions": legs,
        }
    )


def state_from_json(text: str, mode: PositionMode) -> State:
    """A snapshot back as a state; one taken before snapshots held the position mode
    (migration 0009) keeps `mode`, the portfolio's current one."""
    data = json.loads(text)
    return State(
        to_decimal(data["wallet_balance"], "wallet_balance"),
        tuple(
            Leg(position_from_record(item, seq), item.get("created_at"), item.get("key"))
            for seq, item in enumerate(data["positions"], 1)
        ),
        PositionMode(data.get("position_mode", mode)),
    )


async def active_ref(
    conn: aiosqlite.Connection, user_id: int
) -> tuple[PortfolioRef, str, PositionMode]:
    """The user's active portfolio: reference, name and position mode."""
    row = await fetch_one(
        conn,
        "SELECT p.id, p.name, p.position_mode FROM users u"
        " JOIN portfolios p ON p.id = u.active_portfolio_id AND p.user_id = u.id"
        " WHERE u.id = ?",
        (user_id,),
    )
    if row is None:
        raise NotFound(what="user", user_id=user_id)
    return PortfolioRef(user_id, row["id"]), row["name"], PositionMode(row["position_mode"])


async def load_active(conn: aiosqlite.Connection, user_id: int) -> tuple[PortfolioRef, str, State]:
    """The active portfolio, its name and its contents (position mode included), in ONE
    query: every statement is a round trip to the database thread, the costliest step."""
    columns = ", ".join(f"pos.{name}" for name in POSITION_FIELDS)
    rows = await fetch_all(
        conn,
        "SELECT p.id AS portfolio_id, p.name, p.wallet_balance, p.position_mode,"
        f" pos.seq, pos.created_at, pos.key, {columns}"
        " FROM users u"
        " JOIN portfolios p ON p.id = u.active_portfolio_id AND p.user_id = u.id"
        " LEFT JOIN positions pos ON pos.portfolio_id = p.id"
        " WHERE u.id = ? ORDER BY pos.seq",
        (user_id,),
    )
    if not rows:
        raise NotFound(what="user", user_id=user_id)
    head = rows[0]
    legs = tuple(
        Leg(position_from_record(row, row["seq"]), row["created_at"], row["key"])
        for row in rows
        if row["seq"] is not None
    )
    wallet = to_decimal(head["wallet_balance"], "wallet_balance")
    state = State(wallet, legs, PositionMode(head["position_mode"]))
    return PortfolioRef(user_id, head["portfolio_id"]), head["name"], state


async def load_state(conn: aiosqlite.Connection, ref: PortfolioRef) -> State:
    head = await fetch_one(
        conn,
        "SELECT wallet_balance, position_mode FROM portfolios WHERE id = ? AND user_id = ?",
        (ref.id, ref.user_id),
    )
    if head is None:
        raise NotFound(what="portfolio", portfolio_id=ref.id)
    rows = await fetch_all(
        conn,
        f"SELECT seq, created_at, key, {', '.join(POSITION_FIELDS)} FROM positions"
        f" WHERE portfolio_id = {_OWNED} ORDER BY seq",
        (ref.id, ref.user_id),
    )
    legs = tuple(
        Leg(position_from_record(row, row["seq"]), row["created_at"], row["key"]) for row in rows
    )
    wallet = to_decimal(head["wallet_balance"], "wallet_balance")
    return State(wallet, legs, PositionMode(head["position_mode"]))


async def write_state(
    conn: aiosqlite.Connection, ref: PortfolioRef, state: State, before: State | None = None
) -> None:
    """Store the portfolio's balance, position mode and positions (numbered 1..n).

    With `before` (what is stored now), only the part that changed is written:
    each statement is a round trip to the database thread.
    """
    if before is None or (before.wallet_balance, before.position_mode) != (
        state.wallet_balance,
        state.position_mode,
    ):
        cursor = await conn.execute(
            "UPDATE portfolios SET wallet_balance = ?, position_mode = ?"
            " WHERE id = ? AND user_id = ?",
            (str(state.wallet_balance), state.position_mode.value, ref.id, ref.user_id),
        )
        if cursor.rowcount != 1:
            raise NotFound(what="portfolio", portfolio_id=ref.id)
    if before is not None and before.legs == state.legs:
        return
    await conn.execute(
        f"DELETE FROM positions WHERE portfolio_id = {_OWNED}", (ref.id, ref.user_id)
    )
    placeholders = ", ".join("?" for _ in POSITION_FIELDS)
    await conn.executemany(
        f"INSERT INTO positions (portfolio_id, seq, created_at, key, {', '.join(POSITION_FIELDS)})"
        f" VALUES (?, ?, COALESCE(?, {_NOW}), COALESCE(?, {_NEW_KEY}), {placeholders})",
        [
            (ref.id, seq, leg.created_at, leg.key, *_record(leg.position).values())
            for seq, leg in enumerate(state.legs, 1)
        ],
    )
