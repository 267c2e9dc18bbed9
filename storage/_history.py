"""Undo history: the portfolio as it was before each change, newest last.

A snapshot is the whole contents as JSON with decimal strings, so undo is
"write this state back", the same path every edit takes.
"""

from __future__ import annotations

from enum import StrEnum

import aiosqlite

from engine.models import PositionMode
from storage._contents import PortfolioRef, State, state_from_json, state_to_json
from storage.db import fetch_one

__all__ = ["HISTORY_LIMIT", "Change", "latest_id", "pop_latest", "remember"]

HISTORY_LIMIT = 50  # undo steps kept per portfolio


class Change(StrEnum):
    """What a write did: stored with its undo snapshot, returned by `undo`."""

    SET_BALANCE = "set_balance"
    ADD_POSITION = "add_position"
    REPLACE_POSITION = "replace_position"
    REMOVE_POSITION = "remove_position"
    SET_MODE_ALL = "set_mode_all"
    RESET = "reset"
    DELETE_PORTFOLIO = "delete_portfolio"  # /portfolio delete: undone by storage._deleted
    ADD_TO_POSITION = "add_to_position"  # averaged in
    REDUCE_POSITION = "reduce_position"  # partly closed, PnL booked
    CLOSE_POSITION = "close_position"  # closed, PnL booked
    REVERSE_POSITION = "reverse_position"  # closed and the rest opened on the other side
    SET_POSITION_MODE = "set_position_mode"  # hedge on or off


async def remember(
    conn: aiosqlite.Connection, ref: PortfolioRef, change: Change, before: State
) -> None:
    """Store the snapshot taken before `change`; forget all but the latest HISTORY_LIMIT."""
    await conn.execute(
        "INSERT INTO history (user_id, portfolio_id, description, snapshot) VALUES (?, ?, ?, ?)",
        (ref.user_id, ref.id, change.value, state_to_json(before)),
    )
    await conn.execute(
        "DELETE FROM history WHERE user_id = ? AND portfolio_id = ? AND id <= ("
        " SELECT id FROM history WHERE user_id = ? AND portfolio_id = ?"
        " ORDER BY id DESC LIMIT 1 OFFSET ?)",
        (ref.user_id, ref.id, ref.user_id, ref.id, HISTORY_LIMIT),
    )


async def pop_latest(
    conn: aiosqlite.Connection, ref: PortfolioRef, mode: PositionMode
) -> tuple[Change, State] | None:
    """Take the newest snapshot off the portfolio's history; None when it is empty. `mode`
    is the portfolio's current position mode, for a snapshot older than the mode's column."""
    row = await fetch_one(
        conn,
        "SELECT id, description, snapshot FROM history"
        " WHERE user_id = ? AND portfolio_id = ? ORDER BY id DESC LIMIT 1",
        (ref.user_id, ref.id),
    )
    if row is None:
        return None
    await conn.execute("DELETE FROM history WHERE id = ? AND user_id = ?", (row["id"], ref.user_id))
    return Change(row["description"]), state_from_json(row["snapshot"], mode)


async def latest_id(conn: aiosqlite.Connection, ref: PortfolioRef) -> int | None:
    """The id of the portfolio's newest snapshot (ids only grow), or None."""
    row = await fetch_one(
        conn,
        "SELECT max(id) AS id FROM history WHERE user_id = ? AND portfolio_id = ?",
        (ref.user_id, ref.id),
    )
    return None if row is None or row["id"] is None else int(row["id"])
