"""Watched Hyperliquid wallets end to end: a fake /info on 127.0.0.1 -> the wallet sync ->
SQLite -> the alert watch -> the outbox -> a recording transport, on a hand-moved clock.

The wallet throughout: ETH long 1 @ 3,000 ×5 isolated, marginUsed 600, account value
10,000. Hyperliquid's maintenance at 50x is 1 / (2 × 50) = 1% of notional, so the
liquidation price solves 600 + (P − 3,000) = 0.01 P: P = 2,400 / 0.99 = 2,424.24, the
price the fake reports too. Warning within 10% of it: a mark at or below 2,693.60;
danger within 5%: at or below 2,551.83.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from copy import deepcopy
from datetime import timedelta
from typing import Any

import httpx
import pytest

from bot.alerts import AlertRuntime
from bot.feeds.hyperliquid import InfoClient, WeightBudget
from bot.services import Services
from tests.e2e.conftest import CHANGE_DELAY, INTERVAL, Harness
from tests.fakes.clock import FakeClock
from tests.fakes.hyperliquid import FakeHyperliquid
from tests.fakes.hyperliquid_shapes import MARKETS
from tests.fakes.markets import FakeMarkets
from tests.fakes.transport import RecordingTransport

USER = "0x" + "12" * 20
WATCH_EVERY = timedelta(seconds=60)


def _row(coin: str, szi: str, entry: str, value: str, used: str, liq: str | None) -> Any:
    return {
        "type": "oneWay",
        "position": {
            "coin": coin,
            "szi": szi,
            "entryPx": entry,
            "leverage": {"type": "isolated", "value": 5, "rawUsd": "0.0"},
            "positionValue": value,
            "unrealizedPnl": "0.0",
            "marginUsed": used,
            "liquidationPx": liq,
            "maxLeverage": 50,
        },
    }


ETH = _row("ETH", "1.0", "3000.0", "3000.0", "600.0", "2424.24242424")
# SOL's maximum is 20x: maintenance 1 / (2 × 20) = 2.5%; 300 + 10 (150 − P) = 0.25 P
SOL = _row("SOL", "-10.0", "150.0", "1500.0", "300.0", "175.6097561")


def account(*rows: Any) -> dict[str, Any]:
    summary = {
        "accountValue": "10000.0",
        "totalMarginUsed": "600.0",
        "totalNtlPos": "3000.0",
        "totalRawUsd": "7000.0",
    }
    return {
        "assetPositions": list(rows),
        "crossMarginSummary": dict(summary),
        "marginSummary": dict(summary),
        "crossMaintenanceMarginUsed": "0.0",
        "withdrawable": "9400.0",
        "time": 1708622398623,
    }


def markets(eth: str) -> Any:
    answer = deepcopy(MARKETS)
    coins = [asset["name"] for asset in answer[0]["universe"]]
    answer[1][coins.index("ETH")]["markPx"] = eth
    return answer


@pytest.fixture
def hyperliquid() -> Iterator[FakeHyperliquid]:
    with FakeHyperliquid(markets("3000.0")) as fake:
        fake.account(USER, account(ETH))
        yield fake


@pytest.fixture
async def harness(
    services: Services,
    markets: FakeMarkets,
    clock: FakeClock,
    transport: RecordingTransport,
    hyperliquid: FakeHyperliquid,
) -> AsyncIterator[Harness]:
    client = httpx.AsyncClient(timeout=httpx.Timeout(2.0))
    services.watch_interval = WATCH_EVERY
    info = InfoClient(client, hyperliquid.url, WeightBudget())
    runtime = AlertRuntime(
        services,
        [],
        transport,
        interval=INTERVAL,
        sleep=clock.sleep,
        change_delay=CHANGE_DELAY,
        hyperliquid=info,
    )
    await runtime.start()
    yield Harness(services, runtime, markets, clock, transport)
    await runtime.close()
    await client.aclose()


async def sync(harness: Harness, seconds: float = 15) -> list[str]:
    """One round of the wallet sync and one send; the texts delivered; the clock moves on."""
    before = len(harness.transport.delivered)
    await harness.runtime.sync_wallets()
    await harness.runtime.watch.settled()
    await harness.runtime.send()
    harness.clock.advance(seconds)
    return [d.text for d in harness.transport.delivered[before:]]


@pytest.mark.e2e
async def test_a_watched_wallet_appears_then_warns_once_and_is_in_danger_once(
    harness: Harness, hyperliquid: FakeHyperliquid
) -> None:
    chat = harness.chat()
    reply = await chat.text(f"/watch {USER} main")

    assert "Watching 0x1212…1212 as “hl:main”" in reply
    assert "ETHUSDT — Hyperliquid: 2,424.25 · IsoCross: 2,424.25" in reply
    positions = await chat.text("/positions")
    assert "Portfolio “hl:main”: 1 position, wallet 10,000.00 USDC" in positions
    assert "Hyperliquid: 2,424.25 · IsoCross: 2,424.25" in positions
    assert await sync(harness) == []  # the state it starts in is silent

    hyperliquid.markets = markets("2700.0")  # 10.2% away: still clear
    assert await sync(harness) == []
    hyperliquid.markets = markets("2650.0")  # 8.5% away
    (warning,) = await sync(harness)
    assert warning.startswith("Warning: ETHUSDT long is 8.5% from liquidation")
    hyperliquid.markets = markets("2640.0")
    assert await sync(harness) == []
    hyperliquid.markets = markets("2530.0")  # 4.2% away
    (danger,) = await sync(harness)
    assert danger.startswith("Danger: ETHUSDT long is 4.2% from liquidation")
    assert await sync(harness) == []


@pytest.mark.e2e
async def test_a_new_position_is_one_change_message(
    harness: Harness, hyperliquid: FakeHyperliquid
) -> None:
    chat = harness.chat()
    await chat.send(f"/watch {USER} main")
    hyperliquid.account(USER, account(ETH, SOL))
    harness.clock.advance(WATCH_EVERY.total_seconds())

    (change,) = await sync(harness)

    assert change == "hl:main: SOL short 10 opened at 150.0000 — liquidation 175.6097"
    assert "2 positions" in await chat.text("/positions")
    hyperliquid.account(USER, account(ETH))
    harness.clock.advance(WATCH_EVERY.total_seconds())
    assert await sync(harness) == ["hl:main: SOL short 10 closed"]


@pytest.mark.e2e
async def test_garbage_changes_nothing_and_the_user_hears_once_that_it_is_stale(
    harness: Harness, hyperliquid: FakeHyperliquid
) -> None:
    chat = harness.chat()
    await chat.send(f"/watch {USER} main")
    before = await harness.services.portfolios.active(42)
    hyperliquid.account(USER, b"<html>502 Bad Gateway</html>")

    told = []
    for _ in range(10):  # 150 s: every round fails; the snapshot is 2 intervals old at 120 s
        told.extend(await sync(harness))

    assert len(told) == 1
    assert told[0].startswith(
        "hl:main: I cannot read this wallet from Hyperliquid; its positions are those of the"
    )
    assert await harness.services.portfolios.active(42) == before  # nothing changed
    assert "Hyperliquid: 2,424.25 · IsoCross: 2,424.25" in await chat.text("/positions")
    assert "stale: read 2 min ago" in await chat.text("/watch")
    hyperliquid.account(USER, {"assetPositions": [{"position": {"coin": "ETH", "szi": "x"}}]})
    assert await sync(harness) == []  # a malformed row refuses the snapshot, no false alert


@pytest.mark.e2e
async def test_two_watchers_one_read_per_wallet(
    harness: Harness, hyperliquid: FakeHyperliquid
) -> None:
    await harness.chat(1).send(f"/watch {USER} main")
    await harness.chat(2).send(f"/watch {USER} whale")
    harness.clock.advance(WATCH_EVERY.total_seconds())
    hyperliquid.bodies.clear()

    await sync(harness)

    assert hyperliquid.types() == ["metaAndAssetCtxs", "clearinghouseState"]
    assert "1 position" in await harness.chat(2).text("/positions")


@pytest.mark.e2e
async def test_the_alert_watches_the_exchanges_price_when_it_is_the_nearer(
    harness: Harness, hyperliquid: FakeHyperliquid
) -> None:
    # Hyperliquid says 2,600 where the engine says 2,424.24: at a mark of 2,850 the
    # exchange's price is (2,850 - 2,600) / 2,850 = 8.8% away (a warning), the engine's
    # 14.9% (nothing). The nearer one is watched.
    nearer = deepcopy(ETH)
    nearer["position"]["liquidationPx"] = "2600.0"
    hyperliquid.account(USER, account(nearer))
    chat = harness.chat()
    await chat.send("/alerts distance 10% 5%")  # fixed levels: the cushion is not the point
    reply = await chat.text(f"/watch {USER} main")
    assert "ETHUSDT — Hyperliquid: 2,600.00 · IsoCross: 2,424.25 (apart by 6.76%)" in reply
    assert await sync(harness) == []

    hyperliquid.markets = markets("2850.0")
    (warning,) = await sync(harness)

    assert warning.startswith("Warning: ETHUSDT long is 8.8% from liquidation")
    assert "liquidation 2,600.00" in warning
    assert await sync(harness) == []


@pytest.mark.e2e
async def test_a_resized_position_is_one_line_and_the_gaps_are_logged(
    harness: Harness, hyperliquid: FakeHyperliquid, caplog: pytest.LogCaptureFixture
) -> None:
    # SOL reported at 163.5 where the engine says 175.61: 7.4% apart, an engine drift
    drifting = deepcopy(SOL)
    drifting["position"]["liquidationPx"] = "163.5"
    hyperliquid.account(USER, account(ETH, drifting))
    await harness.chat().send(f"/watch {USER} main")
    bigger = deepcopy(ETH)
    bigger["position"].update(szi="2.0", entryPx="2950.0", positionValue="6000.0")
    bigger["position"].update(marginUsed="1200.0", liquidationPx="2373.73737374")  # 4,700 / 1.98
    hyperliquid.account(USER, account(bigger, drifting))
    harness.clock.advance(WATCH_EVERY.total_seconds())
    caplog.clear()

    with caplog.at_level("INFO", logger="bot.alerts.wallets"):
        (change,) = await sync(harness)

    assert change == ("hl:main: ETH long now 2 (was 1), entry 2,950.00 — liquidation 2,373.74")
    logged = [r.getMessage() for r in caplog.records]
    assert any(m.startswith(f"engine drift: address={USER} coin=SOL side=short") for m in logged)
    (metric,) = [m for m in logged if m.startswith("liquidation gap")]
    assert metric.startswith("liquidation gap hyperliquid/isocross: count=2 median=")


@pytest.mark.e2e
async def test_several_wallets_per_user(harness: Harness, hyperliquid: FakeHyperliquid) -> None:
    other = "0x" + "34" * 20
    hyperliquid.account(other, account(SOL))
    chat = harness.chat()
    await chat.send(f"/watch {USER} main")
    await chat.send(f"/watch {other} second")

    listed = await chat.text("/watch")

    assert "hl:main" in listed and "hl:second" in listed and "0x3434…3434" in listed
    assert "Portfolio “hl:second”: 1 position" in await chat.text("/positions")


def _funding(answer: Any, coin: str, rate: str) -> Any:
    coins = [asset["name"] for asset in answer[0]["universe"]]
    answer[1][coins.index(coin)]["funding"] = rate
    return answer


@pytest.mark.e2e
async def test_a_watched_isolated_position_has_its_funding_line_in_usdc(
    harness: Harness,
) -> None:
    # Hyperliquid's hourly rate 0.00125%: 1 × 3,000 × 0.0000125 = 0.0375 a settlement;
    # 24 of them (0.9) move the liquidation price by 0.9 / 0.99 to 2,425.15, shown
    # toward danger as 2,425.16; 168 (6.3) by 6.36 to 2,430.61
    chat = harness.chat()
    await chat.send(f"/watch {USER} main")

    positions = await chat.text("/positions")

    assert (
        "#1 funding 0.0012% per 1 h (hyperliquid): pays 0.04 USDC a settlement; at this rate "
        "and an unchanged price the liquidation price moves to 2,425.16 in 24 h and 2,430.61 "
        "in 7 days."
    ) in positions
    assert "USDT" not in positions.replace("ETHUSDT", "")
    assert "Account       USDC" in await chat.text("/risk")


@pytest.mark.e2e
async def test_a_watched_alert_fixes_on_hyperliquid_and_offers_the_copy(
    harness: Harness, hyperliquid: FakeHyperliquid
) -> None:
    # at 2,650 the fix restores 10%: a liquidation price of 2,385 needs margin m with
    # 600 + m + (2,385 - 3,000) = 0.01 × 2,385, m = 38.85
    chat = harness.chat()
    await chat.send("/alerts distance 10% 5%")
    await chat.send(f"/watch {USER} main")
    await chat.send("/portfolio new typed")  # the watched one is not the active one
    assert await sync(harness) == []

    hyperliquid.markets = markets("2650.0")
    (warning,) = await sync(harness)

    assert warning.splitlines()[2:] == [
        "Mark 2,650.00 (hyperliquid, 0 s old) · liquidation 2,424.25",
        "Distance 8.5% · margin ratio 10.6%",
        "Add 38.85 USDC margin on Hyperliquid to get back to 10% from liquidation.",
        "For a what-if, copy the wallet: /portfolio copy hl:main sandbox",
    ]
    actions = [b.action for row in harness.transport.delivered[-1].reply.buttons for b in row]
    assert actions == ["/portfolio copy hl:main sandbox", "ad:1", "/alerts snooze ETH 2h"]
    copied = await chat.text("/portfolio copy hl:main sandbox")  # what the button runs
    assert copied == "Copied “hl:main” to “sandbox”; it is now active, and yours to change."


@pytest.mark.e2e
async def test_hyperliquids_hourly_funding_warns_a_resized_position(
    harness: Harness, hyperliquid: FakeHyperliquid
) -> None:
    # ETH long 2 @ 3,000, margin 1,200: liquidation 4,800 / 1.98 = 2,424.24. At 0.6% an
    # hour it pays 2 × 3,000 × 0.006 = 36 a settlement; danger (5%) is a liquidation
    # price of 2,850: (4,800 + paid) / 1.98 >= 2,850 from paid 843, the 24th hour (864)
    chat = harness.chat()
    await chat.send("/alerts distance 10% 5%")
    await chat.send(f"/watch {USER} main")
    hyperliquid.markets = _funding(markets("3000.0"), "ETH", "0.006")
    bigger = deepcopy(ETH)
    bigger["position"].update(szi="2.0", positionValue="6000.0", marginUsed="1200.0")
    hyperliquid.account(USER, account(bigger))
    harness.clock.advance(WATCH_EVERY.total_seconds())

    (warning,) = await sync(harness)

    assert warning.startswith("Warning: ETHUSDT long is 19.2% from liquidation")
    assert (
        "Funding at 0.6000% per 1 h brings this position to danger within 24 h with the price "
        "unchanged (864.00 USDC paid by then)."
    ) in warning
    assert "/close" not in warning
