"""Delivering the outbox within Telegram's limits, each message once.

A message is marked sent only after the transport accepted it, so a crash or a
429 between writing and sending loses nothing: the next run (or the next
process on the same file) finds it still pending. The one window left is a
crash after the transport accepted a message and before it was marked: that
message goes out again (at least once, never lost).

Order: urgent before normal before digests, and within an urgency the closest
to liquidation first (the outbox's own order). Limits: at most `per_second`
messages in any second overall, and one per `per_chat` to any one chat; a
message whose chat is busy waits while others go. A `DeliveryRetry` (Telegram's
429 with retry_after, a network error) pauses all sending for that long, since
flood control applies to the bot as a whole; a `DeliveryFailed` (blocked bot)
drops that message for good.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.alerts.delivery import DeliveryFailed, DeliveryRetry, Transport
from bot.alerts.messages import UnreadableMessage, read
from bot.alerts.render import render
from bot.reply import Reply
from bot.services import Services
from storage.alerts import OutboxMessage

__all__ = ["OutboxSender"]

log = logging.getLogger(__name__)
_SECOND = timedelta(seconds=1)
_UNEXPECTED_PAUSE = timedelta(seconds=5)

Sleep = Callable[[float], Awaitable[None]]


class OutboxSender:
    def __init__(
        self,
        services: Services,
        transport: Transport,
        *,
        sleep: Sleep = asyncio.sleep,
        per_second: int = 30,
        per_chat: timedelta = _SECOND,
        batch: int = 200,
    ) -> None:
        self.services = services
        self.transport = transport
        self._sleep = sleep
        self._per_second = per_second
        self._per_chat = per_chat
        self._batch = batch
        self._recent: deque[datetime] = deque()  # send times within the last second
        self._chat_free: dict[int, datetime] = {}
        self.paused_until: datetime | None = None
        self.sent = 0

    def _now(self) -> datetime:
        return self.services.clock()

    async def drain(self, budget: float = 0.9) -> int:
        """Send what the limits allow for `budget` seconds; the number delivered."""
        deadline = self._now() + timedelta(seconds=budget)
        delivered = 0
        while self._now() < deadline and not self._paused():
            batch = await self.services.alerts.pending(self._batch, self._now())
            if not batch:
                break
            progressed = await self._pass(batch, deadline)
            delivered += progressed
            if progressed == 0 and not await self._wait_for_a_chat(batch, deadline):
                break
        self.sent += delivered
        return delivered

    def _paused(self) -> bool:
        return self.paused_until is not None and self._now() < self.paused_until

    async def _pass(self, batch: tuple[OutboxMessage, ...], deadline: datetime) -> int:
        """One walk down the queue, sending each message whose chat is free."""
        delivered = 0
        for message in batch:
            if self._paused() or self._now() >= deadline:
                break
            if (
                self._chat_free.get(message.user_id, datetime.min.replace(tzinfo=deadline.tzinfo))
                > self._now()
            ):
                continue
            if not await self._global_slot(deadline):
                break
            delivered += await self._send(message)
        return delivered

    async def _global_slot(self, deadline: datetime) -> bool:
        """Wait until a send keeps within `per_second`; False if that is past the deadline."""
        now = self._now()
        while self._recent and now - self._recent[0] >= _SECOND:
            self._recent.popleft()
        if len(self._recent) < self._per_second:
            return True
        ready = self._recent[0] + _SECOND
        if ready >= deadline:
            return False
        await self._sleep((ready - now).total_seconds())
        return await self._global_slot(deadline)

    async def _wait_for_a_chat(self, batch: tuple[OutboxMessage, ...], deadline: datetime) -> bool:
        """Every pending chat is busy: sleep until the first is free (False: past deadline)."""
        now = self._now()
        free = min((self._chat_free.get(m.user_id, now) for m in batch), default=now)
        if free >= deadline or free <= now:
            return False
        await self._sleep((free - now).total_seconds())
        return True

    async def _reply(self, message: OutboxMessage, now: datetime) -> Reply | None:
        """The message as its user reads it now; None (and marked failed, so it neither
        blocks the queue nor comes back) when it never can be. Logs ids, never contents."""
        alerts = self.services.alerts
        try:
            content = read(message.payload)
        except UnreadableMessage as unreadable:  # old or foreign: never retried, never shown
            log.warning(
                "outbox message %s of user %s is no known message (%d fields); dropped",
                message.id,
                message.user_id,
                unreadable.errors,
            )
            await alerts.mark_failed(message.user_id, message.id, "unreadable")
            return None
        try:
            user = await self.services.users.get(message.user_id)
            tr = self.services.catalogs.translator(user.language, user.telegram_language)
            return render(tr, content, now, message.id)
        except Exception:  # a message that cannot be shown must not block the queue
            log.exception("outbox message %s cannot be rendered; dropped", message.id)
            await alerts.mark_failed(message.user_id, message.id, "unrenderable")
            return None

    async def _send(self, message: OutboxMessage) -> int:
        alerts = self.services.alerts
        now = self._now()
        reply = await self._reply(message, now)
        if reply is None:
            return 0
        try:
            await self.transport.deliver(message.user_id, reply)
        except DeliveryRetry as retry:
            self.paused_until = now + timedelta(seconds=max(retry.after, 0.0))
            log.warning("outbox paused %.1f s: %s", retry.after, retry.reason or "retry")
            return 0
        except DeliveryFailed as failure:
            await alerts.mark_failed(message.user_id, message.id, failure.reason)
            log.info("outbox message %s dropped: %s", message.id, failure.reason)
            return 0
        except Exception:
            self.paused_until = now + _UNEXPECTED_PAUSE
            log.exception("outbox message %s failed; kept for a retry", message.id)
            return 0
        accepted = self._now()
        self._recent.append(accepted)
        self._chat_free[message.user_id] = accepted + self._per_chat
        await alerts.mark_sent(message.user_id, message.id)
        return 1
