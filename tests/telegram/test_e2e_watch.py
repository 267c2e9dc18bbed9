"""A watched Hyperliquid wallet on the production path: /watch through the fake Bot API ->
the real PTB Application -> its JobQueue's wallet sync reading a fake /info on 127.0.0.1
-> the alert watch -> the outbox -> the fake Bot API. The wallet appears, then one
warning and one danger as its mark falls, then one message when a position opens.

The wallet (tests/e2e/test_watched_wallets.py): ETH long 1 @ 3,000 ×5 isolated, margin
600; Hyperliquid's 1% maintenance puts liquidation at 2,400 / 0.99 = 2,424.24.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.app import build_application, running
from bot.config import Settings
from bot.telegram.limiter import Limiter
from tests.e2e.test_watched_wallets import ETH, SOL, USER, account, markets
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.hyperliquid import FakeHyperliquid
from tests.telegram.conftest import OFFLINE_FEEDS, Harness

pytestmark = pytest.mark.e2e
TRADER = 42


@pytest.fixture
def hyperliquid() -> Iterator[FakeHyperliquid]:
    with FakeHyperliquid(markets("3000.0")) as fake:
        fake.account(USER, account(ETH))
        yield fake


@pytest.fixture
async def live(
    api: FakeBotAPI, hyperliquid: FakeHyperliquid, tmp_path: Path
) -> AsyncIterator[Harness]:
    settings = Settings.model_validate(
        {
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_URL": api.url,
            "ISOCROSS_DB_PATH": str(tmp_path / "isocross.db"),
            **OFFLINE_FEEDS,
            "ISOCROSS_HYPERLIQUID_URL": hyperliquid.url,
            "ISOCROSS_ALERT_INTERVAL_S": "1",
            "ISOCROSS_WATCH_INTERVAL_S": "4",  # a round every second
        }
    )
    app = build_application(settings, limiter=Limiter(backoff=0.05))
    async with running(app, poll_timeout=1.0):
        yield Harness(api, app)


def _texts(api: FakeBotAPI, start: str) -> list[str]:
    return [text for text in api.texts(TRADER) if text.startswith(start)]


async def test_a_watched_wallet_warns_once_is_in_danger_once_and_reports_a_new_position(
    live: Harness, api: FakeBotAPI, hyperliquid: FakeHyperliquid
) -> None:
    (watching,) = await live.say(TRADER, f"/watch {USER} main")
    assert watching.text.startswith("Watching 0x1212…1212 as “hl:main”")
    assert "ETHUSDT — Hyperliquid: 2,424.25 · IsoCross: 2,424.25" in watching.text

    hyperliquid.markets = markets("2650.0")  # 8.5% from liquidation
    await api.wait_for(lambda: len(_texts(api, "Warning")) == 1, timeout=15)
    hyperliquid.markets = markets("2530.0")  # 4.2%
    await api.wait_for(lambda: len(_texts(api, "Danger")) == 1, timeout=15)
    hyperliquid.account(USER, account(ETH, SOL))
    await api.wait_for(lambda: len(_texts(api, "hl:main:")) == 1, timeout=15)

    assert _texts(api, "Warning")[0].startswith("Warning: ETHUSDT long is 8.5% from liquidation")
    assert _texts(api, "Danger")[0].startswith("Danger: ETHUSDT long is 4.2% from liquidation")
    assert _texts(api, "hl:main:") == [
        "hl:main: SOL short 10 opened at 150.0000 — liquidation 175.6097"
    ]
    assert len(_texts(api, "Warning")) == 1 and len(_texts(api, "Danger")) == 1
