"""The Hyperliquid /info client against the fake on 127.0.0.1: what it asks, what it keeps,
what it refuses, and how it spends the shared per-IP budget."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from decimal import Decimal

import httpx
import pytest

from bot.config import Settings
from bot.feeds import FeedError
from bot.feeds.hyperliquid import InfoClient, RateLimited, SnapshotError, WeightBudget
from tests.fakes.hyperliquid import FakeHyperliquid
from tests.fakes.hyperliquid_shapes import (
    ISOLATED_ROW,
    MIXED_ACCOUNT,
    MIXED_USER,
    SDK_ACCOUNT,
    SDK_USER,
    account_with,
)

D = Decimal


class Clock:
    """Monotonic seconds that only move when a sleep asks them to."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def fake() -> Iterator[FakeHyperliquid]:
    with FakeHyperliquid() as server:
        yield server


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def client(fake: FakeHyperliquid, clock: Clock) -> AsyncIterator[InfoClient]:
    async with httpx.AsyncClient(timeout=5) as http:
        yield InfoClient(http, fake.url, WeightBudget(clock=clock, sleep=clock.sleep))


async def test_markets_give_marks_funding_and_each_assets_table(
    client: InfoClient, fake: FakeHyperliquid
) -> None:
    markets = await client.markets()

    assert fake.bodies == [{"type": "metaAndAssetCtxs"}]
    btc = markets.market("BTC")
    assert (btc.symbol, btc.mark, btc.funding, btc.max_leverage) == (
        "BTCUSDT",
        D("97200.0"),
        D("0.0000125"),
        D(40),
    )
    # table 56: 40x (mmr 1.25%) to 150M, then 20x (2.5%, deduction 1,875,000)
    assert [(t.mmr, t.maintenance_amount) for t in btc.table.tiers] == [
        (D("0.0125"), D(0)),
        (D("0.025"), D("1875000.0000")),
    ]
    assert markets.market("kPEPE").symbol == "1000PEPEUSDT"
    assert markets.market("SOL").table.tiers[0].mmr == D("0.025")  # id 20: one 20x tier
    assert markets.unreadable == ("BADMARK",)  # its markPx is "bad": left out, named


async def test_a_universe_and_contexts_out_of_step_refuse_the_answer(
    client: InfoClient, fake: FakeHyperliquid
) -> None:
    fake.markets[1].pop()  # one context fewer than assets: which mark is whose?

    with pytest.raises(SnapshotError) as caught:
        await client.markets()
    assert (caught.value.reason, caught.value.params) == (
        "bad_shape",
        {"field": "assetCtxs", "expected": 15},
    )


async def test_the_sdk_recording_reads_with_every_number_exact(
    client: InfoClient, fake: FakeHyperliquid
) -> None:
    fake.account(SDK_USER, SDK_ACCOUNT)

    account = await client.account(SDK_USER.upper().replace("0X", "0x"))

    assert fake.bodies == [{"type": "clearinghouseState", "user": SDK_USER}]  # lower-cased
    assert len(account.positions) == 12
    btc = account.positions[0]
    assert (btc.coin, btc.szi, btc.entry_px, btc.leverage.type, btc.leverage.value) == (
        "BTC",
        D("-0.00785"),
        D("26951.0"),
        "cross",
        D(20),
    )
    assert btc.liquidation.kind == "price" and btc.liquidation.price == D("173198.69592357")
    assert account.positions[1].liquidation.kind == "none"  # ETH: null
    assert account.margin_summary.account_value == D("1182.312496")
    assert account.withdrawable == D("1010.57173")
    assert (account.time, account.cross_maintenance_margin_used) == (None, None)  # 2023 shape


async def test_null_garbage_and_closed_rows_each_read_their_own_way(
    client: InfoClient, fake: FakeHyperliquid
) -> None:
    fake.account(MIXED_USER, MIXED_ACCOUNT)

    account = await client.account(MIXED_USER)

    eth, btc, sol = account.positions
    assert eth.leverage.type == "isolated" and eth.leverage.raw_usd == D("-95.059824")
    assert eth.cum_funding is not None and eth.cum_funding.all_time == D("514.085417")
    assert eth.liquidation.price == D("2866.26936529")
    assert btc.liquidation.kind == "unreadable"  # "bad": unknown, never shown as "none"
    assert sol.liquidation.kind == "none"
    assert account.closed == ("DOGE",)  # szi "0.0": gone, remembered by coin
    assert account.time == 1708622398623


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"entryPx": None}, "entryPx"),
        ({"szi": "Inf"}, "szi"),
        ({"szi": "bad"}, "szi"),
        ({"marginUsed": "NaN"}, "marginUsed"),
        ({"leverage": {"type": "portfolio", "value": 20}}, "leverage.type"),
        ({"positionValue": None}, "positionValue"),
    ],
)
async def test_an_open_row_with_a_broken_field_refuses_the_snapshot(
    client: InfoClient, fake: FakeHyperliquid, change: dict[str, object], field: str
) -> None:
    broken = {"position": {**ISOLATED_ROW["position"], **change}, "type": "oneWay"}
    fake.account(MIXED_USER, account_with(ISOLATED_ROW, broken))

    with pytest.raises(SnapshotError) as caught:
        await client.account(MIXED_USER)
    assert caught.value.reason == "bad_position"
    assert caught.value.params == {"row": 1, "coin": "ETH", "field": field}


async def test_a_missing_field_refuses_the_snapshot(
    client: InfoClient, fake: FakeHyperliquid
) -> None:
    row = {"position": {k: v for k, v in ISOLATED_ROW["position"].items() if k != "unrealizedPnl"}}
    fake.account(MIXED_USER, account_with(row))

    with pytest.raises(SnapshotError) as caught:
        await client.account(MIXED_USER)
    assert caught.value.params["field"] == "unrealizedPnl"


async def test_a_missing_liquidation_price_is_unreadable_not_none(
    client: InfoClient, fake: FakeHyperliquid
) -> None:
    row = {"position": {k: v for k, v in ISOLATED_ROW["position"].items() if k != "liquidationPx"}}
    fake.account(MIXED_USER, account_with(row))

    account = await client.account(MIXED_USER)
    assert account.positions[0].liquidation.kind == "unreadable"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"marginSummary": {}}, "bad_shape"),
        ({**MIXED_ACCOUNT, "withdrawable": "Inf"}, "bad_summary"),
        ({**MIXED_ACCOUNT, "marginSummary": None}, "bad_summary"),
        ([], "bad_shape"),
        (b"<html>maintenance</html>", "not json"),
    ],
)
async def test_an_answer_that_is_not_an_account_is_refused(
    client: InfoClient, fake: FakeHyperliquid, answer: object, reason: str
) -> None:
    fake.account(MIXED_USER, answer)

    with pytest.raises(FeedError) as caught:
        await client.account(MIXED_USER)
    assert caught.value.reason == reason


async def test_an_address_that_is_not_one_is_refused_before_any_request(
    client: InfoClient, fake: FakeHyperliquid
) -> None:
    for address in ("0x123", "5e9ee1089755c3435139848e47e6635505d5a13a", "0x" + "g" * 40):
        with pytest.raises(SnapshotError, match="bad_address"):
            await client.account(address)
    assert fake.bodies == []


async def test_the_account_changes_between_calls(client: InfoClient, fake: FakeHyperliquid) -> None:
    fake.account(MIXED_USER, account_with(ISOLATED_ROW), MIXED_ACCOUNT)

    first = await client.account(MIXED_USER)
    second = await client.account(MIXED_USER)
    third = await client.account(MIXED_USER)

    assert [p.coin for p in first.positions] == ["ETH"]
    assert [p.coin for p in second.positions] == ["ETH", "BTC", "SOL"]
    assert third == second  # the last answer stays


async def test_a_429_pauses_every_caller_and_backs_off_while_they_repeat(
    client: InfoClient, fake: FakeHyperliquid, clock: Clock
) -> None:
    fake.fail(429, times=2)

    with pytest.raises(RateLimited) as first:
        await client.account(MIXED_USER)
    with pytest.raises(RateLimited) as second:
        await client.account(MIXED_USER)
    await client.account(MIXED_USER)  # the empty account of an unknown address

    assert (first.value.retry_after, second.value.retry_after) == (1.0, 2.0)
    # the second call waited out the first pause, the third the doubled one
    assert clock.slept[:2] == [1.0, 2.0]
    assert client.budget.rate_limited() == 1.0  # a success reset the back-off


async def test_a_500_is_a_feed_error_without_a_pause(
    client: InfoClient, fake: FakeHyperliquid, clock: Clock
) -> None:
    fake.fail(500)

    with pytest.raises(FeedError, match="http 500"):
        await client.markets()
    await client.markets()
    assert clock.slept == []


async def test_nothing_listens_is_a_network_error() -> None:
    async with httpx.AsyncClient(timeout=1) as http:
        client = InfoClient(http, "http://127.0.0.1:9", WeightBudget())
        with pytest.raises(FeedError, match="network"):
            await client.markets()


def test_the_base_url_is_a_setting_with_the_official_default() -> None:
    assert Settings.model_validate({}).hyperliquid_url == "https://api.hyperliquid.xyz"
    custom = Settings.model_validate({"ISOCROSS_HYPERLIQUID_URL": "http://127.0.0.1:8081"})
    assert custom.hyperliquid_url == "http://127.0.0.1:8081"


async def test_a_minute_of_budget_is_sixty_market_reads_then_twenty_weight_a_second(
    clock: Clock,
) -> None:
    budget = WeightBudget(clock=clock, sleep=clock.sleep)

    for _ in range(60):  # 60 x 20 = 1,200: the whole minute, at once
        await budget.take(20)
    assert clock.slept == []
    await budget.take(2)  # one account read: 2 / (1,200 / 60 s) = 0.1 s
    await budget.take(20)  # one market read: 1 s
    assert clock.slept == [pytest.approx(0.1), pytest.approx(1.0)]
    with pytest.raises(ValueError):
        await budget.take(1201)  # more than a minute's budget never fits
