"""Daily closes from each exchange's kline endpoint, served by a fake exchange on
127.0.0.1 in the documented shapes, and the advice using them while they are fresh."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bot.feeds import NoFeed
from bot.feeds.candles import DAYS, CandleFeed, daily_closes
from bot.feeds.klines import REFRESH, STALE, KlineStore
from bot.services import Services
from engine.market import Source
from engine.models import Exchange
from tests.bot.conftest import Chat
from tests.fakes.exchange_server import FakeExchange

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = datetime(2026, 3, 10, tzinfo=UTC)
# 40 days of candles, the last one (today's) still open; closes 60,000.5 + 100 k
DAYS_SERVED = [(TODAY - timedelta(days=39 - k), Decimal("60000.5") + 100 * k) for k in range(40)]
CLOSED = [close for _, close in DAYS_SERVED[:-1]][-DAYS:]


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def binance() -> list[list[Any]]:
    return [[_ms(t), "1", "2", "0.5", str(c), "10", _ms(t) + 86_399_999] for t, c in DAYS_SERVED]


def bybit() -> dict[str, Any]:
    rows = [[str(_ms(t)), "1", "2", "0.5", str(c), "10", "1"] for t, c in DAYS_SERVED]
    result = {"category": "linear", "symbol": "BTCUSDT", "list": rows[::-1]}  # newest first
    return {"retCode": 0, "retMsg": "OK", "result": result, "time": _ms(NOW)}


def okx() -> dict[str, Any]:
    rows = [
        [str(_ms(t)), "1", "2", "0.5", str(c), "10", "10", "10", "0" if t == TODAY else "1"]
        for t, c in DAYS_SERVED
    ]
    return {"code": "0", "msg": "", "data": rows[::-1]}  # newest first


@pytest.fixture
def fake() -> Iterator[FakeExchange]:
    with FakeExchange() as server:
        server.route("/fapi/v1/klines", binance())
        server.route("/v5/market/kline", bybit())
        server.route("/api/v5/market/candles", okx())
        yield server


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(2.0)) as opened:
        yield opened


@pytest.mark.parametrize(
    ("exchange", "path", "query"),
    [
        (Exchange.BINANCE, "/fapi/v1/klines", {"symbol": "BTCUSDT", "interval": "1d"}),
        (Exchange.BYBIT, "/v5/market/kline", {"category": "linear", "interval": "D"}),
        (Exchange.OKX, "/api/v5/market/candles", {"instId": "BTC-USDT-SWAP", "bar": "1D"}),
    ],
)
async def test_each_exchange_gives_the_closed_days_oldest_first_as_exact_decimals(
    fake: FakeExchange,
    client: httpx.AsyncClient,
    exchange: Exchange,
    path: str,
    query: dict[str, str],
) -> None:
    closes = await daily_closes(client, exchange, fake.url, "BTCUSDT", NOW)
    assert closes == tuple(CLOSED)  # today's open candle left out, whatever the order
    assert closes[-1] == Decimal("63800.5")  # yesterday: 60,000.5 + 100 x 38
    (request,) = fake.requests_to(path)
    assert query.items() <= request.query.items()


async def test_an_exchange_without_an_adapter_is_no_feed_not_okx(
    fake: FakeExchange, client: httpx.AsyncClient
) -> None:
    # Regression: any exchange the candles did not know used to be asked OKX's endpoint.
    with pytest.raises(NoFeed):
        await daily_closes(client, Exchange.CUSTOM, fake.url, "BTCUSDT", NOW)
    store = KlineStore()
    feed = CandleFeed(client, {Exchange.CUSTOM: fake.url}, store)

    assert await feed.refresh({(Exchange.CUSTOM, "BTCUSDT")}, NOW) == 0

    assert fake.requests == []  # nothing asked of any exchange
    assert store.market(NOW).volatility("BTCUSDT").source is Source.DEFAULT


async def test_a_symbol_is_fetched_at_most_hourly_and_used_while_fresh(
    fake: FakeExchange, client: httpx.AsyncClient
) -> None:
    store = KlineStore()
    feed = CandleFeed(client, {Exchange.BINANCE: fake.url}, store)
    wanted = {(Exchange.BINANCE, "BTCUSDT")}
    assert store.market(NOW).volatility("BTCUSDT").source is Source.DEFAULT

    assert await feed.refresh(wanted, NOW) == 1
    assert await feed.refresh(wanted, NOW + REFRESH - timedelta(seconds=1)) == 0
    assert await feed.refresh(wanted, NOW + REFRESH) == 1
    assert len(fake.requests_to("/fapi/v1/klines")) == 2

    estimate = store.market(NOW + REFRESH).volatility("BTCUSDT")
    assert (estimate.source, estimate.returns) == (Source.KLINES, DAYS - 1)
    stale = store.market(NOW + REFRESH + STALE).volatility("BTCUSDT")
    assert stale.source is Source.DEFAULT


async def test_a_failing_kline_endpoint_leaves_the_defaults_and_waits_an_hour(
    fake: FakeExchange, client: httpx.AsyncClient
) -> None:
    fake.route("/fapi/v1/klines", b"<html>busy</html>", status=502)
    store = KlineStore()
    feed = CandleFeed(client, {Exchange.BINANCE: fake.url}, store)
    assert await feed.refresh({(Exchange.BINANCE, "BTCUSDT")}, NOW) == 0
    assert await feed.refresh({(Exchange.BINANCE, "BTCUSDT")}, NOW + timedelta(minutes=5)) == 0
    assert len(fake.requests_to("/fapi/v1/klines")) == 1
    assert store.market(NOW).volatility("BTCUSDT").source is Source.DEFAULT


async def test_recommend_says_it_uses_recent_prices_when_the_feed_has_them(
    chat: Chat, services: Services
) -> None:
    await chat.send("/balance 10000")
    await chat.send("/long BTC 0.5 @ 62000 x5 iso")
    assert "recent prices" not in await chat.text("/recommend")  # shipped defaults
    services.klines.put("BTCUSDT", CLOSED, services.clock())
    assert "a year (recent prices)" in await chat.text("/recommend")
