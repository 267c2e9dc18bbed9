"""Crash safety: a write acknowledged before a SIGKILL is there after a restart."""

from __future__ import annotations

import signal
from decimal import Decimal
from pathlib import Path

import pytest

from storage import Database, PortfolioRepository
from tests.killed import first_line_then_kill
from tests.storage.conftest import ALICE

WRITER = Path(__file__).with_name("crash_writer.py")


@pytest.mark.e2e
async def test_an_acknowledged_write_survives_sigkill(db_path: Path) -> None:
    line, returncode = await first_line_then_kill(
        WRITER, str(db_path), str(ALICE), "62000.50", timeout=20
    )
    assert line == b"ACK\n"
    assert returncode == -signal.SIGKILL
    # the commit lives only in the write-ahead log: recovery has to replay it
    assert db_path.with_name(db_path.name + "-wal").stat().st_size > 0
    db = await Database.open(db_path)
    try:
        balance = (await PortfolioRepository(db).active(ALICE)).wallet_balance
        integrity = await db.fetch_one("PRAGMA integrity_check")
    finally:
        await db.close()
    assert str(balance) == "62000.50" and balance == Decimal("62000.50")
    assert integrity is not None and integrity[0] == "ok"
