"""Updates of one user keep their order; other users are not held up behind them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from bot.telegram.processor import PerUserProcessor


def _update(update_id: int, user_id: int) -> Update:
    user = User(user_id, f"User{user_id}", is_bot=False)
    chat = Chat(user_id, Chat.PRIVATE)
    message = Message(update_id, datetime.now(UTC), chat, from_user=user, text="/positions")
    return Update(update_id, message=message)


async def test_one_users_updates_wait_for_each_other_and_others_run_alongside() -> None:
    processor = PerUserProcessor(16)
    log: list[str] = []
    slow_started = asyncio.Event()

    async def handle(name: str, delay: float) -> None:
        log.append(f"start {name}")
        if name == "a1":
            slow_started.set()
        await asyncio.sleep(delay)
        log.append(f"end {name}")

    async with processor:
        first = asyncio.create_task(processor.process_update(_update(1, 7), handle("a1", 0.05)))
        await slow_started.wait()
        second = asyncio.create_task(processor.process_update(_update(2, 7), handle("a2", 0)))
        other = asyncio.create_task(processor.process_update(_update(3, 8), handle("b1", 0)))
        await asyncio.gather(first, second, other)

    assert log.index("end b1") < log.index("end a1")  # user 8 did not wait for user 7
    assert log.index("end a1") < log.index("start a2")  # user 7's second update waited


async def test_a_user_with_many_queued_updates_holds_one_slot_not_all() -> None:
    # Two slots. User 7 queues four updates, the first slow: before the fix they took both
    # slots (PTB's semaphore first, the user's lock after) and user 8 waited for user 7.
    processor = PerUserProcessor(2)
    release = asyncio.Event()
    log: list[str] = []

    async def handle(name: str) -> None:
        if name == "a1":
            await release.wait()
        log.append(name)

    async with processor:
        queued = [
            asyncio.create_task(processor.process_update(_update(n, 7), handle(f"a{n}")))
            for n in range(1, 5)
        ]
        await asyncio.sleep(0.01)
        other = processor.process_update(_update(9, 8), handle("b1"))
        await asyncio.wait_for(other, timeout=1.0)  # not blocked behind user 7
        assert log == ["b1"]
        release.set()
        await asyncio.gather(*queued)
    assert log == ["b1", "a1", "a2", "a3", "a4"]


async def test_each_finished_update_is_reported_for_confirmation() -> None:
    done: list[int] = []
    processor = PerUserProcessor(4, on_done=done.append)

    async def handle() -> None:
        await asyncio.sleep(0)

    async with processor:
        await processor.process_update(_update(5, 7), handle())
        await processor.process_update(_update(6, 8), handle())
    assert done == [5, 6]
