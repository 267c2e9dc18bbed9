"""/watch, /unwatch and the read-only hl: portfolio, through the real command layer on
real SQLite, the wallet sync reading a fake Hyperliquid /info on 127.0.0.1.

The wallet is the recorded MIXED_ACCOUNT: an isolated ETH long (Hyperliquid's price
2,866.26936529, the engine's the same to 1e-8), a cross BTC short whose price is
garbage, a cross SOL long whose price is null and a closed DOGE row.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import httpx
import pytest

from bot.alerts.wallets import WalletSync
from bot.alerts.watch import AlertWatch
from bot.feeds.hyperliquid import InfoClient, WeightBudget
from bot.services import Services
from tests.bot.conftest import Chat
from tests.fakes.hyperliquid import FakeHyperliquid
from tests.fakes.hyperliquid_shapes import MIXED_ACCOUNT, MIXED_USER

HINT = "To try changes, copy it: /portfolio copy hl:main sandbox"


@pytest.fixture
def hyperliquid() -> Iterator[FakeHyperliquid]:
    with FakeHyperliquid() as fake:
        fake.account(MIXED_USER, MIXED_ACCOUNT)
        yield fake


@pytest.fixture
async def synced(services: Services, hyperliquid: FakeHyperliquid) -> AsyncIterator[WalletSync]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(2.0)) as client:
        info = InfoClient(client, hyperliquid.url, WeightBudget())
        sync = WalletSync(services, info, AlertWatch(services, 0.0), timedelta(seconds=60))
        services.on_wallet_watched.append(sync.first)
        yield sync


async def test_watch_shows_both_liquidation_prices_of_every_position(
    chat: Chat, synced: WalletSync
) -> None:
    reply = await chat.text(f"/watch {MIXED_USER}")

    assert reply.splitlines()[0] == "Watching 0xabab…abab as “hl:main”"
    assert "ETHUSDT — Hyperliquid: 2,866.27 · IsoCross: 2,866.27" in reply
    assert "BTCUSDT — Hyperliquid: not readable · IsoCross: 292,790.12" in reply
    assert "SOLUSDT — Hyperliquid: none · IsoCross: none" in reply
    assert HINT in reply
    listed = await chat.text("/portfolio")
    assert "▶ hl:main" in listed


async def test_watch_lists_the_wallets_with_the_snapshots_age(
    chat: Chat, synced: WalletSync
) -> None:
    assert await chat.text("/watch") == "You watch no wallet. Add one: /watch 0xADDRESS main"
    await chat.send(f"/watch {MIXED_USER} whale")

    listed = await chat.text("/watch")

    assert "hl:whale" in listed and "0xabab…abab" in listed and "read 0 s ago" in listed


@pytest.mark.parametrize(
    "line",
    [
        "/long BTC 0.5 @ 62000 x10 iso",
        "/close 1",
        "/margin 1 +200",
        "/lev 1 10",
        "/mode all cross",
        "/balance 5000",
        "/reset",
        "/reset yes",
        "/undo",
        "/portfolio delete hl:main",
    ],
)
async def test_a_watched_portfolio_refuses_every_manual_edit_with_the_copy_hint(
    chat: Chat, synced: WalletSync, services: Services, line: str
) -> None:
    await chat.send(f"/watch {MIXED_USER}")
    before = await services.portfolios.active(42)

    reply = await chat.send(line)

    assert reply.is_error
    assert "“hl:main” follows a Hyperliquid wallet and changes only with it." in (
        reply.plain_text()
    )
    assert HINT in reply.plain_text()
    assert await services.portfolios.active(42) == before


async def test_what_shows_works_on_a_watched_portfolio(chat: Chat, synced: WalletSync) -> None:
    await chat.send(f"/watch {MIXED_USER}")

    shows = (
        "/positions",
        "/risk",
        "/compare",
        "/whatif all -10%",
        "/recommend",
        "/chart",
        "/price",
    )
    for line in shows:
        reply = await chat.send(line)
        assert not reply.is_error, (line, reply.plain_text())
    assert "Account “hl:main” on hyperliquid" in await chat.text("/risk")


async def test_a_copy_is_an_ordinary_portfolio_to_change(
    chat: Chat, synced: WalletSync, services: Services
) -> None:
    await chat.send(f"/watch {MIXED_USER}")

    reply = await chat.text("/portfolio copy hl:main sandbox")

    assert reply == "Copied “hl:main” to “sandbox”; it is now active, and yours to change."
    copied = await services.portfolios.active(42)
    assert copied.name == "sandbox" and len(copied.positions) == 3
    assert copied.wallet_balance == (await services.portfolios.get(42, 2)).wallet_balance
    assert not (await chat.send("/close 1")).is_error
    assert len((await services.portfolios.get(42, 2)).positions) == 3  # hl:main untouched
    assert await chat.text("/portfolio hl:main") == "Switched to portfolio “hl:main”."
    refused = await chat.send("/portfolio copy main hl:mine")
    assert refused.is_error and "Names starting with hl: are kept" in refused.plain_text()


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("/watch 0x1234", "“0x1234” is not a wallet address: write 0x and 40 hex digits."),
        ("/watch " + "0x" + "g" * 40, "is not a wallet address"),
        (f"/watch {MIXED_USER} bad:label", "A wallet's label has up to 29 letters"),
        ("/unwatch nothing", "You watch no wallet of that name: see /watch."),
        ("/portfolio new hl:mine", "Names starting with hl: are kept for watched wallets"),
    ],
)
async def test_refusals_say_why_and_store_nothing(
    chat: Chat, synced: WalletSync, services: Services, line: str, said: str
) -> None:
    await chat.send("/balance 100")
    before = await services.portfolios.list(42)

    reply = await chat.send(line)

    assert reply.is_error and said in reply.plain_text()
    assert "Syntax:" in reply.plain_text()
    assert await services.portfolios.list(42) == before


async def test_unwatch_deletes_the_portfolio_and_the_snapshot_once_no_one_watches(
    chat: Chat, synced: WalletSync, services: Services, layer: object
) -> None:
    await chat.send(f"/watch {MIXED_USER}")

    reply = await chat.text("/unwatch hl:main")

    assert reply == "Stopped watching 0xabab…abab; “hl:main” is deleted."
    assert [p.name for p in await services.portfolios.list(42)] == ["main"]
    assert await services.wallets.addresses() == {}
    assert await services.wallets.snapshot(MIXED_USER) == (None, None)


async def test_an_unreadable_wallet_is_watched_and_read_later(
    chat: Chat, synced: WalletSync, hyperliquid: FakeHyperliquid
) -> None:
    hyperliquid.fail(500)  # the markets: no snapshot can be made

    reply = await chat.text(f"/watch {MIXED_USER}")

    assert "I could not read it from Hyperliquid yet; I will try again every 60 s." in reply
    await synced.round()
    assert "ETHUSDT — Hyperliquid: 2,866.27" in await chat.text("/positions")
