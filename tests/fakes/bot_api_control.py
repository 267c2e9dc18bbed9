"""The fake Bot API's test controls over HTTP, for a benchmark that runs it in its own process.

The load is generated here, on the fake's side, as Telegram's servers generate it: a user
writing at a steady rate costs the measured bot's process nothing, and each update's delay
is timed from the moment it was queued for `getUpdates` to the bot's first message back.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from tests.fakes.bot_api_http import HTTPError
from tests.fakes.bot_api_state import JSONDict

if TYPE_CHECKING:
    from tests.fakes.bot_api import FakeBotAPI

__all__ = ["Controls"]

T = TypeVar("T")


class Controls:
    """`messages` queues [[user_id, text], ...] at once; `pace` queues them at `rate` a second
    from a thread; `delays` waits (up to `timeout`) until every paced message has an answer and
    lists each one's delay in milliseconds; `answered` counts the messages sent after call
    `since`, first waiting up to `timeout` for `count` of them; `calls` lists
    [method, status, at, chat_id] after call `since`."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api
        self._paced: list[tuple[float, int]] = []  # (queued at, chat), in order
        self._pacing = 0  # how many messages the last `pace` queues in all
        self._first_call = 0  # the bot's answers come after this call

    def __call__(self, operation: str, params: JSONDict) -> object:
        if operation == "messages":
            for user_id, text in params["messages"]:
                self.api.message(int(user_id), str(text))
            return len(params["messages"])
        if operation == "pace":
            return self._pace(params["messages"], float(params["rate"]))
        if operation == "delays":
            return self._delays(float(params.get("timeout", 0)))
        if operation == "answered":
            return self._answered(
                int(params.get("since", 0)),
                int(params.get("count", 0)),
                float(params.get("timeout", 0)),
            )
        if operation == "calls":
            with self.api._cond:
                calls = self.api.calls[int(params.get("since", 0)) :]
            return [[c.method, c.status, c.at, c.params.get("chat_id")] for c in calls]
        raise HTTPError(404, f"Not Found: no control operation {operation}")

    def _pace(self, messages: list[list[object]], rate: float) -> int:
        with self.api._cond:
            self._paced, self._pacing = [], len(messages)
            self._first_call = len(self.api.calls)

        def write() -> None:
            start = time.monotonic()
            for n, (user_id, text) in enumerate(messages):
                time.sleep(max(0.0, start + n / rate - time.monotonic()))
                at = time.monotonic()
                self.api.message(int(str(user_id)), str(text))
                with self.api._cond:
                    self._paced.append((at, int(str(user_id))))

        threading.Thread(target=write, daemon=True).start()
        return len(messages)

    def _delays(self, timeout: float) -> list[float]:
        """Woken by every call the fake records, so each wake reads only the new calls: the
        fake's handlers wait on the same lock."""
        sent: dict[int, list[float]] = {}  # chat -> when the bot sent it a message, in order
        seen = self._first_call

        def answers() -> tuple[bool, list[float]]:
            nonlocal seen
            for call in self.api.calls[seen:]:
                if call.method == "sendMessage" and call.status == 200:
                    sent.setdefault(int(str(call.params.get("chat_id"))), []).append(call.at)
            seen = len(self.api.calls)
            if len(self._paced) < self._pacing:  # still writing: no answer list to build yet
                return False, []
            delays = self._answers(sent)
            known = [d for d in delays if d is not None]
            return len(known) == len(delays), known

        return self._until(timeout, answers)

    def _answers(self, sent: dict[int, list[float]]) -> list[float | None]:
        """Per paced message, the delay to the bot's first message to that chat after it (a
        user writes again only after the answer, as the benchmark's pace ensures)."""
        delays: list[float | None] = []
        for at, chat in self._paced:
            times = sent.get(chat, [])
            index = bisect_left(times, at)
            delays.append((times[index] - at) * 1000 if index < len(times) else None)
        return delays

    def _answered(self, since: int, count: int, timeout: float) -> int:
        found, seen = 0, since

        def count_new() -> tuple[bool, int]:
            nonlocal found, seen
            calls = self.api.calls[seen:]
            found += sum(1 for c in calls if c.method == "sendMessage" and c.status == 200)
            seen += len(calls)
            return found >= count, found

        return self._until(timeout, count_new)

    def _until(self, timeout: float, check: Callable[[], tuple[bool, T]]) -> T:
        """`check()` under the fake's lock, again after each call it records, until it says
        done or `timeout` seconds passed; its last value."""
        deadline = time.monotonic() + timeout
        with self.api._cond:
            while True:
                done, value = check()
                left = deadline - time.monotonic()
                if done or left <= 0:
                    return value
                self.api._cond.wait(left)
