"""The three exchanges' mark-price endpoints on one FakeExchange, in their real shapes.

    with FakeMarkets() as markets:
        markets.set("binance", {"BTCUSDT": "61000.10"}, at=now)
        markets.fail("bybit", 500)
        ... sources(client, markets.urls) ...

Shapes follow the exchanges' documentation: Binance USDⓈ-M premiumIndex (an
array, "markPrice" text, "time" ms), Bybit v5 tickers ({"retCode": 0, "result":
{"category": "linear", "list": [...]}, "time": ms}), OKX v5 mark-price ({"code":
"0", "data": [{"instType", "instId": "BTC-USDT-SWAP", "markPx", "ts": ms text}]}).
Each answer also carries a market the adapters must skip (a dated future, a
USDC perpetual, a coin-margined swap).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Self

from bot.feeds.venues import FEEDS
from engine.models import Exchange
from tests.fakes.exchange_server import FakeExchange
from tests.fakes.serving import Served

__all__ = [
    "FUNDING",
    "OKX_FUNDING",
    "PATHS",
    "FakeMarkets",
    "binance_body",
    "bybit_body",
    "okx_body",
    "okx_funding_body",
]

PATHS = {
    "binance": ("/fapi/v1/premiumIndex", {}),
    "bybit": ("/v5/market/tickers", {"category": "linear"}),
    "okx": ("/api/v5/public/mark-price", {"instType": "SWAP"}),
}


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


FUNDING = "0.0001"  # every symbol's funding rate unless a test serves another


def binance_body(
    prices: Mapping[str, object], at: datetime, funding: str = FUNDING
) -> list[dict[str, Any]]:
    rows = [
        {
            "symbol": symbol,
            "markPrice": price,
            "indexPrice": price,
            "estimatedSettlePrice": price,
            "lastFundingRate": funding,
            "interestRate": "0.00010000",
            "nextFundingTime": _ms(at) + 3_600_000,
            "time": _ms(at),
        }
        for symbol, price in prices.items()
    ]
    rows.append({**rows[0], "symbol": "BTCUSDT_260925", "markPrice": "1.0"} if rows else {})
    return [row for row in rows if row]


def bybit_body(
    prices: Mapping[str, object], at: datetime, funding: str = FUNDING
) -> dict[str, Any]:
    rows = [
        {
            "symbol": symbol,
            "lastPrice": price,
            "indexPrice": price,
            "markPrice": price,
            "fundingRate": funding,
            "nextFundingTime": str(_ms(at) + 3_600_000),
            "openInterest": "1000",
        }
        for symbol, price in prices.items()
    ]
    rows.append({"symbol": "BTCPERP", "markPrice": "1.0", "lastPrice": "1.0"})
    return {
        "retCode": 0,
        "retMsg": "OK",
        "result": {"category": "linear", "list": rows},
        "retExtInfo": {},
        "time": _ms(at),
    }


def okx_body(prices: Mapping[str, object], at: datetime, funding: str = FUNDING) -> dict[str, Any]:
    rows = [
        {
            "instType": "SWAP",
            "instId": f"{symbol.removesuffix('USDT')}-USDT-SWAP",
            "markPx": price,
            "ts": str(_ms(at)),
        }
        for symbol, price in prices.items()
    ]
    rows.append({"instType": "SWAP", "instId": "BTC-USD-SWAP", "markPx": "1.0", "ts": "0"})
    return {"code": "0", "msg": "", "data": rows}


def okx_funding_body(
    prices: Mapping[str, object], at: datetime, funding: str = FUNDING
) -> dict[str, Any]:
    """OKX v5 public/funding-rate?instId=ANY: every swap's rate, an 8-hour interval."""
    settles = _ms(at) + 3_600_000
    rows = [
        {
            "instType": "SWAP",
            "instId": f"{symbol.removesuffix('USDT')}-USDT-SWAP",
            "fundingRate": funding,
            "fundingTime": str(settles),
            "nextFundingTime": str(settles + 8 * 3_600_000),
        }
        for symbol in prices
    ]
    return {"code": "0", "msg": "", "data": rows}


_BODIES = {"binance": binance_body, "bybit": bybit_body, "okx": okx_body}
OKX_FUNDING = ("/api/v5/public/funding-rate", {"instId": "ANY"})


class FakeMarkets(Served):
    def __init__(self) -> None:
        self.server = FakeExchange()

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def urls(self) -> dict[Exchange, str]:
        """Every feed's base URL: all of them are served here."""
        return dict.fromkeys(FEEDS, self.server.url)

    def set(
        self,
        exchange: str,
        prices: Mapping[str, object],
        at: datetime,
        funding: str = FUNDING,
    ) -> None:
        """Serve these marks (text, as exchanges send them) stamped `at`, each symbol
        with this funding rate."""
        path, query = PATHS[exchange]
        self.server.route(path, _BODIES[exchange](prices, at, funding), query=query)
        if exchange == "okx":
            path, query = OKX_FUNDING
            self.server.route(path, okx_funding_body(prices, at, funding), query=query)

    def set_all(self, prices: Mapping[str, object], at: datetime, funding: str = FUNDING) -> None:
        for exchange in PATHS:
            self.set(exchange, prices, at, funding)

    def fail(self, exchange: str, status: int = 500, body: Any = b"") -> None:
        path, query = PATHS[exchange]
        self.server.route(path, body or {"error": "internal"}, query=query, status=status)

    def garbage(self, exchange: str) -> None:
        path, query = PATHS[exchange]
        self.server.route(path, b"<html>502 Bad Gateway</html>", query=query)

    def slow(self, exchange: str, seconds: float) -> None:
        path, query = PATHS[exchange]
        self.server.route(path, [], query=query, delay=seconds)

    def requests(self, exchange: str) -> int:
        return len(self.server.requests_to(PATHS[exchange][0]))

    def start(self) -> Self:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()
