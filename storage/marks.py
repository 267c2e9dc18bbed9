"""Manual marks: the price a user typed with /price BTC 61000, for when no feed answers.

Kept per user and symbol with the time it was set, so every reply that uses
it can say it is manual and how old it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from engine.errors import InvalidInput
from engine.numbers import ZERO, to_decimal
from engine.symbols import canonical_symbol
from storage._time import from_text, to_text
from storage.db import Database, fetch_one
from storage.errors import NotFound

__all__ = ["ManualMark", "ManualMarkRepository"]


@dataclass(frozen=True, slots=True)
class ManualMark:
    user_id: int
    symbol: str
    price: Decimal
    set_at: datetime


class ManualMarkRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def set(self, user_id: int, symbol: str, price: Decimal, now: datetime) -> ManualMark:
        """Store (or replace) the user's manual mark for `symbol`."""
        symbol = canonical_symbol(symbol)
        price = to_decimal(price, "price")
        if price <= ZERO:
            raise InvalidInput(field="price", reason="not_positive", value=price)
        async with self._db.transaction() as conn:
            if await fetch_one(conn, "SELECT 1 FROM users WHERE id = ?", (user_id,)) is None:
                raise NotFound(what="user", user_id=user_id)
            await conn.execute(
                "INSERT INTO manual_marks (user_id, symbol, price, set_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (user_id, symbol) DO UPDATE SET price = excluded.price,"
                " set_at = excluded.set_at",
                (user_id, symbol, str(price), to_text(now)),
            )
        return ManualMark(user_id, symbol, price, from_text(to_text(now)))

    async def clear(self, user_id: int, symbol: str) -> bool:
        """Remove the user's manual mark for `symbol`; False if there was none."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM manual_marks WHERE user_id = ? AND symbol = ?",
                (user_id, canonical_symbol(symbol)),
            )
            return cursor.rowcount == 1

    async def all(self) -> list[ManualMark]:
        """Every manual mark (a small table: the bot keeps it in memory)."""
        rows = await self._db.fetch_all("SELECT * FROM manual_marks")
        return [
            ManualMark(
                row["user_id"], row["symbol"], Decimal(row["price"]), from_text(row["set_at"])
            )
            for row in rows
        ]
