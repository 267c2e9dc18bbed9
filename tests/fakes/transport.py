"""A Transport that records what it delivers, and can refuse like Telegram does.

transport = RecordingTransport(clock)
transport.storm(5, after=3.0)     # the next 5 deliveries raise DeliveryRetry(3.0)
transport.block(404)              # user 404 blocked the bot: DeliveryFailed
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.alerts.delivery import DeliveryFailed, DeliveryRetry
from bot.reply import Reply

__all__ = ["Delivered", "RecordingTransport"]


@dataclass(frozen=True)
class Delivered:
    user_id: int
    reply: Reply
    at: datetime

    @property
    def text(self) -> str:
        return self.reply.plain_text()


class RecordingTransport:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self.delivered: list[Delivered] = []
        self.refused = 0
        self._storm = 0
        self._after = 0.0
        self._blocked: set[int] = set()

    def storm(self, count: int, after: float) -> None:
        """Answer the next `count` deliveries with 429 retry_after=`after`."""
        self._storm, self._after = count, after

    def block(self, user_id: int) -> None:
        self._blocked.add(user_id)

    async def deliver(self, user_id: int, reply: Reply) -> None:
        if self._storm > 0:
            self._storm -= 1
            self.refused += 1
            raise DeliveryRetry(self._after, "429 Too Many Requests")
        if user_id in self._blocked:
            raise DeliveryFailed("Forbidden: bot was blocked by the user")
        self.delivered.append(Delivered(user_id, reply, self._clock()))

    def texts(self, user_id: int | None = None) -> list[str]:
        return [d.text for d in self.delivered if user_id is None or d.user_id == user_id]

    def titles(self) -> list[str]:
        return [d.text.split("\n", 1)[0] for d in self.delivered]
