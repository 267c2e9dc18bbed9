"""Funding through the command layer on a real SQLite file: `/margin 1 -funding 12.5`
moves the liquidation price as the exchange does, and /positions shows each isolated
position's funding at the feed's rate and where its liquidation price drifts.

The position: BTC long 0.5 @ 62,000 ×5 isolated on Binance, wallet 10,000. Isolated
wallet 6,200, MM 0.4% of notional (tier 1): 6,200 + 0.5 (P - 62,000) = 0.002 P, so the
liquidation price is 24,800 / 0.498 = 49,799.20 (rounded toward danger).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.commands import CommandLayer
from bot.feeds import RawMark
from bot.feeds.funding import RawFunding
from bot.services import Services, open_services
from engine.models import Exchange
from tests.bot.conftest import Chat
from tests.fakes.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def services(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Services]:
    opened = await open_services(tmp_path / "isocross.db", clock=clock)
    yield opened
    await opened.close()


@pytest.fixture
async def chat(services: Services) -> Chat:
    chat = Chat(CommandLayer(services))
    await chat.send("/balance 10000")
    await chat.send("/long BTC 0.5 @ 62000 x5 iso")
    return chat


async def test_funding_paid_since_opening_moves_the_liquidation_price(
    chat: Chat, services: Services
) -> None:
    reply = await chat.text("/margin 1 -funding 12.5")
    assert "Funding paid since opening: 12.50 USDT, out of this position's margin." in reply
    # 6,200 - 12.50 + 0.5 (P - 62,000) = 0.002 P  ->  P = 24,812.50 / 0.498 = 49,824.30
    assert "49,824.30" in reply
    stored = await services.portfolios.active(42)
    assert str(stored.positions[0].position.funding_paid) == "12.5"

    received = await chat.text("/margin 1 +funding 3")  # received: the margin grows
    assert "Funding received since opening: 3.00 USDT" in received
    # 6,200 + 3 -> P = 24,797 / 0.498 = 49,793.18 (rounded up, toward danger)
    assert "49,793.18" in received

    await chat.send("/undo")
    listing = await chat.text("/positions")
    assert "49,824.30" in listing  # back to 12.50 paid


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("/margin 1 -funding", "missing"),
        ("/margin 1 -funding abc", "number"),
        ("/margin 1 -funding 5 6", "unexpected"),
    ],
)
async def test_a_wrong_funding_line_says_so_and_changes_nothing(
    chat: Chat, services: Services, line: str, error: str
) -> None:
    before = await services.portfolios.active(42)
    reply = await chat.text(line)
    assert "/margin N +AMOUNT|-AMOUNT|-funding PAID" in reply
    assert await services.portfolios.active(42) == before


async def test_a_cross_position_takes_no_funding_of_its_own(chat: Chat) -> None:
    await chat.send("/mode 1 cross")
    reply = await chat.text("/margin 1 -funding 12.5")
    # as for +200: a cross position's funding is already in the shared wallet balance
    assert reply.startswith("#1 is a cross position: it has no margin of its own")


async def test_positions_show_the_funding_and_the_drift_of_each_isolated_position(
    chat: Chat, services: Services
) -> None:
    now = services.clock()
    rate = RawFunding("0.0001", None, None)  # 0.01% per 8 h, Binance's default interval
    services.prices.offer(Exchange.BINANCE, RawMark("BTCUSDT", "60000", None, rate), now)
    listing = await chat.text("/positions")
    # 0.5 x 60,000 x 0.0001 = 3.00 a settlement; 3 a day: liq (24,800 + 9) / 0.498 =
    # 49,817.27; 21 a week: (24,800 + 63) / 0.498 = 49,925.71 (both rounded up)
    assert (
        "#1 funding 0.0100% per 8 h (binance): pays 3.00 USDT a settlement; at this rate "
        "and an unchanged price the liquidation price moves to 49,817.27 in 24 h and "
        "49,925.71 in 7 days." in listing
    )
