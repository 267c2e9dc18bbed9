"""Telegram's flood limits, and retries for the faults that pass.

On top of PTB's AIORateLimiter (about 30 messages a second overall, 20 a
minute per group, and a 429's retry_after waited out), this retries network
errors and 5xx answers with exponential backoff. A timed-out send is retried
only for calls that are safe to repeat: a sendMessage that timed out may have
arrived, and a duplicate is worse than one retry fewer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

__all__ = ["Limiter"]

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
_IDEMPOTENT = ("get", "set", "delete", "edit", "answer")


class Limiter(AIORateLimiter):
    def __init__(
        self,
        *,
        overall_max_rate: float = 30,
        max_retries: int = 3,
        network_retries: int = 3,
        backoff: float = 0.5,
    ) -> None:
        super().__init__(overall_max_rate=overall_max_rate, max_retries=max_retries)
        self.network_retries = network_retries
        self.backoff = backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        attempt = 0
        while True:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as error:
                if attempt >= self.network_retries or not _retryable(error, endpoint):
                    raise
                delay = self.backoff * 2**attempt
                attempt += 1
                log.warning("%s failed (%s); retry %d in %.2fs", endpoint, error, attempt, delay)
                await asyncio.sleep(delay)


def _retryable(error: NetworkError, endpoint: str) -> bool:
    if isinstance(error, BadRequest):
        return False
    if isinstance(error, TimedOut):
        return endpoint.startswith(_IDEMPOTENT)
    return True
