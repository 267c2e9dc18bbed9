"""What the alert watch reads at start-up and after a change: every user with alerts
on, their settings, and all their portfolios, in three queries rather than one per user.

Every portfolio is watched, not only the active one: a trader who switches to
a test portfolio still holds the real positions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from engine.models import PositionMode
from storage._contents import POSITION_FIELDS, position_from_record
from storage.alert_settings import AlertSettings, settings_from_row
from storage.db import Database, fetch_all, owned_by
from storage.portfolios import StoredPortfolio, StoredPosition
from storage.users import User, user_from_row

__all__ = ["Watched", "watched"]


@dataclass(frozen=True, slots=True)
class Watched:
    user: User
    settings: AlertSettings
    portfolios: tuple[StoredPortfolio, ...]


async def watched(db: Database, *owners: int) -> list[Watched]:
    """Users whose alerts are on (all, or those of `owners`) with their portfolios."""
    columns = ", ".join(f"pos.{name}" for name in POSITION_FIELDS)
    async with db.read() as conn:
        users = await fetch_all(
            conn,
            "SELECT u.* FROM users u LEFT JOIN alert_settings s ON s.user_id = u.id"
            f" WHERE (s.enabled IS NULL OR s.enabled = 1){owned_by('u.id', owners, 'AND')}",
            owners,
        )
        settings = await fetch_all(
            conn, f"SELECT * FROM alert_settings{owned_by('user_id', owners)}", owners
        )
        rows = await fetch_all(
            conn,
            "SELECT p.user_id, p.id AS portfolio_id, p.name, p.wallet_balance, p.position_mode,"
            " pos.seq,"
            f" {columns} FROM portfolios p LEFT JOIN positions pos ON pos.portfolio_id = p.id"
            f" WHERE p.deleted_at IS NULL{owned_by('p.user_id', owners, 'AND')}"
            " ORDER BY p.user_id, p.id, pos.seq",
            owners,
        )
    by_user: dict[int, dict[int, tuple[str, Decimal, PositionMode, list[StoredPosition]]]] = (
        defaultdict(dict)
    )
    for row in rows:
        mode = PositionMode(row["position_mode"])
        portfolio = by_user[row["user_id"]].setdefault(
            row["portfolio_id"], (row["name"], Decimal(row["wallet_balance"]), mode, [])
        )
        if row["seq"] is not None:
            portfolio[3].append(StoredPosition(row["seq"], position_from_record(row, row["seq"])))
    found_settings = {row["user_id"]: settings_from_row(row) for row in settings}
    return [
        Watched(
            user=user_from_row(row),
            settings=found_settings.get(row["id"], AlertSettings()),
            portfolios=tuple(
                StoredPortfolio(pid, name, wallet, tuple(positions), mode)
                for pid, (name, wallet, mode, positions) in by_user[row["id"]].items()
            ),
        )
        for row in users
    ]
