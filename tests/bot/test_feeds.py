"""Market-data feeds against fake exchanges on 127.0.0.1: real shapes, real faults."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from bot.feeds import (
    FEEDS,
    FeedError,
    FeedPoller,
    MarkQuote,
    PriceBook,
    RawMark,
    Refusal,
    sources,
)
from engine.models import Exchange
from tests.fakes.markets import PATHS, FakeMarkets

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
INTERVAL = timedelta(seconds=30)


@pytest.fixture
def markets() -> Iterator[FakeMarkets]:
    with FakeMarkets() as fake:
        yield fake


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.5)) as opened:
        yield opened


def book() -> PriceBook:
    return PriceBook(INTERVAL, Decimal("0.2"))


@pytest.mark.parametrize("exchange", ["binance", "bybit", "okx"])
async def test_each_feed_reads_every_usdt_perpetual_in_one_request(
    markets: FakeMarkets, client: httpx.AsyncClient, exchange: str
) -> None:
    markets.set(exchange, {"BTCUSDT": "61000.10", "1000PEPEUSDT": "0.0123456"}, NOW)
    (source,) = [s for s in sources(client, markets.urls) if s.exchange.value == exchange]

    marks = await source.fetch()

    assert [(m.symbol, m.price) for m in marks] == [
        ("BTCUSDT", "61000.10"),
        ("1000PEPEUSDT", "0.0123456"),
    ]  # the dated future / USDC perpetual / coin-margined swap are left out
    assert markets.requests(exchange) == 1
    (request,) = markets.server.requests_to(PATHS[exchange][0])
    assert (
        request.query
        == {"binance": {}, "bybit": {"category": "linear"}, "okx": {"instType": "SWAP"}}[exchange]
    )


async def test_a_poll_accepts_exact_decimal_marks_from_every_feed(
    markets: FakeMarkets, client: httpx.AsyncClient
) -> None:
    markets.set_all({"BTCUSDT": "61000.10", "ETHUSDT": "3100.55"}, NOW - timedelta(seconds=2))
    poller = FeedPoller(sources(client, markets.urls), book())

    ticked = await poller.poll(NOW)

    assert set(ticked) == set(FEEDS)  # Hyperliquid is read per account, not polled
    quote = ticked[Exchange.OKX]["BTCUSDT"]
    assert quote == MarkQuote("BTCUSDT", Decimal("61000.10"), NOW - timedelta(seconds=2), "okx")
    assert str(ticked[Exchange.BYBIT]["ETHUSDT"].price) == "3100.55"
    assert poller.book.mark(Exchange.BINANCE, "ETHUSDT", NOW) is not None
    assert poller.book.mark(Exchange.BINANCE, "ETHUSDT", NOW + 2 * INTERVAL) is None  # too old


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("500", "http 500"), ("garbage", "not json"), ("timeout", "timeout"), ("shape", "unexpected")],
)
async def test_a_failing_feed_is_down_and_never_prices_anything(
    markets: FakeMarkets, client: httpx.AsyncClient, fault: str, reason: str
) -> None:
    if fault == "500":
        markets.fail("binance", 500)
    elif fault == "garbage":
        markets.garbage("binance")
    elif fault == "timeout":
        markets.slow("binance", 2.0)
    else:
        markets.fail("binance", 200, {"code": -1121, "msg": "Invalid symbol."})
    (source, *_) = sources(client, markets.urls)

    with pytest.raises(FeedError) as raised:
        await source.fetch()

    assert raised.value.reason.startswith(reason)


async def test_an_outage_is_reported_once_marks_are_two_intervals_old(
    markets: FakeMarkets, client: httpx.AsyncClient
) -> None:
    markets.set("binance", {"BTCUSDT": "61000"}, NOW)
    poller = FeedPoller(sources(client, markets.urls)[:1], book())
    await poller.poll(NOW)
    markets.fail("binance", 503)

    await poller.poll(NOW + INTERVAL)
    assert poller.book.outage(Exchange.BINANCE, NOW + INTERVAL) is None
    await poller.poll(NOW + 3 * INTERVAL)
    assert poller.book.outage(Exchange.BINANCE, NOW + 3 * INTERVAL) == NOW  # the last good tick
    markets.set("binance", {"BTCUSDT": "61010"}, NOW + 4 * INTERVAL)
    await poller.poll(NOW + 4 * INTERVAL)
    assert poller.book.outage(Exchange.BINANCE, NOW + 4 * INTERVAL) is None


@pytest.mark.parametrize(
    ("price", "at", "refusal"),
    [
        (None, NOW, Refusal.MISSING),
        ("", NOW, Refusal.MISSING),
        ("abc", NOW, Refusal.NOT_A_NUMBER),
        ("NaN", NOW, Refusal.NOT_A_NUMBER),
        (True, NOW, Refusal.NOT_A_NUMBER),
        ("0", NOW, Refusal.NOT_POSITIVE),
        ("-5", NOW, Refusal.NOT_POSITIVE),
        ("61000", NOW - 2 * INTERVAL - timedelta(seconds=1), Refusal.STALE),
        ("61000", "yesterday", Refusal.BAD_TIME),
    ],
    ids=str,
)
def test_bad_prices_are_refused(price: object, at: object, refusal: Refusal) -> None:
    time = int(at.timestamp() * 1000) if isinstance(at, datetime) else at
    assert book().offer(Exchange.BINANCE, RawMark("BTCUSDT", price, time), NOW) is refusal


def test_a_jump_counts_only_once_the_next_tick_confirms_it() -> None:
    prices = book()

    def offer(price: str, seconds: int) -> MarkQuote | Refusal:
        at = NOW + timedelta(seconds=seconds)
        return prices.offer(Exchange.BYBIT, RawMark("BTCUSDT", price, None), at)

    assert isinstance(offer("61000", 0), MarkQuote)
    assert offer("30000", 30) is Refusal.JUMP  # -51%: a glitch until shown twice
    assert isinstance(offer("61200", 60), MarkQuote)  # the glitch is forgotten
    assert offer("80000", 90) is Refusal.JUMP
    confirmed = offer("80100", 120)
    assert isinstance(confirmed, MarkQuote) and confirmed.price == Decimal("80100")
    latest = prices.latest(Exchange.BYBIT, "BTCUSDT")
    assert latest is not None and latest.price == Decimal("80100")


async def test_a_feed_whose_every_price_is_zero_counts_as_down(
    markets: FakeMarkets, client: httpx.AsyncClient
) -> None:
    markets.set("okx", {"BTCUSDT": "0", "ETHUSDT": "0"}, NOW)
    poller = FeedPoller(sources(client, markets.urls)[2:], book())
    assert await poller.poll(NOW) == {Exchange.OKX: {}}
    assert poller.book.outage(Exchange.OKX, NOW + 3 * INTERVAL) == NOW
