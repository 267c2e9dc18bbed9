"""The bot end to end: updates handled per second and latency, fake Bot API on loopback ->
PTB -> command layer -> SQLite -> sendMessage, beside a minimal PTB echo bot measured the
same way in the same run.

The fake runs in its own process, as Telegram runs on its own machines: in the bot's
process its threads would compete with the bot for the interpreter. The rate limiter's
overall cap is raised for both bots (production keeps Telegram's 30 messages a second;
tests/telegram shows that it holds).
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bench import commands_bench
from bot.app import build_application, running
from bot.config import Settings
from bot.feeds.venues import FEEDS
from bot.telegram.limiter import Limiter
from tests.fakes.bot_api import TOKEN

ROOT = Path(__file__).resolve().parent.parent
UNCAPPED = 100_000  # messages a second: the limiter stays in the path but never waits
# The command layer benchmark's mix of what traders send (writes, reads, a stateless
# calculation); each round leaves every portfolio as it found it.
MIX = commands_bench.MIX
USERS = 300
TRADERS = 1_000_000  # the first user id; the same users every round, as in production
ROUNDS = 7
PACED_RATE = 100.0  # updates a second for the latency figure
PACED_SECONDS = 4.0
# Latency windows, each bot's alternating: a stall of the whole machine (seen here: both of
# the bot's threads stopped at once for 30-300 ms) spoils one window, not the figure.
PACED_WINDOWS = 3


@dataclass(frozen=True)
class Figures:
    isocross_rate: float
    echo_rate: float
    ratio: float  # median of each round's IsoCross / echo rates, measured back to back
    isocross_cpu_ms: float  # CPU of the bot's process per update: steadier on a shared machine
    echo_cpu_ms: float
    p50_ms: float
    p99_ms: float  # median of the windows' p99
    window_p99_ms: tuple[float, ...]
    echo_p99_ms: float  # the same for the echo bot, paced alike: how noisy the machine was

    def lines(self) -> list[str]:
        verdict = "ok" if self.ratio >= 0.5 else "UNDER"
        latency = "ok" if self.p99_ms < 50 else "OVER"
        return [
            f"telegram: updates handled per second end to end   {self.isocross_rate:8,.0f}"
            f"   (mix {' / '.join(c.split()[0] for c in MIX)}, SQLite)",
            f"telegram: minimal PTB echo bot, same fake          {self.echo_rate:8,.0f}"
            f"   ratio {self.ratio:.2f} (median of rounds)  target >= 0.50  {verdict}",
            f"telegram: CPU per update: IsoCross {self.isocross_cpu_ms:.2f} ms, echo bot"
            f" {self.echo_cpu_ms:.2f} ms  (ratio {self.echo_cpu_ms / self.isocross_cpu_ms:.2f})",
            f"telegram: latency at {PACED_RATE:.0f} updates/s: p50 {self.p50_ms:.1f} ms,"
            f" p99 {self.p99_ms:.1f} ms  target p99 < 50 ms  {latency}",
            f"telegram: p99 of each {PACED_SECONDS:.0f} s window: "
            + " / ".join(f"{p99:.1f}" for p99 in self.window_p99_ms)
            + f" ms; echo bot paced alike: p99 {self.echo_p99_ms:.1f} ms",
        ]


class RemoteFake:
    """tests/fakes/bot_api.py in a child process, driven through its control endpoints."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.fakes.bot_api"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        self.client = httpx.AsyncClient(base_url=f"{self.url}/_fake/", timeout=30.0)

    async def send(self, messages: list[tuple[int, str]]) -> None:
        answer = await self.client.post("messages", json={"messages": messages})
        answer.raise_for_status()

    async def pace(self, messages: list[tuple[int, str]], rate: float) -> list[float]:
        """The fake's users write `messages` at `rate` a second; each one's delay to its answer
        (ms), timed in the fake's process, so the load costs the measured process nothing."""
        answer = await self.client.post("pace", json={"messages": messages, "rate": rate})
        answer.raise_for_status()
        timeout = len(messages) / rate + 20.0
        delays = await self.client.post("delays", json={"timeout": timeout}, timeout=timeout + 5)
        result: list[float] = delays.json()["result"]
        if len(result) < len(messages):
            raise RuntimeError(f"{len(messages) - len(result)} paced updates were never answered")
        return result

    async def calls(self) -> int:
        answer = await self.client.post("calls", json={"since": 0})
        return len(answer.json()["result"])

    async def wait_for_replies(self, since: int, count: int) -> None:
        """Until `count` messages were sent after call `since`: the fake answers when they
        were (or after 5 s, and we ask again), so waiting costs the bot's process nothing."""
        wanted = {"since": since, "count": count, "timeout": 5.0}
        while (await self.client.post("answered", json=wanted)).json()["result"] < count:
            pass

    async def close(self) -> None:
        await self.client.aclose()
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)


async def _echo(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message and update.message.text:
        await update.message.reply_text(update.message.text)


def _echo_bot(url: str) -> Application[Any, Any, Any, Any, Any, Any]:
    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(f"{url}/bot")
        .rate_limiter(Limiter(overall_max_rate=UNCAPPED))
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    return app


def _isocross(url: str, folder: Path) -> Any:
    settings = Settings.model_validate(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": url,
            "ISOCROSS_DB_PATH": str(folder / "bench.db"),
            # no exchange is reachable here: the feeds fail at once on a closed loopback port
            **{f"ISOCROSS_{e.value.upper()}_URL": "http://127.0.0.1:9" for e in FEEDS},
        }
    )
    return build_application(settings, limiter=Limiter(overall_max_rate=UNCAPPED))


async def _burst(fake: RemoteFake) -> tuple[float, float]:
    """Every user sends the mix at once: updates per second until the last answer, and
    milliseconds of this process's CPU per update."""
    since = await fake.calls()
    messages = [(user, line) for line in MIX for user in range(TRADERS, TRADERS + USERS)]
    start, cpu = time.perf_counter(), time.process_time()
    await fake.send(messages)
    await fake.wait_for_replies(since, len(messages))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return len(messages) / elapsed, cpu / len(messages) * 1000


async def _setup(fake: RemoteFake) -> None:
    """Every trader funds the wallet and holds a short, as in the command layer benchmark."""
    since = await fake.calls()
    users = range(TRADERS, TRADERS + USERS)
    setup = [(user, line) for line in commands_bench.SETUP for user in users]
    await fake.send(setup)
    await fake.wait_for_replies(since, len(setup))


async def _paced(fake: RemoteFake) -> list[float]:
    """Updates at PACED_RATE, each user writing again only seconds after the last answer;
    each update's delay from when the fake queued it to the bot's answer (ms)."""
    count = int(PACED_RATE * PACED_SECONDS)
    messages = [(TRADERS + n % USERS, MIX[(n // USERS) % len(MIX)]) for n in range(count)]
    return await fake.pace(messages, PACED_RATE)


async def _run(folder: Path) -> Figures:
    """Both bots run side by side, each on its own fake; their bursts alternate so that a
    busy machine slows both alike."""
    echo_fake, fake = RemoteFake(), RemoteFake()
    try:
        async with (
            running(_echo_bot(echo_fake.url), poll_timeout=1.0),
            running(_isocross(fake.url, folder), poll_timeout=1.0),
        ):
            await _burst(echo_fake)  # warm up: users known, caches loaded
            await _setup(fake)
            await _burst(fake)
            echo, isocross = [], []
            for _ in range(ROUNDS):
                echo.append(await _burst(echo_fake))
                isocross.append(await _burst(fake))
            windows, echo_windows = [], []
            for _ in range(PACED_WINDOWS):
                echo_windows.append(await _paced(echo_fake))
                windows.append(await _paced(fake))
    finally:
        await echo_fake.close()
        await fake.close()
    window_p99 = tuple(_p99(delays) for delays in windows)
    return Figures(
        statistics.median(rate for rate, _ in isocross),
        statistics.median(rate for rate, _ in echo),
        statistics.median(iso[0] / ref[0] for iso, ref in zip(isocross, echo, strict=True)),
        statistics.median(cpu for _, cpu in isocross),
        statistics.median(cpu for _, cpu in echo),
        statistics.median(delay for delays in windows for delay in delays),
        statistics.median(window_p99),
        window_p99,
        statistics.median(_p99(delays) for delays in echo_windows),
    )


def _p99(delays: list[float]) -> float:
    return statistics.quantiles(delays, n=100)[98]


def run() -> Figures:
    with tempfile.TemporaryDirectory() as folder:
        return asyncio.run(_run(Path(folder)))


if __name__ == "__main__":
    for line in run().lines():
        print(line)
