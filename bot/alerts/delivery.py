"""How a message reaches a user outside a reply: alerts, digests, notices.

The outbox (alerts) speaks only this protocol; the Telegram adapter implements
it, and tests implement it with a fake Bot API. A transport raises
`DeliveryRetry` when the message should be tried again later (Telegram's 429
with retry_after; with `backoff`, a 5xx or a connection that could not be made),
`DeliveryUncertain` when it may or may not have arrived (the connection dropped
after the request went out, a read timeout), and `DeliveryFailed` when it never
will arrive (the user blocked the bot, the chat is gone).
"""

from __future__ import annotations

from typing import Protocol

from bot.reply import Reply

__all__ = ["DeliveryFailed", "DeliveryRetry", "DeliveryUncertain", "Transport"]


class DeliveryRetry(Exception):
    """Try again after `after` seconds (doubled on each failure when `backoff`); nothing
    was delivered."""

    def __init__(self, after: float, reason: str = "", *, backoff: bool = False) -> None:
        super().__init__(after, reason)
        self.after = after
        self.reason = reason
        self.backoff = backoff


class DeliveryUncertain(DeliveryRetry):
    """It may have been delivered: a retry may show it twice (the outbox tries once more)."""

    def __init__(self, after: float, reason: str = "") -> None:
        super().__init__(after, reason, backoff=True)


class DeliveryFailed(Exception):
    """The message can never be delivered to this user; drop it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Transport(Protocol):
    async def deliver(self, user_id: int, reply: Reply) -> None:
        """Send `reply` to the user's private chat; return only once it was accepted."""
        ...
