"""Updates run concurrently across users and in order for each user.

PTB's default processes one update at a time, so one user's slow reply (a 429
being waited out) would hold everyone up; fully concurrent processing would
let a user's "/balance 100" and "/long …" race. This processor keeps a lock
per user: different users overlap, one user's updates keep their order.

The order of waiting matters: an update first waits for its user's lock and
only then for one of the `max_concurrent_updates` slots. PTB's own semaphore
(taken in the final `process_update`, before `do_process_update`) is therefore
left unbounded and the slots are this class's: a user with many queued updates
holds at most one slot, never all of them.

Each finished update is reported to `on_done` (the `UpdateLedger` that lets the
poller confirm it to Telegram only now, not when it was fetched).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

__all__ = ["PerUserProcessor"]

_UNBOUNDED = 1 << 30  # PTB's semaphore: never the one an update waits on


class PerUserProcessor(BaseUpdateProcessor):
    def __init__(
        self, max_concurrent_updates: int = 256, on_done: Callable[[int], None] | None = None
    ) -> None:
        super().__init__(_UNBOUNDED)
        self._slots = asyncio.BoundedSemaphore(max_concurrent_updates)
        self.slots = max_concurrent_updates  # users served at once (each in its own order)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._on_done = on_done

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        try:
            key = _key(update)
            if key is None:
                async with self._slots:
                    await coroutine
                return
            await self._in_turn(key, coroutine)
        finally:
            if self._on_done is not None and isinstance(update, Update):
                self._on_done(update.update_id)

    async def _in_turn(self, key: int, coroutine: Awaitable[object]) -> None:
        """The user's lock first, then a slot: waiting for one's turn costs no slot."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up: locks are made on demand."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat is not None else None
