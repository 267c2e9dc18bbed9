"""What the scheduled mode advice remembers: the advice last told per portfolio, and
each position's closest call per day for the weekly review."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from engine.review import DistanceSample
from storage._time import from_text, to_text
from storage.db import Database

__all__ = ["KEEP_SAMPLES", "ReviewRepository"]

KEEP_SAMPLES = timedelta(days=8)  # a week of days, and the day the review is sent


class ReviewRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def advice_key(self, portfolio_id: int) -> str | None:
        """The key of the advice last told about this portfolio in a digest, if any."""
        row = await self._db.fetch_one(
            "SELECT advice_key FROM advice_told WHERE portfolio_id = ?", (portfolio_id,)
        )
        return None if row is None else str(row["advice_key"])

    async def set_advice_key(self, portfolio_id: int, key: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO advice_told (portfolio_id, advice_key) VALUES (?, ?)"
                " ON CONFLICT (portfolio_id) DO UPDATE SET advice_key = excluded.advice_key,"
                " told_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                (portfolio_id, key),
            )

    async def record(self, portfolio_id: int, samples: Iterable[DistanceSample]) -> None:
        """Keep each position's smallest distance per UTC day; forget days past
        KEEP_SAMPLES. The comparison is on the exact decimal values."""
        found = list(samples)
        if not found:
            return
        async with self._db.transaction() as conn:
            for sample in found:
                day = sample.at.date().isoformat()
                async with conn.execute(
                    "SELECT distance FROM distance_samples"
                    " WHERE portfolio_id = ? AND position_id = ? AND day = ?",
                    (portfolio_id, sample.position_id, day),
                ) as cursor:
                    row = await cursor.fetchone()
                if row is not None and Decimal(row[0]) <= sample.distance:
                    continue
                await conn.execute(
                    "INSERT OR REPLACE INTO distance_samples"
                    " (portfolio_id, position_id, day, symbol, distance, at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        portfolio_id,
                        sample.position_id,
                        day,
                        sample.symbol,
                        str(sample.distance),
                        to_text(sample.at),
                    ),
                )
            oldest = (max(s.at for s in found) - KEEP_SAMPLES).date().isoformat()
            await conn.execute(
                "DELETE FROM distance_samples WHERE portfolio_id = ? AND day < ?",
                (portfolio_id, oldest),
            )

    async def samples(self, portfolio_id: int, since: datetime) -> list[DistanceSample]:
        """The daily closest calls of this portfolio's positions from `since` on."""
        rows = await self._db.fetch_all(
            "SELECT position_id, symbol, distance, at FROM distance_samples"
            " WHERE portfolio_id = ? AND at >= ? ORDER BY at",
            (portfolio_id, to_text(since)),
        )
        return [
            DistanceSample(
                from_text(r["at"]), r["position_id"], r["symbol"], Decimal(r["distance"])
            )
            for r in rows
        ]
