"""Run by test_outbox: one alert tick that writes to the outbox, then wait to be killed
before anything is sent."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from pathlib import Path

import httpx

from bot.alerts import AlertRuntime
from bot.alerts.delivery import DeliveryRetry
from bot.feeds import FEEDS, sources
from bot.reply import Reply
from bot.services import open_services


class NeverSends:
    async def deliver(self, user_id: int, reply: Reply) -> None:
        raise DeliveryRetry(60, "this process dies before it sends")


async def main(path: Path, url: str) -> None:
    services = await open_services(path)
    client = httpx.AsyncClient(timeout=2.0)
    runtime = AlertRuntime(
        services,
        sources(client, dict.fromkeys(FEEDS, url)),
        NeverSends(),
        interval=timedelta(seconds=30),
    )
    await runtime.start()
    report = await runtime.tick()
    sys.stdout.write(f"ACK {report.alerts}\n")
    sys.stdout.flush()
    await asyncio.sleep(60)  # never closes: the test kills us first


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), sys.argv[2]))
