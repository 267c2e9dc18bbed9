"""Run by test_kill: the real bot polling the fake Bot API at argv[1] on the database
argv[2]; says UP once it polls, then runs until it is killed."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.app import build_application, running
from bot.config import Settings

CLOSED_PORT = "http://127.0.0.1:9"


async def main(url: str, db_path: Path) -> None:
    settings = Settings.model_validate(
        {
            "TELEGRAM_BOT_TOKEN": "123456789:AAFakeTokenForTestsOnly-0123456789abcd",
            "TELEGRAM_API_URL": url,
            "ISOCROSS_DB_PATH": str(db_path),
            **{f"ISOCROSS_{name}_URL": CLOSED_PORT for name in ("BINANCE", "BYBIT", "OKX")},
        }
    )
    async with running(build_application(settings), poll_timeout=1.0):
        sys.stdout.write("UP\n")
        sys.stdout.flush()
        await asyncio.sleep(60)  # never stops: the test kills it first


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2])))
