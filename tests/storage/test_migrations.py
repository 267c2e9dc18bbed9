"""Migrations: numbered files, applied in order, upgrading old files in place."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest

from storage import (
    AlertRepository,
    AlertSettings,
    Database,
    PortfolioRepository,
    Schedule,
    SchemaError,
    UserRepository,
    latest_version,
    load_migrations,
    migrate,
)
from storage.migrations import split_statements
from tests.storage.conftest import ALICE, BOB, position


async def _tables(db: Database) -> set[str]:
    rows = await db.fetch_all("SELECT name FROM sqlite_schema WHERE type = 'table'")
    return {row["name"] for row in rows}


def test_versions_are_the_numbered_files_in_order() -> None:
    shipped = sorted(
        entry.name
        for entry in files("storage").joinpath("migrations").iterdir()
        if entry.name.endswith(".sql")
    )

    assert [m.name for m in load_migrations()] == shipped
    assert [m.version for m in load_migrations()] == list(range(1, len(shipped) + 1))
    assert latest_version() == len(shipped) >= 2


async def test_a_new_file_is_at_the_latest_version(db: Database) -> None:
    row = await db.fetch_one("PRAGMA user_version")

    assert row is not None and row[0] == latest_version()
    assert {"users", "portfolios", "positions", "history", "outbox"} <= await _tables(db)


async def test_an_old_file_is_upgraded_in_place_with_its_data(db_path: Path) -> None:
    old = await Database.open(db_path, target_version=1)
    try:
        assert (await old.fetch_one("PRAGMA user_version") or [0])[0] == 1
        assert "alert_settings" not in await _tables(old)
        # today's repositories speak today's schema: the version-1 rows are written as SQL
        async with old.transaction() as conn:
            await conn.execute("INSERT INTO users (id, language) VALUES (?, 'de')", (ALICE,))
            await conn.execute(
                "INSERT INTO portfolios (id, user_id, name, wallet_balance)"
                " VALUES (1, ?, 'main', '1000.10')",
                (ALICE,),
            )
            await conn.execute("UPDATE users SET active_portfolio_id = 1 WHERE id = ?", (ALICE,))
            await conn.execute(
                "INSERT INTO positions (portfolio_id, seq, symbol, side, qty, entry_price,"
                " leverage, margin_mode) VALUES (1, 1, 'BTCUSDT', 'long', '0.003', '62000.50',"
                " '10', 'isolated')"
            )
            await conn.execute(
                "INSERT INTO history (user_id, portfolio_id, description, snapshot)"
                ' VALUES (?, 1, \'add_position\', \'{"wallet_balance": "1000.10",'
                ' "positions": []}\')',
                (ALICE,),
            )
    finally:
        await old.close()

    db = await Database.open(db_path)
    try:
        assert (await db.fetch_one("PRAGMA user_version") or [0])[0] == latest_version()
        upgraded = await PortfolioRepository(db).active(ALICE)
        assert [s.position for s in upgraded.positions] == [position(qty="0.003", id="1")]
        assert upgraded.wallet_balance == Decimal("1000.10")
        assert (await UserRepository(db).get(ALICE)).language == "de"
        assert await AlertRepository(db).settings(ALICE) == AlertSettings()
    finally:
        await db.close()


async def test_0006_moves_outages_and_schedule_dates_out_of_the_level_store(
    db_path: Path,
) -> None:
    old = await Database.open(db_path, target_version=5)
    try:
        for user in (ALICE, BOB):
            await UserRepository(old).get_or_create(user)
        async with old.transaction() as conn:  # the keys as the code before wrote them
            await conn.executemany(
                "INSERT INTO alert_state (user_id, position_key, level) VALUES (?, ?, ?)",
                [
                    (ALICE, "1:BTCUSDT:long", "danger"),
                    (ALICE, "1:cross", "warning"),
                    (ALICE, "feed:binance", "2026-03-10T21:00:00.000Z"),
                    (ALICE, "digest", "2026-03-10"),
                    (BOB, "feed:okx", "2026-03-09T08:30:00.000Z"),
                    (BOB, "weekly", "2026-03-09"),
                    (BOB, "feedback", "kept"),  # none of the three shapes: left alone
                ],
            )
    finally:
        await old.close()

    db = await Database.open(db_path)
    try:
        alerts = AlertRepository(db)
        levels = await alerts.levels()
        told = await alerts.outages_told()
        done = [
            await alerts.done_on(user, schedule)
            for user in (ALICE, BOB)
            for schedule in (Schedule.DIGEST, Schedule.WEEKLY)
        ]
        since = await db.fetch_all("SELECT user_id, since FROM outage_notices ORDER BY user_id")
    finally:
        await db.close()

    assert levels == {
        (ALICE, "1:BTCUSDT:long"): "danger",
        (ALICE, "1:cross"): "warning",
        (BOB, "feedback"): "kept",
    }
    assert told == {"binance": {ALICE}, "okx": {BOB}}
    assert done == [date(2026, 3, 10), None, None, date(2026, 3, 9)]
    assert [tuple(row) for row in since] == [
        (ALICE, "2026-03-10T21:00:00.000Z"),
        (BOB, "2026-03-09T08:30:00.000Z"),
    ]
    assert datetime.fromisoformat(since[0]["since"]) == datetime(2026, 3, 10, 21, tzinfo=UTC)


async def test_migrate_is_idempotent(db: Database) -> None:
    assert await migrate(db) == latest_version()
    assert await migrate(db, 1) == latest_version()  # never downgrades


async def test_a_file_from_newer_code_is_refused(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.close()

    with pytest.raises(SchemaError) as raised:
        await Database.open(db_path)

    assert raised.value.code == "database_too_new"


async def test_an_unknown_target_version_is_refused(db_path: Path) -> None:
    with pytest.raises(SchemaError) as raised:
        await Database.open(db_path, target_version=latest_version() + 1)

    assert raised.value.code == "unknown_version"


def test_split_statements_respects_strings_comments_and_triggers() -> None:
    script = """
        -- a comment; with a semicolon
        CREATE TABLE t (a TEXT DEFAULT 'x;y');
        CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; SELECT 2; END;
        -- trailing comment
    """

    statements = split_statements(script)

    assert len(statements) == 2
    assert statements[0].endswith("CREATE TABLE t (a TEXT DEFAULT 'x;y');")
    assert statements[1] == "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; SELECT 2; END;"


def test_split_statements_refuses_an_unterminated_string() -> None:
    with pytest.raises(SchemaError):
        split_statements("CREATE TABLE t (a TEXT);\nINSERT INTO t VALUES ('open")
