"""Did Telegram get it? What a failed Bot API call says about the message it carried.

sendMessage has no idempotency key, so what a retry may do depends on whether the
failed attempt can have arrived:

* `Fate.UNSENT`: it surely did not. Telegram answered with an error (a 429, a 5xx:
  it says it did not take the call), or the request never left (no connection could
  be opened, no pooled connection was free). Retrying cannot duplicate anything.
* `Fate.UNKNOWN`: it may have. The request went out and no answer came back (the
  connection dropped, the read timed out): Telegram may have accepted it and shown
  it. Retrying a sendMessage may show it twice.
* `Fate.REFUSED`: Telegram answered that it never will (400, 403, …), or the error
  is not a transport's at all.
"""

from __future__ import annotations

import enum
import warnings
from datetime import timedelta

import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

__all__ = ["Fate", "fate", "repeatable", "retry_seconds"]

# Calls whose repetition changes nothing: reading, setting to a value, editing in place.
_REPEATABLE = ("get", "set", "delete", "edit", "answer")
# What httpx raises before a byte of the request reached Telegram.
_NEVER_LEFT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class Fate(enum.Enum):
    UNSENT = "unsent"
    UNKNOWN = "unknown"
    REFUSED = "refused"


def fate(error: BaseException) -> Fate:
    """What `error`, raised by a Bot API call, says about the call's message."""
    if isinstance(error, RetryAfter):
        return Fate.UNSENT
    if isinstance(error, BadRequest) or not isinstance(error, NetworkError):
        return Fate.REFUSED  # Telegram said no (400, 403, …), or not a transport failure
    cause = error.__cause__
    if isinstance(cause, _NEVER_LEFT):
        return Fate.UNSENT
    if isinstance(cause, httpx.HTTPError) or isinstance(error, TimedOut):
        return Fate.UNKNOWN  # sent, and the answer never came
    return Fate.UNSENT  # an HTTP answer (502, 503, …): Telegram did not take it


def repeatable(endpoint: str) -> bool:
    """A call that may be made twice without showing anything twice (not a send)."""
    return endpoint.startswith(_REPEATABLE)


def retry_seconds(error: RetryAfter) -> float:
    """A 429's retry_after in seconds, whichever type this PTB version gives (an int now, a
    timedelta later: reading it warns of the change, which this absorbs)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        after = error.retry_after
    return after.total_seconds() if isinstance(after, timedelta) else float(after)
