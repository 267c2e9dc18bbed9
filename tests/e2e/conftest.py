"""An alert runtime wired to fake exchanges on 127.0.0.1, a real SQLite file, a
hand-moved clock and a recording transport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot.alerts import AlertRuntime
from bot.alerts.alert_text import alert_details
from bot.alerts.messages import AlertMessage, read
from bot.commands import CommandLayer
from bot.feeds import sources
from bot.reply import Reply
from bot.services import Services, open_services
from tests.bot.conftest import Chat
from tests.fakes.clock import FakeClock
from tests.fakes.markets import FakeMarkets
from tests.fakes.transport import RecordingTransport

INTERVAL = timedelta(seconds=30)
# The bot waits 0.2 s to batch the changes made meanwhile; each chat here settles every
# change before the next anyway, so the wait would only be slept through.
CHANGE_DELAY = 0.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def markets() -> Iterator[FakeMarkets]:
    with FakeMarkets() as fake:
        yield fake


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "isocross.db"


@pytest.fixture
async def services(db_file: Path, clock: FakeClock) -> AsyncIterator[Services]:
    opened = await open_services(db_file, clock=clock)
    yield opened
    await opened.close()


@pytest.fixture
def transport(clock: FakeClock) -> RecordingTransport:
    return RecordingTransport(clock)


class WatchedChat(Chat):
    """A chat whose every reply is followed by the watch looking at the change, as it
    does shortly after each reply in the running bot."""

    def __init__(self, layer: CommandLayer, runtime: AlertRuntime, user_id: int) -> None:
        super().__init__(layer, user_id)
        self.runtime = runtime

    async def send(self, text: str) -> Reply:
        reply = await super().send(text)
        await self.runtime.watch.settled()
        return reply


class Harness:
    """One process's alert runtime plus the knobs a test turns."""

    def __init__(
        self,
        services: Services,
        runtime: AlertRuntime,
        markets: FakeMarkets,
        clock: FakeClock,
        transport: RecordingTransport,
    ) -> None:
        self.services, self.runtime, self.markets = services, runtime, markets
        self.clock, self.transport = clock, transport

    async def details(self, index: int = -1, language: str = "en") -> str:
        """What the Details button of a delivered alert sends: its breakdown, read back
        from the outbox by the id the button carries."""
        delivered = self.transport.delivered[index]
        (action,) = [
            b.action for row in delivered.reply.buttons for b in row if b.action.startswith("ad:")
        ]
        stored = await self.services.alerts.message(delivered.user_id, int(action[3:]))
        assert stored is not None
        content = read(stored.payload)
        assert isinstance(content, AlertMessage)
        tr = self.services.catalogs.translator(language)
        return alert_details(tr, content, self.clock.now).plain_text()

    def chat(self, user_id: int = 42) -> Chat:
        return WatchedChat(CommandLayer(self.services), self.runtime, user_id)

    async def tick(self, prices: dict[str, str] | None = None, exchange: str = "binance") -> int:
        """Serve these marks (stamped now), run one tick and one send, move 30 s on.
        Returns the number of messages delivered."""
        if prices is not None:
            self.markets.set(exchange, prices, self.clock.now)
        before = len(self.transport.delivered)
        await self.runtime.tick()
        await self.runtime.send()
        self.clock.advance(INTERVAL.total_seconds())
        return len(self.transport.delivered) - before


async def open_harness(
    services: Services, markets: FakeMarkets, clock: FakeClock, transport: RecordingTransport
) -> tuple[Harness, httpx.AsyncClient]:
    client = httpx.AsyncClient(timeout=httpx.Timeout(2.0))
    feeds = sources(client, markets.urls)
    runtime = AlertRuntime(
        services, feeds, transport, interval=INTERVAL, sleep=clock.sleep, change_delay=CHANGE_DELAY
    )
    await runtime.start()
    return Harness(services, runtime, markets, clock, transport), client


@pytest.fixture
async def harness(
    services: Services, markets: FakeMarkets, clock: FakeClock, transport: RecordingTransport
) -> AsyncIterator[Harness]:
    opened, client = await open_harness(services, markets, clock, transport)
    yield opened
    await opened.runtime.close()
    await client.aclose()
