"""Pushes (alerts, digests) over Telegram: the `bot.alerts.delivery.Transport` the outbox uses.

Each push is one attempt (the limiter is told not to retry: `retry_for=0`), so a
429 or a slow retry never holds the outbox; the outbox reschedules by itself
(`bot.alerts.retries`). Telegram's answers become its outcomes: try again later
(`DeliveryRetry`: a 429 after its retry_after, holding that chat; a 5xx or no
connection, with backoff, holding that message), maybe delivered
(`DeliveryUncertain`: the request went out and no answer came, so Telegram may
have shown it), or never (`DeliveryFailed`: blocked, chat gone, or a message
Telegram refuses as it is).
"""

from __future__ import annotations

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.alerts.delivery import DeliveryFailed, DeliveryRetry, DeliveryUncertain
from bot.i18n import Catalogs
from bot.reply import Reply
from bot.telegram.faults import Fate, fate, retry_seconds
from bot.telegram.runtime import Target
from bot.telegram.send import send_reply

__all__ = ["NETWORK_RETRY_SECONDS", "TelegramTransport"]

NETWORK_RETRY_SECONDS = 1.0  # the first wait after a network error or a 5xx, then doubled


class TelegramTransport:
    """Sends a reply to a user's private chat (its id is the user's id)."""

    def __init__(self, bot: ExtBot[int], catalogs: Catalogs) -> None:
        self._bot = bot
        self._catalogs = catalogs

    async def deliver(self, user_id: int, reply: Reply) -> None:
        target = Target(user_id, private=True)
        try:
            await send_reply(self._bot, target, reply, self._catalogs.translator(None), retry_for=0)
        except RetryAfter as error:
            raise DeliveryRetry(retry_seconds(error), "rate limited") from error
        except Forbidden as error:
            raise DeliveryFailed(f"forbidden: {error.message}") from error
        except BadRequest as error:  # chat not found, or a message Telegram cannot take
            raise DeliveryFailed(f"refused: {error.message}") from error
        except NetworkError as error:
            if fate(error) is Fate.UNKNOWN:
                raise DeliveryUncertain(NETWORK_RETRY_SECONDS, "no answer") from error
            raise DeliveryRetry(NETWORK_RETRY_SECONDS, "network", backoff=True) from error
        except TelegramError as error:
            raise DeliveryFailed(f"telegram: {error.message}") from error
