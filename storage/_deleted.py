"""Deleted portfolios, kept so that /undo can bring the latest one back.

`/portfolio delete` hides a portfolio (`deleted_at`) instead of dropping it, and records
the deletion in the history table beside the ordinary changes, so ids order them: /undo
reverts whichever is newer, the active portfolio's latest change or the user's latest
deletion. Only one deleted portfolio is kept per user: deleting another, or creating a
portfolio with its name, drops it for good. A deleted portfolio is invisible everywhere
else (listing, switching, the limit, alerts).
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from storage._contents import PortfolioRef, State
from storage._history import Change, remember
from storage.db import fetch_one

__all__ = ["Deletion", "hide", "latest_deletion", "purge", "restore"]

LIVE = "deleted_at IS NULL"  # the condition every query on visible portfolios carries


@dataclass(frozen=True, slots=True)
class Deletion:
    history_id: int  # its row in history: newer than a change there means it came later
    ref: PortfolioRef
    name: str
    was_active: bool


async def purge(conn: aiosqlite.Connection, user_id: int, name: str | None = None) -> None:
    """Drop the user's deleted portfolios (only the one called `name`, when given) with
    their positions and history, for good."""
    await conn.execute(
        "DELETE FROM portfolios WHERE user_id = ? AND deleted_at IS NOT NULL"
        + (" AND name = ?" if name is not None else ""),
        (user_id,) if name is None else (user_id, name.strip()),
    )


async def hide(
    conn: aiosqlite.Connection, ref: PortfolioRef, state: State, *, was_active: bool
) -> None:
    """Delete `ref` the undoable way; any portfolio deleted before it is dropped."""
    await purge(conn, ref.user_id)
    await conn.execute(
        "UPDATE portfolios SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),"
        " deleted_while_active = ? WHERE id = ? AND user_id = ?",
        (int(was_active), ref.id, ref.user_id),
    )
    await remember(conn, ref, Change.DELETE_PORTFOLIO, state)


async def latest_deletion(conn: aiosqlite.Connection, user_id: int) -> Deletion | None:
    """The user's undoable deletion, if one is kept."""
    row = await fetch_one(
        conn,
        "SELECT h.id AS history_id, p.id, p.name, p.deleted_while_active FROM history h"
        " JOIN portfolios p ON p.id = h.portfolio_id AND p.user_id = h.user_id"
        " WHERE h.user_id = ? AND h.description = ? AND p.deleted_at IS NOT NULL"
        " ORDER BY h.id DESC LIMIT 1",
        (user_id, Change.DELETE_PORTFOLIO.value),
    )
    if row is None:
        return None
    ref = PortfolioRef(user_id, row["id"])
    return Deletion(row["history_id"], ref, str(row["name"]), bool(row["deleted_while_active"]))


async def restore(conn: aiosqlite.Connection, deletion: Deletion) -> None:
    """Bring a deleted portfolio back as it was, active again if it was active."""
    ref = deletion.ref
    await conn.execute(
        "UPDATE portfolios SET deleted_at = NULL, deleted_while_active = 0"
        " WHERE id = ? AND user_id = ?",
        (ref.id, ref.user_id),
    )
    await conn.execute(
        "DELETE FROM history WHERE id = ? AND user_id = ?", (deletion.history_id, ref.user_id)
    )
    if deletion.was_active:
        await conn.execute(
            "UPDATE users SET active_portfolio_id = ? WHERE id = ?", (ref.id, ref.user_id)
        )
