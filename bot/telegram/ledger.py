"""Confirm an update to Telegram only once it is handled, so a kill -9 loses none.

Long polling confirms by asking for the next offset: every update below it is
gone from Telegram for good. PTB's Updater asks for `last fetched + 1` as soon
as it has queued a batch, before the handlers ran, so a crash then loses what
was queued (the issue saw 1 of 132). `ConfirmingBot.get_updates` asks instead
for the oldest update still being handled: everything below it is done. What
comes back that was fetched already (still running, or done but above an older
one still running) is not handed out twice; while nothing new came back it waits
for half of them to finish (at most `IDLE_WAIT`), instead of asking again at
once; and with over half a batch open it polls only once half a batch at most
is (`BACKLOG`), so each update is fetched about twice, not once per finish.

A webhook confirms by answering Telegram's POST, and PTB's server answers as
soon as it has queued the update. `AnsweringQueue`, the application's update
queue in webhook mode, holds the POST until the update is handled, up to
`WEBHOOK_WAIT` seconds (past that Telegram would take the silence for a failure
and post it again, duplicating what is still running); each POST waits on its
own, so a slow user holds only their own posts.

After a kill -9 the updates at and above that offset come again: those that were
handled but not yet confirmed are handled a second time. At least once: nothing
is lost, and a duplicate needs a crash inside one update's handling window.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from typing import Any

from telegram import Update
from telegram.ext import ExtBot

__all__ = [
    "BACKLOG",
    "IDLE_WAIT",
    "WEBHOOK_WAIT",
    "AnsweringQueue",
    "ConfirmingBot",
    "UpdateLedger",
]

IDLE_WAIT = 0.05  # seconds a poll that brought nothing new waits for a handler to finish
# Every poll brings back the open updates again (from the oldest): with over half this
# many open, the next poll waits until half a batch at most is, so each update is fetched
# about twice at most, not once per handler that finished (a burst: 17 times, 4x the CPU).
BACKLOG = 100  # getUpdates' largest batch
WEBHOOK_WAIT = 30.0  # seconds a webhook POST is held for its update to be handled


class UpdateLedger:
    """The ids fetched and not yet confirmed: those still open, and those done."""

    def __init__(self) -> None:
        self._open: set[int] = set()
        self._done: set[int] = set()  # handled, still at or above the offset
        self._next = 0  # one past the newest update fetched
        self._finished = asyncio.Event()
        self._waiters: dict[int, asyncio.Event] = {}  # webhook posts held for their update
        self.polled = False  # getUpdates was used (not a webhook)

    def offset(self, asked: int | None) -> int:
        """The offset to confirm with: below the oldest open update, or past all."""
        offset = min(self._open) if self._open else max(self._next, asked or 0)
        self._done = {u for u in self._done if u >= offset}
        return offset

    def fetched(self, updates: Iterable[Update]) -> tuple[Update, ...]:
        """The updates not handed out before; they are open from now on."""
        fresh = tuple(
            u for u in updates if u.update_id not in self._open and u.update_id not in self._done
        )
        for update in fresh:
            self._open.add(update.update_id)
            self._next = max(self._next, update.update_id + 1)
        return fresh

    def done(self, update_id: int) -> None:
        """A handler finished with it (answered, failed and logged, or dropped)."""
        if update_id in self._open:
            self._open.discard(update_id)
            self._done.add(update_id)
        if (waiter := self._waiters.pop(update_id, None)) is not None:
            waiter.set()
        self._finished.set()

    def expect(self, update_id: int) -> asyncio.Event:
        """An event set once the update is handled (a webhook post waits on it)."""
        return self._waiters.setdefault(update_id, asyncio.Event())

    def forget(self, update_id: int) -> None:
        self._waiters.pop(update_id, None)

    async def room(self) -> None:
        """With over half a batch open, wait until half a batch at most is before polling
        again: each poll then brings at least as many new updates as it repeats."""
        await self._until_open_at_most(BACKLOG // 2, None)

    async def settle(self, polled_open: int, timeout: float) -> None:
        """A poll brought back only open updates: wait until half of them are done (all of
        one), or `timeout`, so that re-fetching them costs each update about twice, not
        once per update that finished."""
        await self._until_open_at_most(polled_open // 2, timeout)

    async def _until_open_at_most(self, count: int, timeout: float | None) -> None:
        loop = asyncio.get_running_loop()
        end = None if timeout is None else loop.time() + timeout
        while True:
            self._finished.clear()  # before the check: a `done` after it sets it again
            if len(self._open) <= count:
                return
            left = None if end is None else end - loop.time()
            if left is not None and left <= 0:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._finished.wait(), left)


class ConfirmingBot(ExtBot[int]):
    """The application's bot, whose getUpdates confirms only handled updates."""

    def __init__(self, *args: Any, ledger: UpdateLedger, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ledger = ledger

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        ledger = self._ledger
        ledger.polled = True
        await ledger.room()
        kwargs["offset"] = ledger.offset(kwargs.get("offset"))
        updates = await super().get_updates(*args, **kwargs)
        fresh = ledger.fetched(updates)
        if updates and not fresh:
            await ledger.settle(len(updates), IDLE_WAIT)
        return fresh


class AnsweringQueue(asyncio.Queue[object]):
    """The update queue in webhook mode: putting an update returns once it is handled (or
    after `wait` seconds), so PTB's webhook server answers Telegram only then."""

    def __init__(self, ledger: UpdateLedger, wait: float = WEBHOOK_WAIT) -> None:
        super().__init__()
        self._ledger = ledger
        self._wait = wait

    async def put(self, item: object) -> None:
        if not isinstance(item, Update):  # PTB's stop signal, or a custom update
            await super().put(item)
            return
        handled = self._ledger.expect(item.update_id)
        await super().put(item)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(handled.wait(), self._wait)
        finally:
            self._ledger.forget(item.update_id)
