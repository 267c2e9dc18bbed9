"""Commands per second through the command layer on a real SQLite file:
parse, engine, write, render, for a mix of what traders send."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bench.timing import Figure
from bot.commands import Caller, CommandLayer
from bot.services import open_services

MIX = (
    "/long BTC 0.5 @ 62000 x10 iso",  # write
    "/positions",  # read, evaluate in both modes, render
    "/margin 1 +100",  # write
    "/risk",  # read, evaluate
    "/close 1",  # write
    "/calc short eth @ 3100 x20 2 1000",  # stateless
)


SETUP = ("/balance 100000", "/short ETH 3 @ 3100 20x cross")


async def _run(path: Path, rounds: int, repeats: int) -> list[float]:
    services = await open_services(path)
    try:
        layer = CommandLayer(services)
        caller = Caller(user_id=1)
        for line in SETUP:
            await layer.handle(line, caller)
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(rounds):
                for line in MIX:
                    await layer.handle(line, caller)
            samples.append((time.perf_counter() - start) / (rounds * len(MIX)) * 1e6)
        return samples
    finally:
        await services.close()


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory() as folder:
        samples = asyncio.run(_run(Path(folder) / "bench.db", rounds=30, repeats=9))
    quartiles = statistics.quantiles(samples, n=4)
    median = statistics.median(samples)
    return [
        Figure(
            "command through the layer (mix, SQLite)",
            median,
            quartiles[2] - quartiles[0],
            target_us=1000,
        )
    ]
