"""Delivering the outbox within Telegram's limits, each message once.

A message is marked sent only after the transport accepted it, so a crash or a
429 between writing and sending loses nothing: the next run (or the next
process on the same file) finds it still pending. The one window left is a
crash after the transport accepted a message and before it was marked: that
message goes out again (at least once, never lost).

Order: urgent before normal before digests, and within an urgency the closest
to liquidation first (the outbox's own order). Limits: at most `per_second`
messages in any second overall, and one per `per_chat` to any one chat; a
message whose chat is busy waits while others go. Failures (`bot.alerts.retries`)
hold only what they hit: a 429 its chat, a network error or a 5xx that one
message, with backoff; deliveries run side by side in a few lanes, one per chat
(`bot.alerts.lanes`), so a slow chat holds one lane; a message that may have
arrived is tried once more (at most one extra copy); one still failing
`deadline` after its first try is dropped and logged with its id. A
`DeliveryFailed` (blocked bot) drops that message for good.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.alerts.delivery import DeliveryFailed, DeliveryRetry, Transport
from bot.alerts.lanes import Lanes
from bot.alerts.messages import UnreadableMessage, read
from bot.alerts.render import render
from bot.alerts.retries import DEFAULT_DEADLINE, RetryBook, Verdict
from bot.reply import Reply
from bot.services import Services
from storage.alerts import OutboxMessage

__all__ = ["OutboxSender"]

log = logging.getLogger(__name__)
_SECOND = timedelta(seconds=1)
_UNEXPECTED = DeliveryRetry(5.0, "unexpected", backoff=True)  # a bug: that message waits

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
        deadline: timedelta = DEFAULT_DEADLINE,
    ) -> None:
        self.services = services
        self.transport = transport
        self._sleep = sleep
        self._per_second = per_second
        self._per_chat = per_chat
        self._batch = batch
        self._recent: deque[datetime] = deque()  # send times within the last second
        self.retries = RetryBook(deadline)
        self.lanes = Lanes()
        self.sent = 0

    def _now(self) -> datetime:
        return self.services.clock()

    async def drain(self, budget: float = 0.9) -> int:
        """Send what the limits allow for `budget` seconds; the number delivered."""
        deadline = self._now() + timedelta(seconds=budget)
        while self._now() < deadline:
            batch = await self.services.alerts.pending(self._batch, self._now())
            if not batch:
                break
            progressed = await self._pass(batch, deadline)
            if progressed == 0 and not await self._wait_for_a_chat(batch, deadline):
                break
        delivered = await self.lanes.settle(self._left(deadline))
        self.sent += delivered
        return delivered

    def _left(self, deadline: datetime) -> float:
        return max((deadline - self._now()).total_seconds(), 0.0)

    async def _pass(self, batch: tuple[OutboxMessage, ...], deadline: datetime) -> int:
        """One walk down the queue, starting a delivery for each message whose chat is free
        (and has none in flight); the number started."""
        started = 0
        for message in batch:
            if self._now() >= deadline:
                break
            chat = message.user_id
            if self.lanes.busy(chat) or self.retries.waiting(message.id, chat, self._now()):
                continue
            if not await self._global_slot(deadline):
                break
            self._recent.append(self._now())
            if not await self.lanes.start(chat, self._send(message), self._left(deadline)):
                break
            started += 1
        return started

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
        """Every pending message waits: sleep until the first may go (False: past deadline)."""
        now = self._now()
        free = min((self.retries.waiting(m.id, m.user_id, now) or now for m in batch), default=now)
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
        now = self._now()
        reply = await self._reply(message, now)
        if reply is None:
            return 0
        self.retries.tried(message.id, now)
        try:
            await self.transport.deliver(message.user_id, reply)
        except DeliveryRetry as retry:
            return await self._retry(message, retry)
        except DeliveryFailed as failure:
            await self._end(message, failure.reason)
            log.info("outbox message %s dropped: %s", message.id, failure.reason)
            return 0
        except Exception:
            log.exception("outbox message %s failed; kept for a retry", message.id)
            return await self._retry(message, _UNEXPECTED)
        return await self._delivered(message)

    async def _retry(self, message: OutboxMessage, retry: DeliveryRetry) -> int:
        """Book the failure; only this message (or, for a 429, its chat) waits."""
        verdict = self.retries.failed(message.id, message.user_id, retry, self._now())
        if verdict is Verdict.ASSUME_SENT:
            log.warning("outbox message %s may have arrived twice; not sent again", message.id)
            return await self._delivered(message)
        if verdict is Verdict.DROP:
            log.warning("outbox message %s of user %s dropped: past the delivery deadline (%s)",
                        message.id, message.user_id, retry.reason or "retry")  # fmt: skip
            await self._end(message, "deadline")
            return 0
        log.info("outbox message %s waits %.1f s: %s", message.id, retry.after, retry.reason)
        return 0

    async def _delivered(self, message: OutboxMessage) -> int:
        accepted = self._now()
        self.retries.hold_chat(message.user_id, accepted + self._per_chat)
        self.retries.forget(message.id)
        await self.services.alerts.mark_sent(message.user_id, message.id)
        return 1

    async def _end(self, message: OutboxMessage, reason: str) -> None:
        self.retries.forget(message.id)
        await self.services.alerts.mark_failed(message.user_id, message.id, reason)
