"""Pushes (alerts, digests) over Telegram: the `bot.alerts.delivery.Transport` the outbox uses.

Telegram's answers become the outbox's two outcomes: try again later
(`DeliveryRetry`: a 429 still refused after the limiter's own retries, a
network error, a 5xx) or never (`DeliveryFailed`: blocked, chat gone, or a
message Telegram refuses as it is).
"""

from __future__ import annotations

from datetime import timedelta

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.alerts.delivery import DeliveryFailed, DeliveryRetry
from bot.i18n import Catalogs
from bot.reply import Reply
from bot.telegram.runtime import Target
from bot.telegram.send import send_reply

__all__ = ["TelegramTransport"]

NETWORK_RETRY_SECONDS = 30.0


class TelegramTransport:
    """Sends a reply to a user's private chat (its id is the user's id)."""

    def __init__(self, bot: ExtBot[int], catalogs: Catalogs) -> None:
        self._bot = bot
        self._catalogs = catalogs

    async def deliver(self, user_id: int, reply: Reply) -> None:
        target = Target(user_id, private=True)
        try:
            await send_reply(self._bot, target, reply, self._catalogs.translator(None))
        except RetryAfter as error:
            raise DeliveryRetry(_seconds(error.retry_after), "rate limited") from error
        except Forbidden as error:
            raise DeliveryFailed(f"forbidden: {error.message}") from error
        except BadRequest as error:  # chat not found, or a message Telegram cannot take
            raise DeliveryFailed(f"refused: {error.message}") from error
        except NetworkError as error:  # timeouts and 5xx, after the limiter's retries
            raise DeliveryRetry(NETWORK_RETRY_SECONDS, f"network: {error.message}") from error
        except TelegramError as error:
            raise DeliveryFailed(f"telegram: {error.message}") from error


def _seconds(after: float | timedelta) -> float:
    return after.total_seconds() if isinstance(after, timedelta) else float(after)
