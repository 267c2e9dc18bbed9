"""Pending confirmations: the command line a plain "yes" runs next, one per user.

A question ("Delete all 3 positions?") is asked in one message and answered in the
next, possibly after a restart or on another replica, so the line lives here rather
than in memory. It expires (`CONFIRMATION_TTL`): a "yes" typed an hour later is about
something else.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from storage._time import to_text
from storage.db import Database

__all__ = ["CONFIRMATION_TTL", "ConfirmationRepository"]

CONFIRMATION_TTL = timedelta(minutes=10)
_MAX_LINE = 200  # a command line, never a document


class ConfirmationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def ask(self, user_id: int, line: str, now: datetime) -> None:
        """Keep `line` as the user's one pending confirmation, replacing any other.
        A user not stored (a group-capable command's first contact) keeps nothing."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO pending_confirmations (user_id, line, expires_at)"
                " SELECT id, ?, ? FROM users WHERE id = ?"
                " ON CONFLICT (user_id) DO UPDATE SET line = excluded.line,"
                " expires_at = excluded.expires_at",
                (line[:_MAX_LINE], to_text(now + CONFIRMATION_TTL), user_id),
            )

    async def pending(self, user_id: int, now: datetime) -> str | None:
        """The line a "yes" would run now; None when nothing is pending or it expired."""
        row = await self._db.fetch_one(
            "SELECT line FROM pending_confirmations WHERE user_id = ? AND expires_at > ?",
            (user_id, to_text(now)),
        )
        return None if row is None else str(row["line"])

    async def clear(self, user_id: int) -> None:
        """Forget the user's pending confirmation. A read first: most lines have none,
        and they should not take the write lock for nothing."""
        found = await self._db.fetch_one(
            "SELECT 1 FROM pending_confirmations WHERE user_id = ?", (user_id,)
        )
        if found is None:
            return
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM pending_confirmations WHERE user_id = ?", (user_id,))
