"""What can go wrong reading Hyperliquid, as codes: the bot words them, logs keep them.

FeedError (bot.feeds.base)     the answer is unusable: network, HTTP, not JSON
├── RateLimited                a 429: the shared budget backs off before the next call
└── SnapshotError              JSON, but not an account or market the engine may trust
"""

from __future__ import annotations

from bot.feeds.base import FeedError

__all__ = ["RateLimited", "SnapshotError"]


class RateLimited(FeedError):
    """Hyperliquid answered 429: the per-IP weight budget is spent; `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__("rate_limited")
        self.retry_after = retry_after


class SnapshotError(FeedError):
    """A whole snapshot refused: `reason` is a stable code, `params` say where.

    Codes: `bad_shape` (not the documented structure), `bad_position` (an open
    position with a missing or malformed field), `bad_summary`, `unknown_market` (a
    coin the market snapshot does not list), `bad_address`, `negative_balance`.
    """

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.params = params

    def __str__(self) -> str:
        details = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.reason}({details})" if details else self.reason
