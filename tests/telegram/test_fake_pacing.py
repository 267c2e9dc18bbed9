"""The fake's paced load, which the Telegram benchmark's latency figure rests on: each paced
message is timed to the bot's first answer in that chat after it, not to an earlier push."""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.fakes.bot_api import FakeBotAPI


def _wait(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the fake never got there"
        time.sleep(0.005)


def test_each_paced_message_is_timed_to_its_own_answer() -> None:
    with FakeBotAPI() as api:
        api.message(7, "/start")
        api.dispatch("sendMessage", {"chat_id": 7, "text": "an earlier push"}, {})
        assert api.control("pace", {"messages": [[7, "/positions"], [8, "/help"]], "rate": 20})
        _wait(lambda: api.pending_updates() == 3)  # /start and both paced messages
        api.dispatch("sendMessage", {"chat_id": 8, "text": "help"}, {})
        api.dispatch("sendMessage", {"chat_id": 7, "text": "positions"}, {})

        delays = api.control("delays", {"timeout": 5})

    assert isinstance(delays, list)
    first, second = delays
    # chat 7 was written to 50 ms before chat 8 and answered after it; its earlier push
    # (before it wrote) is not its answer
    assert first > second >= 0


def test_a_paced_message_never_answered_is_left_out_after_the_timeout() -> None:
    with FakeBotAPI() as api:
        api.control("pace", {"messages": [[7, "/positions"], [8, "/help"]], "rate": 100})
        _wait(lambda: api.pending_updates() == 2)
        api.dispatch("sendMessage", {"chat_id": 8, "text": "help"}, {})

        delays = api.control("delays", {"timeout": 0.05})

    assert isinstance(delays, list)
    assert len(delays) == 1
