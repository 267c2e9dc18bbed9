"""A tiny migration runner keyed by `PRAGMA user_version`.

`migrations/NNNN_name.sql` are applied in order, each in its own transaction
together with the version bump, so a file is either fully applied or not at
all. The files ship as package data and are read through importlib.resources.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

from storage.errors import SchemaError

if TYPE_CHECKING:
    from storage.db import Database

__all__ = ["Migration", "latest_version", "load_migrations", "migrate", "split_statements"]

_FILE_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


@cache
def load_migrations() -> tuple[Migration, ...]:
    """Every shipped migration, in order; versions must run 1, 2, 3 … without gaps."""
    found: list[Migration] = []
    for entry in files("storage").joinpath("migrations").iterdir():
        match = _FILE_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda migration: migration.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise SchemaError("migration_gap", expected=expected, found=migration.name)
    return tuple(found)


def latest_version() -> int:
    """The schema version this code expects: the number of migration files."""
    return len(load_migrations())


async def migrate(db: Database, target: int | None = None) -> int:
    """Bring the file up to `target` (default: latest) and return the version reached.

    A file newer than this code is refused rather than guessed at: older code
    writing into a newer schema is how data gets lost.
    """
    migrations = load_migrations()
    target = len(migrations) if target is None else target
    if not 0 <= target <= len(migrations):
        raise SchemaError("unknown_version", version=target, latest=len(migrations))
    current = await current_version(db)
    if current > len(migrations):
        raise SchemaError("database_too_new", version=current, latest=len(migrations))
    for migration in migrations[current:target]:
        async with db.transaction() as conn:
            for statement in split_statements(migration.sql):
                await conn.execute(statement)
            # PRAGMA takes no parameters; the version is an int from the file name.
            await conn.execute(f"PRAGMA user_version = {migration.version:d}")
    return await current_version(db)


async def current_version(db: Database) -> int:
    """The version recorded in the file."""
    row = await db.fetch_one("PRAGMA user_version")
    return int(row[0]) if row else 0


def split_statements(script: str) -> list[str]:
    """Cut a script into single statements (sqlite3 runs one per execute).

    `executescript` would do this but commits first, breaking the one
    transaction per file; `complete_statement` knows about strings and triggers.
    """
    statements: list[str] = []
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if not _only_comments(buffer[:-1]):
                statements.append(buffer.strip())
            buffer = ""
    rest = buffer[:-1].strip()  # the split added one ';' too many at the end
    if rest and not _only_comments(rest):
        raise SchemaError("incomplete_statement", text=rest[:60])
    return statements


def _only_comments(text: str) -> bool:
    """True for blank text and `--` comment lines: nothing for SQLite to run."""
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())
