"""/positions through the command layer on a real SQLite file, at 10, 100 and 1,000
positions: the reply should grow linearly with the book (issue 14, "One user must not
freeze the bot"). The books are written straight into storage, past the 200-position cap
/long enforces, so the row at 1,000 shows what a book that size would cost.

Figures on the development machine, medians of 5: with the other-mode column
re-evaluating the whole book per position, 4.0 ms at 10, 247 ms at 100 and 2.39 s at
300 positions (quadratic; the issue measured 43 s at 1,000); with the book summed once
(`engine.other_mode`), 1.6 ms, 14.7 ms and 129 ms at 1,000: about 0.13-0.16 ms a
position at every size."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from bench.timing import Figure
from bot.commands import Caller, CommandLayer
from bot.services import Services, open_services
from engine.models import MarginMode, Position, PositionMode, Side, build
from storage._contents import Leg, State, load_active, write_state

SIZES = (10, 100, 1000)
_USER = 1


def _book(n: int) -> State:
    """n positions on as many symbols, every third isolated, longs and shorts mixed."""
    legs = []
    for i in range(n):
        price = Decimal(100 + i)
        fields = {
            "id": str(i + 1),
            "symbol": f"BENCH{i}USDT",
            "side": Side.LONG if i % 2 else Side.SHORT,
            "qty": Decimal(1),
            "entry_price": price,
            "mark_price": price * Decimal("1.01"),
            "leverage": Decimal(5),
            "margin_mode": MarginMode.ISOLATED if i % 3 == 0 else MarginMode.CROSS,
        }
        legs.append(Leg(build(Position, fields)))
    return State(Decimal(10_000_000), tuple(legs), PositionMode.ONE_WAY)


async def _seed(services: Services, n: int) -> None:
    await services.users.get_or_create(_USER)
    async with services.db.transaction() as conn:
        ref, _, _ = await load_active(conn, _USER)
        await write_state(conn, ref, _book(n))


async def _time(path: Path, n: int, repeats: int) -> list[float]:
    services = await open_services(path)
    try:
        await _seed(services, n)
        layer = CommandLayer(services)
        caller = Caller(user_id=_USER)
        reply = await layer.handle("/positions", caller)
        assert not reply.is_error, reply.plain_text()
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            await layer.handle("/positions", caller)
            samples.append((time.perf_counter() - start) * 1e6)
        return samples
    finally:
        await services.close()


def run() -> list[Figure]:
    figures = []
    for n in SIZES:
        with tempfile.TemporaryDirectory() as folder:
            samples = asyncio.run(_time(Path(folder) / "bench.db", n, repeats=5))
        quartiles = statistics.quantiles(samples, n=4)
        figures.append(
            Figure(
                f"/positions at {n:,} positions",
                statistics.median(samples),
                quartiles[2] - quartiles[0],
            )
        )
    return figures
