"""Run by test_two_writers: one process typing a burst of lines into the real command
layer on a shared SQLite file, printing how many of each line were acknowledged."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from bot.commands import Caller, CommandLayer
from bot.services import open_services


async def main(path: Path, user_id: int, lines: list[str], rounds: int) -> None:
    services = await open_services(path)
    layer = CommandLayer(services)
    caller = Caller(user_id=user_id, language_code="en")
    acked = dict.fromkeys(lines, 0)
    replies: list[str] = []
    try:
        for _ in range(rounds):
            for line in lines:
                reply = await layer.handle(line, caller)
                if not reply.is_error:
                    acked[line] += 1
                    replies.append(reply.plain_text())
    finally:
        await services.close()
    sys.stdout.write(json.dumps({"acked": acked, "replies": replies}) + "\n")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[4:], int(sys.argv[3])))
