"""The price guard in a real crash: consecutive ticks that agree with each other, and
other exchanges that agree, confirm a move the 20% bound would refuse; a lone glitch
still never gets in; a feed that has no price of its own is priced from the others."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from bot.feeds import FeedPoller, MarkQuote, PriceBook, RawMark, Refusal, sources
from bot.feeds.book import Problem
from engine.models import Exchange
from tests.fakes.markets import FakeMarkets

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
INTERVAL = timedelta(seconds=30)
B, Y, OK = Exchange.BINANCE, Exchange.BYBIT, Exchange.OKX


def book() -> PriceBook:
    return PriceBook(INTERVAL, Decimal("0.2"))


def ticks(prices: PriceBook, exchange: Exchange, *series: str) -> list[str]:
    """Offer one price a tick (30 s apart); 'ok' or the refusal, per tick."""
    verdicts = []
    for n, price in enumerate(series):
        verdict = prices.offer(exchange, RawMark("BTCUSDT", price), NOW + n * INTERVAL)
        verdicts.append("ok" if isinstance(verdict, MarkQuote) else verdict.value)
    return verdicts


def test_a_crash_of_25_percent_a_tick_is_followed_from_its_second_tick() -> None:
    # 60,000 -> 45,000 -> 33,750 -> 25,312.50 -> 18,984.38: each tick -25%
    prices = book()
    verdicts = ticks(prices, B, "60000", "45000", "33750", "25312.50", "18984.38")
    assert verdicts == ["ok", "unconfirmed_jump", "ok", "ok", "ok"]
    latest = prices.latest(B, "BTCUSDT")
    assert latest is not None and latest.price == Decimal("18984.38")


@pytest.mark.parametrize(
    ("series", "verdicts"),
    [
        # a lone spike and back: the spike never counts
        (("60000", "30000", "60100"), ["ok", "unconfirmed_jump", "ok"]),
        # a spike then garbage further the same way, beyond halving a tick: no trend
        (("60000", "30000", "6"), ["ok", "unconfirmed_jump", "unconfirmed_jump"]),
        # a jump shown twice (within 5% of each other) is real
        (("60000", "80000", "80100"), ["ok", "unconfirmed_jump", "ok"]),
        # a -25% tick after a -10% one: the steps differ, the second -25% confirms
        (("60000", "54000", "40500", "30375"), ["ok", "ok", "unconfirmed_jump", "ok"]),
    ],
    ids=["spike", "garbage", "twice", "accelerating"],
)
def test_what_confirms_a_jump_and_what_does_not(
    series: tuple[str, ...], verdicts: list[str]
) -> None:
    assert ticks(book(), B, *series) == verdicts


def test_two_agreeing_feeds_confirm_a_jump_at_once() -> None:
    prices = book()
    for exchange in (B, Y):
        prices.offer(exchange, RawMark("BTCUSDT", "60000"), NOW)
    later = NOW + INTERVAL
    assert prices.offer(B, RawMark("BTCUSDT", "45000"), later) is Refusal.JUMP
    bybit = prices.offer(Y, RawMark("BTCUSDT", "45090"), later)  # within 5% of Binance's
    assert isinstance(bybit, MarkQuote)
    (confirmed,) = prices.confirm(later)  # and Binance's own is let in the same tick
    assert (confirmed.source, confirmed.price) == ("binance", Decimal("45000"))
    assert prices.mark(B, "BTCUSDT", later) == confirmed


def test_why_a_symbol_has_no_own_price_and_who_prices_it_meanwhile() -> None:
    prices = book()
    prices.offer(B, RawMark("BTCUSDT", "60000"), NOW)
    prices.offer(Y, RawMark("BTCUSDT", "60010"), NOW)
    later = NOW + INTERVAL
    assert prices.offer(B, RawMark("BTCUSDT", "0"), later) is Refusal.NOT_POSITIVE
    prices.offer(Y, RawMark("BTCUSDT", "59900"), later)
    problem = prices.problem(B, "BTCUSDT", later)
    assert problem is None  # Binance's 60,000 of 30 s ago is still fresh
    much_later = NOW + 3 * INTERVAL
    prices.offer(Y, RawMark("BTCUSDT", "59800"), much_later)
    assert prices.offer(B, RawMark("BTCUSDT", "0"), much_later) is Refusal.NOT_POSITIVE
    problem = prices.problem(B, "BTCUSDT", much_later)
    assert problem is not None
    assert (problem.problem, problem.refusal, problem.since) == (
        Problem.REFUSED,
        Refusal.NOT_POSITIVE,
        NOW,
    )
    used = prices.mark(B, "BTCUSDT", much_later)  # never the entry price while Bybit has one
    assert used is not None and (used.source, used.price) == ("bybit", Decimal("59800"))
    assert prices.own(B, "BTCUSDT", much_later) is None
    never = prices.problem(OK, "BTCUSDT", much_later)
    assert never is not None and never.problem is Problem.UNPRICED


@pytest.fixture
def markets() -> Iterator[FakeMarkets]:
    with FakeMarkets() as fake:
        yield fake


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(0.5)) as opened:
        yield opened


async def test_a_tick_confirms_across_feeds_and_prices_a_down_feed_from_the_others(
    markets: FakeMarkets, client: httpx.AsyncClient
) -> None:
    poller = FeedPoller(sources(client, markets.urls), book())
    markets.set_all({"BTCUSDT": "60000"}, NOW)
    await poller.poll(NOW)

    later = NOW + INTERVAL
    markets.set_all({"BTCUSDT": "45000"}, later)  # -25% everywhere at once
    ticked = await poller.poll(later)
    assert {e: q["BTCUSDT"].price for e, q in ticked.items()} == dict.fromkeys(
        (B, Y, OK), Decimal("45000")
    )  # every feed agrees: confirmed in the tick it happened

    markets.fail("binance", 503)
    markets.set("bybit", {"BTCUSDT": "44000"}, later + INTERVAL)
    markets.set("okx", {"BTCUSDT": "44010"}, later + INTERVAL)
    await poller.poll(later + INTERVAL)  # Binance's 45,000 is still fresh
    gone = later + 3 * INTERVAL  # Binance's last mark is now older than two intervals
    markets.set("bybit", {"BTCUSDT": "43000"}, gone)
    markets.set("okx", {"BTCUSDT": "43010"}, gone - timedelta(seconds=5))
    ticked = await poller.poll(gone)
    stand_in = ticked[B]["BTCUSDT"]  # Binance's users are judged at Bybit's mark
    assert (stand_in.source, stand_in.price) == ("bybit", Decimal("43000"))  # the freshest
    assert poller.book.own(B, "BTCUSDT", gone) is None
