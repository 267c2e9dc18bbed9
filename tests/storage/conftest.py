"""Fixtures for storage tests: a real SQLite file per test, never a mock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from engine.models import Position, build
from storage import AlertRepository, Database, PortfolioRepository, UserRepository

ALICE = 1001
BOB = 2002
TABLES = (
    "users",
    "portfolios",
    "positions",
    "history",
    "alert_settings",
    "alert_state",
    "outbox",
    "manual_marks",
    "alert_snoozes",
    "outage_notices",
    "schedules_done",
)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "isocross.db"


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(db_path)
    yield database
    await database.close()


@pytest.fixture
def users(db: Database) -> UserRepository:
    return UserRepository(db)


@pytest.fixture
def portfolios(db: Database) -> PortfolioRepository:
    return PortfolioRepository(db)


@pytest.fixture
def alerts(db: Database) -> AlertRepository:
    return AlertRepository(db)


@pytest.fixture
async def alice(users: UserRepository) -> int:
    await users.get_or_create(ALICE)
    return ALICE


@pytest.fixture
async def bob(users: UserRepository) -> int:
    await users.get_or_create(BOB)
    return BOB


def position(
    symbol: str = "BTCUSDT",
    side: str = "long",
    qty: str = "0.5",
    entry: str = "62000.50",
    leverage: str = "10",
    **fields: Any,
) -> Position:
    return build(
        Position,
        {
            "symbol": symbol,
            "side": side,
            "qty": qty,
            "entry_price": entry,
            "leverage": leverage,
            **fields,
        },
    )


async def dump(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, to prove a failed write changed nothing at all."""
    return {
        table: [tuple(row) for row in await db.fetch_all(f"SELECT * FROM {table} ORDER BY 1")]
        for table in TABLES
    }
