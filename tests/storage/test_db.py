"""The connection: pragmas, one transaction per block, and one writer at a time."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from storage import Database


async def test_open_creates_folders_and_sets_pragmas(db_path: Path) -> None:
    assert not db_path.parent.exists()
    db = await Database.open(db_path)
    try:
        assert db_path.exists()
        pragmas = {
            name: (await db.fetch_one(f"PRAGMA {name}") or [None])[0]
            for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
        }
    finally:
        await db.close()
    # synchronous: 1 is NORMAL
    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "synchronous": 1,
        "busy_timeout": 5000,
    }


async def test_transaction_commits_the_block(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO users (id) VALUES (1)")
        await conn.execute("INSERT INTO users (id) VALUES (2)")

    rows = await db.fetch_all("SELECT id FROM users ORDER BY id")

    assert [row["id"] for row in rows] == [1, 2]


async def test_transaction_rolls_back_everything_on_error(db: Database) -> None:
    with pytest.raises(ZeroDivisionError):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO users (id) VALUES (1)")
            _ = 1 / 0

    assert await db.fetch_all("SELECT id FROM users") == []
    async with db.transaction() as conn:  # the connection is usable again
        await conn.execute("INSERT INTO users (id) VALUES (3)")
    assert [tuple(row) for row in await db.fetch_all("SELECT id FROM users")] == [(3,)]


async def test_a_failing_statement_rolls_back_the_earlier_ones(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO users (id) VALUES (1)")
            await conn.execute("INSERT INTO users (id) VALUES (1)")

    assert await db.fetch_all("SELECT id FROM users") == []


async def test_concurrent_transactions_are_serialized(db: Database) -> None:
    async def bump(user_id: int) -> None:
        async with db.transaction() as conn:
            row = await (await conn.execute("SELECT count(*) FROM users")).fetchone()
            await asyncio.sleep(0)  # let the other tasks try to run in between
            assert row is not None
            await conn.execute(
                "INSERT INTO users (id, language) VALUES (?, ?)", (user_id, str(row[0]))
            )

    await asyncio.gather(*(bump(user_id) for user_id in range(1, 21)))

    # each transaction saw every earlier one complete: counts 0..19, none repeated
    counts = sorted(int(row[0]) for row in await db.fetch_all("SELECT language FROM users"))
    assert counts == list(range(20))


async def test_nested_access_from_one_task_fails_fast_instead_of_deadlocking(
    db: Database,
) -> None:
    async with db.transaction():
        with pytest.raises(RuntimeError, match="nested"):
            await db.fetch_all("SELECT 1")


async def test_reads_do_not_see_writes_of_a_transaction_in_progress(db: Database) -> None:
    started = asyncio.Event()
    release = asyncio.Event()

    async def writer() -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO users (id) VALUES (1)")
            started.set()
            await release.wait()
            raise RuntimeError("abandon")

    task = asyncio.create_task(writer())
    await started.wait()
    read = asyncio.create_task(db.fetch_all("SELECT id FROM users"))
    await asyncio.sleep(0.01)
    assert not read.done()  # waits for the writer rather than reading its half-done work
    release.set()
    with pytest.raises(RuntimeError):
        await task

    assert await read == []


async def test_an_atomic_body_runs_inside_begin_immediate_and_commit(db: Database) -> None:
    async def body(conn: aiosqlite.Connection) -> list[int]:
        await conn.execute("INSERT INTO users (id) VALUES (1)")
        async with conn.execute("INSERT INTO users (id) VALUES (2)") as cursor:
            assert cursor.rowcount == 1
        return [row["id"] for row in await conn.execute_fetchall("SELECT id FROM users")]

    trips: list[str] = []
    await db.fetch_all("SELECT 1")  # the connection's own start-up work is done
    async with db.statement() as conn:
        await conn.set_trace_callback(trips.append)
    seen = await db.atomic(body)
    async with db.statement() as conn:
        await conn.set_trace_callback(None)  # type: ignore[arg-type]  # sqlite3 takes None

    assert seen == [1, 2]
    assert trips[0] == "BEGIN IMMEDIATE" and trips[-1] == "COMMIT"
    assert [row["id"] for row in await db.fetch_all("SELECT id FROM users")] == [1, 2]


async def test_an_atomic_body_that_fails_leaves_nothing_behind(db: Database) -> None:
    async def body(conn: aiosqlite.Connection) -> None:
        await conn.execute("INSERT INTO users (id) VALUES (1)")
        raise LookupError("refused half-way")

    with pytest.raises(LookupError):
        await db.atomic(body)

    assert await db.fetch_all("SELECT id FROM users") == []
    assert not await db.fetch_all("SELECT 1 WHERE 0")  # the connection is usable again


async def test_an_atomic_body_may_not_wait_for_the_event_loop(db: Database) -> None:
    async def body(conn: aiosqlite.Connection) -> None:
        await conn.execute("INSERT INTO users (id) VALUES (1)")
        await asyncio.sleep(0)  # not the database: there is no loop on its thread

    with pytest.raises(RuntimeError, match="awaited something other"):
        await db.atomic(body)

    assert await db.fetch_all("SELECT id FROM users") == []
