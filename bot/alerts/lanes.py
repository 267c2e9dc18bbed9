"""Deliveries side by side: a slow chat holds one lane, never the whole outbox.

Sending one message after another, a chat whose sends take seconds (a slow
client, a struggling data centre) delayed every alert queued behind it. Here at
most `count` deliveries are in flight, one per chat (each chat's messages keep
their order), and the others go on in the free lanes. Few lanes, since alerts
share the Bot API connections with replies: two slow chats at once hold two
connections, not all four.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

__all__ = ["LANES", "Lanes"]

log = logging.getLogger(__name__)
LANES = 2


class Lanes:
    def __init__(self, count: int = LANES) -> None:
        self._count = count
        self._busy: dict[int, asyncio.Task[int]] = {}  # chat -> its delivery in flight
        self._finished = 0  # delivered by tasks that ended since the last `settle`

    def busy(self, chat: int) -> bool:
        return chat in self._busy

    async def start(self, chat: int, work: Coroutine[Any, Any, int], within: float) -> bool:
        """Run `work` (a delivery, returning how many it delivered) in a free lane, waiting
        up to `within` seconds for one; False (and `work` never started) if none freed."""
        if len(self._busy) >= self._count:
            await asyncio.wait(
                tuple(self._busy.values()), timeout=within, return_when=asyncio.FIRST_COMPLETED
            )
        if len(self._busy) >= self._count:
            work.close()
            return False
        task = asyncio.create_task(work)
        self._busy[chat] = task
        task.add_done_callback(lambda done: self._ended(chat, done))
        await asyncio.sleep(0)  # let it begin: a fast delivery is over before the next
        return True

    def _ended(self, chat: int, task: asyncio.Task[int]) -> None:
        if self._busy.get(chat) is task:
            del self._busy[chat]
        if task.cancelled():
            return
        if (error := task.exception()) is not None:
            log.error("an outbox delivery failed", exc_info=error)
            return
        self._finished += task.result()

    async def settle(self, within: float) -> int:
        """Wait up to `within` seconds for the deliveries in flight; how many were made since
        the last call (one still in flight is counted when it ends)."""
        if self._busy:
            await asyncio.wait(tuple(self._busy.values()), timeout=max(within, 0.0))
        finished, self._finished = self._finished, 0
        return finished
