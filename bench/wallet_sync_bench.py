"""CPU per wallet-sync round for N watched wallets, through the real sync on SQLite.

Each of N users watches its own wallet (the SDK's recorded account: 12 cross
positions). The fake /info is an in-process `httpx.MockTransport` answering the
recorded shapes, so no network time is in the figure: one round is one market read
(metaAndAssetCtxs), N wallet reads parsed, converted and evaluated, N snapshots
written to SQLite for their watchers, and the alert watch judging the new marks.
CPU is `time.process_time()` (every thread: aiosqlite's writer included) around
`WalletSync.round()`, every wallet due each round; the median of `ROUNDS` rounds
after a first, silent one.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bot.alerts.wallets import WalletSync
from bot.alerts.watch import AlertWatch
from bot.feeds.hyperliquid import InfoClient, WeightBudget
from bot.services import open_services
from tests.fakes.hyperliquid_shapes import SDK_ACCOUNT, SDK_MARKETS

__all__ = ["round_cpu_ms", "run"]

ROUNDS = 5
INTERVAL = timedelta(seconds=60)
_ACCOUNT, _MARKETS = json.dumps(SDK_ACCOUNT).encode(), json.dumps(SDK_MARKETS).encode()


def _answer(request: httpx.Request) -> httpx.Response:
    kind = json.loads(request.content)["type"]
    body = _MARKETS if kind == "metaAndAssetCtxs" else _ACCOUNT
    return httpx.Response(200, content=body, headers={"content-type": "application/json"})


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def _rounds(path: Path, wallets: int) -> list[float]:
    """CPU seconds of each measured round with `wallets` wallets watched."""
    clock = _Clock()
    services = await open_services(path, clock=clock)
    http = httpx.AsyncClient(transport=httpx.MockTransport(_answer))
    budget = WeightBudget(per_minute=10**9)  # the budget's waits are not CPU
    try:
        watch = AlertWatch(services)
        await watch.start()
        sync = WalletSync(services, InfoClient(http, "http://hl.test", budget), watch, INTERVAL)
        for user in range(1, wallets + 1):
            await services.users.get_or_create(user)
            await services.wallets.watch(user, "0x" + f"{user:040x}", "main")
        await sync.round()  # the first snapshots: silent
        cpu = []
        for _ in range(ROUNDS):
            clock.now += INTERVAL  # every wallet is due again
            start = time.process_time()
            report = await sync.round()
            await watch.settled()
            cpu.append(time.process_time() - start)
            assert report.read == wallets and report.failed == 0, report
        return cpu
    finally:
        await http.aclose()
        await services.db.close()


def round_cpu_ms(wallets: int) -> float:
    """Median CPU milliseconds of one sync round over `wallets` wallets."""
    with tempfile.TemporaryDirectory() as folder:
        cpu = asyncio.run(_rounds(Path(folder) / "bench.db", wallets))
    return statistics.median(cpu) * 1000


def run() -> list[str]:
    lines = []
    for wallets in (10, 100):
        ms = round_cpu_ms(wallets)
        lines.append(
            f"HL sync round, {wallets:>3} wallets (12 positions each): CPU {ms:,.1f} ms"
            f" = {ms / wallets:.2f} ms a wallet (read, stored, judged)"
        )
    return lines


if __name__ == "__main__":
    for line in run():
        print(line)
