"""Telegram's flood limits, and retries that neither lose nor duplicate nor stall others.

Limits: about 30 messages a second overall and 20 a minute per group (leaky
buckets, as PTB's AIORateLimiter). Retries, per call, until it succeeds or its
deadline passes (`deadline`, the delivery deadline of the settings; a call's
`rate_limit_args` gives its own, in seconds: 0 is one attempt, what the outbox
asks for since it reschedules by itself):

* a 429 is waited out for its full `retry_after`, however many come, and holds
  only the chat it named: the next call to that chat waits too, other chats go on;
* an error that surely left nothing behind (a 5xx answer, no connection) is
  retried with exponential backoff, holding only this call;
* an ambiguous one (the connection dropped after the request went out, a read
  timeout: `faults.Fate.UNKNOWN`) is retried only for calls that are safe to
  repeat (edits, answers, reads). A sendMessage is never re-sent on a guess:
  Telegram may have shown it, and it has no idempotency key.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

from bot.telegram.faults import Fate, fate, repeatable, retry_seconds

__all__ = ["DEFAULT_DEADLINE", "Limiter"]

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
Call = Callable[..., Coroutine[Any, Any, JSONResult]]
DEFAULT_DEADLINE = timedelta(minutes=5)
_GROUPS_KEPT = 512  # group buckets past this are pruned when idle


class Limiter(BaseRateLimiter[int]):
    def __init__(
        self,
        *,
        overall_max_rate: float = 30,
        group_max_rate: float = 20,
        deadline: timedelta = DEFAULT_DEADLINE,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        margin: float = 0.1,
    ) -> None:
        self.deadline = deadline.total_seconds()
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.margin = margin  # added to each retry_after: Telegram counts whole seconds
        self._overall = AsyncLimiter(overall_max_rate, 1) if overall_max_rate else None
        self._group_rate = group_max_rate
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._held: dict[int | str | None, float] = {}  # chat -> monotonic time it is free

    async def initialize(self) -> None:
        """Nothing to set up: buckets and holds are made on demand."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Call,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        budget = self.deadline if rate_limit_args is None else float(rate_limit_args)
        give_up = time.monotonic() + budget
        chat = _chat(data)
        attempt = 0
        while True:
            await self._free(chat)
            try:
                return await self._run(chat, callback, args, kwargs)
            except RetryAfter as error:
                wait = retry_seconds(error) + self.margin
                self._held[chat] = max(self._held.get(chat, 0.0), time.monotonic() + wait)
                if time.monotonic() + wait > give_up:
                    raise
                log.info("%s to chat %s: 429, retry in %.2fs", endpoint, chat, wait)
            except NetworkError as error:
                delay = min(self.backoff * 2**attempt, self.max_backoff)
                if not _retryable(error, endpoint) or time.monotonic() + delay > give_up:
                    raise
                attempt += 1
                log.warning("%s failed (%s); retry %d in %.2fs", endpoint, error, attempt, delay)
                await asyncio.sleep(delay)

    async def _free(self, chat: int | str | None) -> None:
        """Wait until the chat's last retry_after is over (forget holds that are)."""
        while (until := self._held.get(chat)) is not None:
            left = until - time.monotonic()
            if left <= 0:
                if self._held.get(chat) == until:
                    del self._held[chat]
                return
            await asyncio.sleep(left)

    async def _run(
        self, chat: int | str | None, callback: Call, args: Any, kwargs: dict[str, Any]
    ) -> JSONResult:
        overall = self._overall if chat is not None else None
        group = self._group(chat)
        async with group or contextlib.nullcontext(), overall or contextlib.nullcontext():
            return await callback(*args, **kwargs)

    def _group(self, chat: int | str | None) -> AsyncLimiter | None:
        """A group's or channel's bucket (ids below zero, or @names); None for a user."""
        if not self._group_rate or chat is None or (isinstance(chat, int) and chat > 0):
            return None
        if chat not in self._groups and len(self._groups) > _GROUPS_KEPT:
            for key, bucket in list(self._groups.items()):
                if bucket.has_capacity(bucket.max_rate):
                    del self._groups[key]
        return self._groups.setdefault(chat, AsyncLimiter(self._group_rate, 60))


def _retryable(error: NetworkError, endpoint: str) -> bool:
    outcome = fate(error)
    return outcome is Fate.UNSENT or (outcome is Fate.UNKNOWN and repeatable(endpoint))


def _chat(data: dict[str, Any]) -> int | str | None:
    chat = data.get("chat_id")
    if chat is None:
        return None
    with contextlib.suppress(TypeError, ValueError):
        return int(chat)
    return str(chat)
