"""The Hyperliquid `/info` client: one POST per question, every call inside the shared budget.

    client = InfoClient(http, settings.hyperliquid_url, WeightBudget())
    markets = await client.markets()              # weight 20: every mark, funding and table
    account = await client.account("0x5e9e…a13a")  # weight 2: one wallet's positions

Numbers are decoded as Decimal (never float). Every failure is a FeedError: a 429
is `RateLimited` after telling the budget to pause, another status is "http NNN",
an answer of the wrong shape is a `SnapshotError` (see `account` and `markets`).
Nothing is retried here: the caller's next round is the retry, and the budget makes
it wait as long as the exchange asked.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx

from bot.feeds.base import FeedError
from bot.feeds.hyperliquid.account import AccountSnapshot, check_address, parse_account
from bot.feeds.hyperliquid.budget import WEIGHTS, WeightBudget
from bot.feeds.hyperliquid.errors import RateLimited
from bot.feeds.hyperliquid.markets import MarketSnapshot, parse_markets

__all__ = ["INFO", "InfoClient"]

INFO = "/info"


class InfoClient:
    """Hyperliquid's public info endpoint at `base_url` (ISOCROSS_HYPERLIQUID_URL)."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, budget: WeightBudget) -> None:
        self._http, self._url, self.budget = http, base_url.rstrip("/") + INFO, budget

    async def markets(self) -> MarketSnapshot:
        """Every perpetual's mark, funding, maximum leverage and margin table."""
        return parse_markets(await self._post({"type": "metaAndAssetCtxs"}))

    async def account(self, user: str) -> AccountSnapshot:
        """The account of wallet `user` (0x and 40 hex digits), as its clearinghouse sees it."""
        address = check_address(user)
        return parse_account(
            address, await self._post({"type": "clearinghouseState", "user": address})
        )

    async def _post(self, body: dict[str, str]) -> Any:
        await self.budget.take(WEIGHTS[body["type"]])
        try:
            response = await self._http.post(self._url, json=body)
        except httpx.TimeoutException:
            raise FeedError("timeout") from None
        except httpx.HTTPError as error:
            raise FeedError(f"network: {type(error).__name__}") from None
        if response.status_code == httpx.codes.TOO_MANY_REQUESTS:
            raise RateLimited(self.budget.rate_limited())
        if response.status_code != httpx.codes.OK:
            raise FeedError(f"http {response.status_code}")
        self.budget.succeeded()
        try:
            return json.loads(response.content, parse_float=Decimal)
        except ValueError:
            raise FeedError("not json") from None
