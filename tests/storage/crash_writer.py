"""Run by test_crash: make one write, acknowledge it on stdout, then wait to be killed."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from storage import Database, PortfolioRepository, UserRepository


async def main(path: Path, user_id: int, balance: str) -> None:
    db = await Database.open(path)
    await UserRepository(db).get_or_create(user_id)
    await PortfolioRepository(db).set_balance(user_id, balance)
    sys.stdout.write("ACK\n")
    sys.stdout.flush()
    await asyncio.sleep(60)  # never closes: the test kills us first


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]))
