"""The one small interface every market-data feed speaks, and the HTTP it shares.

A feed answers one question per tick: every mark it has right now, in one
request however many users there are. It does not judge the numbers; the
`PriceBook` does (zero, stale, jumps), so every feed is held to the same rules.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

import httpx

from bot.feeds.funding import RawFunding
from engine.exchanges import SymbolNaming
from engine.models import Exchange

__all__ = [
    "FeedError",
    "HttpVenue",
    "PriceSource",
    "RawMark",
    "Venue",
    "get_json",
    "listed",
    "marks_of",
]


@dataclass(frozen=True, slots=True)
class RawMark:
    """One symbol's mark as the exchange sent it: `price` and `time` (epoch
    milliseconds, number or text) are checked by the PriceBook, not here."""

    symbol: str  # canonical, 'BTCUSDT'
    price: object
    time: object = None  # None: the exchange gave no time for it
    funding: RawFunding | None = None  # the funding rate sent with it, if any


class FeedError(Exception):
    """The whole answer is unusable: no connection, a timeout, an HTTP error, not JSON,
    or not the shape the exchange documents."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PriceSource(Protocol):
    @property
    def exchange(self) -> Exchange: ...

    async def fetch(self) -> list[RawMark]:
        """Every USDT perpetual's mark, in one request; FeedError when it failed."""
        ...


class Venue(PriceSource, Protocol):
    """One exchange's adapter: its marks, and the daily candles the advice's volatility uses."""

    async def daily_candles(self, symbol: str, limit: int) -> list[Any]:
        """The last `limit` daily candles of `symbol` ('BTCUSDT') in the exchange's order,
        each a list [open time (ms), open, high, low, close, ...]; FeedError when it failed."""
        ...


async def get_json(
    client: httpx.AsyncClient, base_url: str, path: str, params: dict[str, str]
) -> Any:
    """GET and decode JSON with every number as Decimal (never float)."""
    try:
        response = await client.get(base_url.rstrip("/") + path, params=params)
    except httpx.TimeoutException:
        raise FeedError("timeout") from None
    except httpx.HTTPError as error:
        raise FeedError(f"network: {type(error).__name__}") from None
    if response.status_code != httpx.codes.OK:
        raise FeedError(f"http {response.status_code}")
    try:
        return json.loads(response.content, parse_float=Decimal)
    except ValueError:
        raise FeedError("not json") from None


def marks_of(
    items: Iterable[Any],
    naming: SymbolNaming,
    symbol_key: str,
    price_key: str,
    time_key: str | None,
    time: object = None,
    funding: Callable[[dict[str, Any]], RawFunding | None] | None = None,
) -> list[RawMark]:
    """The USDT perpetuals among `items` (their names read by the exchange's profile),
    each with its price and its own time, or `time` for an answer stamped as a whole;
    `funding` reads the funding fields an item carries."""
    marks = []
    for item in items:
        if not isinstance(item, dict):
            continue
        native = item.get(symbol_key)
        symbol = naming.canonical(native) if isinstance(native, str) else None
        if symbol is None:
            continue
        stamp = item.get(time_key) if time_key is not None else time
        rate = None if funding is None else funding(item)
        marks.append(RawMark(symbol, item.get(price_key), stamp, rate))
    return marks


def listed(value: Any) -> list[Any]:
    """`value` if it is a JSON list, as the answer (or its part) is documented to be;
    FeedError for anything else."""
    if not isinstance(value, list):
        raise FeedError("unexpected shape")
    return value


class HttpVenue:
    """An exchange's public REST API at `base_url`, read over the shared client."""

    exchange: Exchange

    def __init__(self, client: httpx.AsyncClient, base_url: str) -> None:
        self._client, self._url = client, base_url

    async def _get(self, path: str, params: dict[str, str]) -> Any:
        return await get_json(self._client, self._url, path, params)
