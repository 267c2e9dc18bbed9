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
