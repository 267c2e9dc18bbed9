"""Each alert subject's opening cushion: what it looked like when opened or last changed.

The default alert levels scale with this cushion (half of it gone: warning,
three quarters: danger), so a 20x position is not born in danger and a 5x
position is not warned too late. The fingerprint tells the watch that a
subject changed since (a new position, a margin added, a new leverage or
balance): then the cushion is measured again and the level armed from there.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

import aiosqlite

from storage.db import Database, owned_by

__all__ = ["Baseline", "delete_baseline", "read_baselines", "write_baseline"]

_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"


@dataclass(frozen=True, slots=True)
class Baseline:
    fingerprint: str  # a digest of the subject's positions (and wallet, for cross)
    cushion: Decimal | None  # its distance to liquidation then; None: it had no price


async def read_baselines(db: Database, users: Collection[int]) -> dict[tuple[int, str], Baseline]:
    """Every stored baseline of these users, or of all when `users` is empty."""
    rows = await db.fetch_all(
        "SELECT user_id, position_key, fingerprint, cushion FROM alert_baselines"
        f"{owned_by('user_id', tuple(users))}",
        tuple(users),
    )
    return {
        (row["user_id"], row["position_key"]): Baseline(
            row["fingerprint"], None if row["cushion"] is None else Decimal(row["cushion"])
        )
        for row in rows
    }


async def write_baseline(
    conn: aiosqlite.Connection, user_id: int, position_key: str, baseline: Baseline
) -> None:
    cushion = None if baseline.cushion is None else str(baseline.cushion)
    await conn.execute(
        "INSERT INTO alert_baselines (user_id, position_key, fingerprint, cushion)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (user_id, position_key) DO UPDATE SET"
        f" fingerprint = excluded.fingerprint, cushion = excluded.cushion, updated_at = {_NOW}",
        (user_id, position_key, baseline.fingerprint, cushion),
    )


async def delete_baseline(conn: aiosqlite.Connection, user_id: int, position_key: str) -> None:
    await conn.execute(
        "DELETE FROM alert_baselines WHERE user_id = ? AND position_key = ?",
        (user_id, position_key),
    )
