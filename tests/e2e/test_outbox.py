"""The outbox under a crash between write and send, 429 storms, blocked users and the
rate limits; the daily digest; the jobs on PTB's JobQueue."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import httpx
import pytest
from telegram.ext import ApplicationBuilder, CallbackContext

from bot.alerts import AlertRuntime
from bot.alerts.outbox import Sleep
from bot.alerts.watch import AlertWatch
from bot.commands import Caller, CommandLayer
from bot.feeds import sources
from bot.reply import Reply
from bot.services import Services, open_services
from bot.telegram.jobs import digest_job, schedule_alert_jobs, send_job, tick_job
from engine.models import Exchange
from tests.e2e.conftest import Harness, open_harness
from tests.fakes.clock import FakeClock
from tests.fakes.markets import FakeMarkets
from tests.fakes.transport import RecordingTransport
from tests.killed import first_line_then_kill

CRASHER = Path(__file__).with_name("alert_crasher.py")


@asynccontextmanager
async def _running(
    services: Services,
    markets: FakeMarkets,
    transport: RecordingTransport,
    sleep: Sleep = asyncio.sleep,
) -> AsyncIterator[AlertRuntime]:
    """An alert runtime on the fake markets every 30 s, started; closed with its client."""
    client = httpx.AsyncClient(timeout=2.0)
    runtime = AlertRuntime(
        services,
        sources(client, markets.urls),
        transport,
        interval=timedelta(seconds=30),
        sleep=sleep,
    )
    try:
        await runtime.start()
        yield runtime
    finally:
        await runtime.close()
        await client.aclose()


@pytest.mark.e2e
async def test_a_crash_between_writing_and_sending_sends_the_alert_exactly_once(
    tmp_path: Path, markets: FakeMarkets
) -> None:
    db_file = tmp_path / "crash.db"
    setup = await open_services(db_file)
    layer = CommandLayer(setup)
    for command in ("/balance 10000", "/long BTC 0.5 @ 62000 x5 iso"):
        await layer.handle(command, Caller(42))
    watch = AlertWatch(setup)  # the bot's watch sees the position opened ...
    await watch.start()
    await watch.refresh(42)  # ... and measures its cushion (19.7% at entry: warns at 9.8%)
    await setup.close()
    markets.set("binance", {"BTCUSDT": "55000"}, datetime.now(UTC))  # 9.5% away: a warning

    line, _ = await first_line_then_kill(CRASHER, str(db_file), markets.url, timeout=30)
    assert line == b"ACK 1\n"

    services = await open_services(db_file)
    transport = RecordingTransport(services.clock)
    try:
        async with _running(services, markets, transport) as runtime:
            assert await runtime.send() == 1
            markets.set("binance", {"BTCUSDT": "54900"}, datetime.now(UTC))
            assert (await runtime.tick()).alerts == 0  # remembered: not alerted again
            assert await runtime.send() == 0
    finally:
        await services.close()
    (alert,) = transport.delivered
    assert alert.user_id == 42 and alert.text.startswith("Warning: BTCUSDT long is 9.5%")


async def _crowd(harness: Harness, users: int) -> None:
    """`users` traders, each long BTC 0.5 x5 at a slightly different entry."""
    for n in range(users):
        chat = harness.chat(1000 + n)
        await chat.send("/balance 10000")
        await chat.send(f"/long BTC 0.5 @ {62000 + 10 * n} x5 iso")


@pytest.mark.e2e
async def test_a_429_storm_delays_but_loses_and_repeats_nothing_within_the_limits(
    harness: Harness,
) -> None:
    await harness.tick({"BTCUSDT": "60000"})
    await _crowd(harness, 40)
    harness.markets.set("binance", {"BTCUSDT": "52000"}, harness.clock.now)
    assert (await harness.runtime.tick()).alerts == 40  # everyone in danger at once
    harness.transport.storm(3, after=2.0)  # three 429s in a row, each "retry after 2 s"
    harness.transport.block(1005)  # blocked the bot: dropped, never retried
    start = harness.clock.now
    for _ in range(20):
        await harness.runtime.send()
        harness.clock.advance(0.5)

    delivered = harness.transport.delivered
    assert harness.transport.refused == 3
    assert sorted(d.user_id for d in delivered) == [1000 + n for n in range(40) if n != 5]
    assert await harness.services.alerts.pending() == ()
    # a 429 holds only its chat: the three most urgent (1039, 1038, 1037) wait out their
    # 2 s while everyone else goes at once, most urgent first (a higher entry is nearer
    # its liquidation price); then the three, in their order
    held = [1039, 1038, 1037]
    others = [d for d in delivered if d.user_id not in held]
    assert [d.user_id for d in others] == sorted((d.user_id for d in others), reverse=True)
    assert [d.user_id for d in delivered[-3:]] == held
    times = [d.at for d in delivered]
    assert all(
        sum(1 for t in times if start <= t < start + timedelta(seconds=1)) <= 30 for start in times
    )
    assert others[0].at == start  # nobody else waited for the 429s
    assert min(d.at for d in delivered[-3:]) >= start + timedelta(seconds=2)


@pytest.mark.e2e
async def test_one_message_a_second_to_a_chat(harness: Harness) -> None:
    await harness.tick({"BTCUSDT": "60000"})
    chat = harness.chat()
    await chat.send("/balance 30000")
    for symbol, price in (("BTC", "62000"), ("ETH", "3100"), ("SOL", "150")):
        await chat.send(f"/long {symbol} 1 @ {price} x5 iso")
    harness.markets.set(
        "binance", {"BTCUSDT": "52000", "ETHUSDT": "2600", "SOLUSDT": "126"}, harness.clock.now
    )
    await harness.runtime.tick()
    for _ in range(6):
        await harness.runtime.send()
        harness.clock.advance(0.5)
    times = [d.at for d in harness.transport.delivered]
    assert len(times) == 3
    assert all(later - earlier >= timedelta(seconds=1) for earlier, later in pairwise(times))


@pytest.mark.e2e
async def test_the_daily_digest_comes_once_a_day_at_the_users_time(harness: Harness) -> None:
    await harness.tick({"BTCUSDT": "60000"})
    chat = harness.chat()
    await chat.send("/balance 10000")
    await chat.send("/long BTC 0.5 @ 62000 x5 iso")
    await chat.send("/digest 12:30 UTC")
    assert await harness.runtime.digest() == 0  # 12:00: not yet
    harness.clock.advance(30 * 60)
    harness.markets.set("binance", {"BTCUSDT": "60000"}, harness.clock.now)
    await harness.runtime.tick()
    assert await harness.runtime.digest() == 1
    assert await harness.runtime.digest() == 0
    await harness.runtime.send()
    (digest,) = harness.transport.texts()
    assert digest.startswith("Daily digest")
    assert "#1 BTCUSDT long  60,000.00   49,799.20" in digest
    assert "Marks: BTCUSDT binance, 0 s old" in digest
    harness.clock.advance(24 * 3600)
    assert await harness.runtime.digest() == 1
    await chat.send("/digest off")
    harness.clock.advance(24 * 3600)
    assert await harness.runtime.digest() == 0


@pytest.mark.e2e
async def test_the_jobs_register_on_the_job_queue_and_run_the_runtime(
    services: Services, markets: FakeMarkets, clock: FakeClock, transport: RecordingTransport
) -> None:
    application = ApplicationBuilder().token("123456:TEST").build()
    assert application.job_queue is not None
    async with _running(services, markets, transport, sleep=clock.sleep) as runtime:
        jobs = schedule_alert_jobs(application.job_queue, runtime)
        assert [job.name for job in jobs] == [
            "isocross-alerts-tick",
            "isocross-outbox",
            "isocross-digest",
        ]
        intervals = [job.job.trigger.interval.total_seconds() for job in jobs]
        assert intervals == [30.0, 1.0, 60.0]
        assert all(job.job.max_instances == 1 and job.job.coalesce for job in jobs)
        markets.set("binance", {"BTCUSDT": "61000"}, clock.now)
        for job, callback in zip(jobs, (tick_job, send_job, digest_job), strict=True):
            await callback(CallbackContext.from_job(job, application))
        assert markets.requests("binance") == 1
        assert services.prices.mark(Exchange.BINANCE, "BTCUSDT", clock.now) is not None


class _SlowChat(RecordingTransport):
    """Delivers at once, except to `slow`, whose every send takes `seconds` (real time)."""

    def __init__(self, clock: FakeClock, slow: int, seconds: float) -> None:
        super().__init__(clock)
        self.slow, self.seconds = slow, seconds
        self.real: dict[int, float] = {}  # user -> monotonic time delivered

    async def deliver(self, user_id: int, reply: Reply) -> None:
        if user_id == self.slow:
            await asyncio.sleep(self.seconds)
        await super().deliver(user_id, reply)
        self.real[user_id] = time.monotonic()


@pytest.mark.e2e
async def test_a_slow_chat_delays_only_its_own_alert(
    services: Services, markets: FakeMarkets, clock: FakeClock
) -> None:
    # Sent one after another, the most urgent chat taking 2 s held every other alert 2 s.
    transport = _SlowChat(clock, slow=1004, seconds=2.0)
    harness, client = await open_harness(services, markets, clock, transport)
    try:
        await harness.tick({"BTCUSDT": "60000"})
        await _crowd(harness, 5)
        markets.set("binance", {"BTCUSDT": "52000"}, clock.now)
        assert (await harness.runtime.tick()).alerts == 5
        started = time.monotonic()
        assert await harness.runtime.send() == 4  # the slow one is still on its way
        others = [transport.real[user] - started for user in (1003, 1002, 1001, 1000)]
        assert max(others) < 0.3, others  # measured: about 0.01 s
        await asyncio.sleep(2.0)
        assert await harness.runtime.send() == 1  # it arrived, and is counted once
        assert sorted(d.user_id for d in transport.delivered) == [1000, 1001, 1002, 1003, 1004]
    finally:
        await harness.runtime.close()
        await client.aclose()
