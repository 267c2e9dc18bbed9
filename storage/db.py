"""One SQLite file, one aiosqlite connection, one writer at a time.

SQLite allows a single writer; holding exactly one connection and an asyncio
lock makes that explicit and keeps a half-finished transaction invisible to
other coroutines (they would otherwise share the same connection mid-flight).

Every aiosqlite call is a round trip to its thread and back, and each one hands
the interpreter lock between the two threads. `Database.atomic` runs a whole
write transaction on that thread in one round trip instead of one per statement.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeAlias, TypeVar, cast

import aiosqlite

from storage.errors import SchemaError
from storage.migrations import migrate

__all__ = ["Database", "Params", "fetch_all", "fetch_one", "insert", "owned_by"]

Params: TypeAlias = Sequence[object] | Mapping[str, object]
T = TypeVar("T")
Body: TypeAlias = Callable[[aiosqlite.Connection], Awaitable[T]]

_BUSY_TIMEOUT_MS = 5000
_MIN_SQLITE = (3, 37, 0)


class Database:
    """The application's handle on its SQLite file; create it with `Database.open`."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[object] | None = None

    @classmethod
    async def open(cls, path: Path, *, target_version: int | None = None) -> Database:
        """Open (creating if needed) and migrate to `target_version`, by default the latest."""
        if sqlite3.sqlite_version_info < _MIN_SQLITE:
            # STRICT tables need 3.37: an older SQLite cannot even read this schema.
            raise SchemaError("sqlite_too_old", version=sqlite3.sqlite_version)
        path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, sqlite3 must not add its own.
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            await _configure(conn)
            db = cls(conn, path)
            await migrate(db, target_version)
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        """Wait for the running transaction, then close the connection."""
        async with self._lock:
            await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run the block as one write transaction: COMMIT on success, ROLLBACK on any error.

        BEGIN IMMEDIATE takes SQLite's write lock up front, so a transaction never
        fails half-way because another process started writing after it read.
        """
        async with self._exclusive() as conn:
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                await conn.execute("COMMIT")
            except BaseException:
                await _rollback(conn)
                raise

    async def atomic(self, body: Body[T]) -> T:
        """`transaction()` in one round trip: BEGIN IMMEDIATE, `body`, COMMIT (ROLLBACK on
        any error) all run on the database thread.

        `body` gets a connection whose calls complete on the spot, so it may await that
        connection only: nothing of the event loop (it is not on the loop's thread).
        """
        async with self._exclusive() as conn:
            # aiosqlite's own way onto its thread, which its public calls all take
            done = await conn._execute(_atomically, conn, body)  # type: ignore[no-untyped-call]
        return cast(T, done)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run the block's queries against one consistent snapshot, without writing."""
        async with self._exclusive() as conn:
            await conn.execute("BEGIN")
            try:
                yield conn
            finally:
                await conn.execute("ROLLBACK")

    @asynccontextmanager
    async def statement(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection for ONE read statement: a single statement is its own consistent
        snapshot, so the BEGIN/ROLLBACK round trips of `read()` would buy nothing."""
        async with self._exclusive() as conn:
            yield conn

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Every row of one read-only query: one statement is its own snapshot, so no
        BEGIN/ROLLBACK round trips around it."""
        async with self._exclusive() as conn:
            return await fetch_all(conn, sql, params)

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """The first row of one read-only query, or None."""
        async with self._exclusive() as conn:
            return await fetch_one(conn, sql, params)

    @asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[aiosqlite.Connection]:
        task = asyncio.current_task()
        if task is not None and task is self._owner:
            # asyncio.Lock is not reentrant: nesting would wait for itself forever.
            raise RuntimeError("nested database access from the same task")
        async with self._lock:
            self._owner = task
            try:
                yield self._conn
            finally:
                self._owner = None


async def fetch_all(conn: aiosqlite.Connection, sql: str, params: Params = ()) -> list[sqlite3.Row]:
    """Every row of `sql` on a connection already inside `read()` or `transaction()`."""
    return list(await conn.execute_fetchall(sql, params))


async def fetch_one(
    conn: aiosqlite.Connection, sql: str, params: Params = ()
) -> sqlite3.Row | None:
    """The first row of `sql`, or None (one round trip: execute and fetch together)."""
    rows = await conn.execute_fetchall(sql, params)
    for row in rows:
        return row
    return None


async def insert(conn: aiosqlite.Connection, sql: str, params: Params = ()) -> int:
    """Run an INSERT and return the new row's id."""
    async with conn.execute(sql, params) as cursor:
        if cursor.lastrowid is None or cursor.rowcount != 1:
            raise RuntimeError("INSERT did not insert exactly one row")
        return cursor.lastrowid


class _OnItsThread(aiosqlite.Connection):
    """aiosqlite's connection, for code already running on its thread: every call runs
    at once instead of being queued for the thread (which would wait for itself)."""

    def __init__(self, conn: sqlite3.Connection) -> None:  # no thread of its own
        self._running = True
        self._connection = conn
        self._iter_chunk_size = 64

    async def _execute(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return fn(*args, **kwargs)

    def release(self) -> None:
        self._connection = None  # the outer connection owns it: nothing to close


def _atomically(outer: aiosqlite.Connection, body: Body[T]) -> T:
    """On the database thread: the transaction, driven to its end without an event loop
    (every await inside completes at once)."""
    here = _OnItsThread(outer._conn)
    run = _transaction(here, body)
    try:
        run.send(None)
    except StopIteration as finished:
        return finished.value  # type: ignore[no-any-return]
    else:
        run.close()  # rolls back where it stopped
        raise RuntimeError("an atomic body awaited something other than its connection")
    finally:
        here.release()


async def _transaction(conn: aiosqlite.Connection, body: Body[T]) -> T:
    await conn.execute("BEGIN IMMEDIATE")
    try:
        result = await body(conn)
        await conn.execute("COMMIT")
    except BaseException:
        await _rollback(conn)
        raise
    return result


def owned_by(column: str, owners: Sequence[object], keyword: str = "WHERE") -> str:
    """` WHERE column IN (?, ?, …)` with `owners` as its parameters, or "" for no owners
    (everyone's rows): one statement for a batch of owners instead of a round trip each
    (SQLite takes 32,766 parameters a statement)."""
    if not owners:
        return ""
    return f" {keyword} {column} IN ({', '.join('?' * len(owners))})"


async def _rollback(conn: aiosqlite.Connection) -> None:
    """Roll back, tolerating "no transaction": a COMMIT whose await was cancelled
    still runs on aiosqlite's thread, so it may already have ended the transaction."""
    try:
        await conn.execute("ROLLBACK")
    except sqlite3.OperationalError:
        if conn.in_transaction:
            raise


async def _configure(conn: aiosqlite.Connection) -> None:
    """WAL lets readers run beside the writer; NORMAL sync is safe in WAL against a
    process crash (a power cut may lose the last commits, never corrupt the file)."""
    async with conn.execute("PRAGMA journal_mode=WAL") as cursor:
        row = await cursor.fetchone()
    if row is None or str(row[0]).lower() != "wal":
        raise RuntimeError(f"SQLite refused WAL mode: {row and row[0]}")
    await conn.execute("PRAGMA foreign_keys=ON")
    await conn.execute("PRAGMA synchronous=NORMAL")
    await conn.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
