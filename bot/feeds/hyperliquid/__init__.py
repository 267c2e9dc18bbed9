"""Hyperliquid: its public `/info` endpoint read without keys, inside the per-IP budget.

`InfoClient` asks (`markets`: marks, funding and margin tables; `account`: one
wallet's positions), `WeightBudget` keeps every call within 1,200 weight a minute,
and `watched_account` / `evaluate_account` turn an account into the engine's
portfolio with the exchange's own liquidation price beside each position. What a
malformed answer does is decided in `account` and `markets`; every failure is a
`FeedError` (`RateLimited`, `SnapshotError`).

May import engine and httpx (through bot.feeds); never the command layer, views or telegram.
"""

from bot.feeds.hyperliquid.account import (
    AccountPosition,
    AccountSnapshot,
    ExchangeLiquidation,
    check_address,
    parse_account,
)
from bot.feeds.hyperliquid.budget import WEIGHT_PER_MINUTE, WEIGHTS, WeightBudget
from bot.feeds.hyperliquid.client import InfoClient
from bot.feeds.hyperliquid.convert import (
    WatchedAccount,
    WatchedPosition,
    evaluate_account,
    watched_account,
)
from bot.feeds.hyperliquid.errors import RateLimited, SnapshotError
from bot.feeds.hyperliquid.markets import Market, MarketSnapshot, parse_markets

__all__ = [
    "WEIGHTS",
    "WEIGHT_PER_MINUTE",
    "AccountPosition",
    "AccountSnapshot",
    "ExchangeLiquidation",
    "InfoClient",
    "Market",
    "MarketSnapshot",
    "RateLimited",
    "SnapshotError",
    "WatchedAccount",
    "WatchedPosition",
    "WeightBudget",
    "check_address",
    "evaluate_account",
    "parse_account",
    "parse_markets",
    "watched_account",
]
