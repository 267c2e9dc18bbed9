"""When the outbox tries a message again, and when it stops: retry timing only.

Kept apart from what an alert says (compose, render) and from the order of the
queue (outbox.py): this is the per-message and per-chat bookkeeping of failures.

* A 429 (`DeliveryRetry`) holds only its chat for the full retry_after; a
  transient error (`backoff`: a 5xx, no connection) holds only that message, for
  `after`, doubled at each failure up to `MAX_BACKOFF`. Nobody else waits.
* An ambiguous failure (`DeliveryUncertain`: it may have arrived) is retried once.
  A second ambiguous failure ends it as delivered: at most one extra copy, never
  three.
* A message still failing `deadline` after its first attempt is dropped and
  logged with its id (never its text).

The state is in memory and per message: it is forgotten when the message ends,
and a restart starts the count again (at worst one more try, one more copy).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.alerts.delivery import DeliveryRetry, DeliveryUncertain

__all__ = ["DEFAULT_DEADLINE", "MAX_BACKOFF", "RetryBook", "Verdict"]

DEFAULT_DEADLINE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(seconds=60)
_CHATS_KEPT = 1024
_LONGEST = timedelta(hours=1)  # no hold is longer (a retry_after is seconds to minutes)


class Verdict(enum.Enum):
    RETRY = "retry"  # try again later
    DROP = "drop"  # past the deadline: mark it failed
    ASSUME_SENT = "assume_sent"  # a second "may have arrived": mark it sent


@dataclass
class _Tries:
    first: datetime
    failures: int = 0
    uncertain: int = 0


@dataclass
class RetryBook:
    deadline: timedelta = DEFAULT_DEADLINE
    _tries: dict[int, _Tries] = field(default_factory=dict)  # message id ->
    _message_free: dict[int, datetime] = field(default_factory=dict)  # message id -> when
    _chat_free: dict[int, datetime] = field(default_factory=dict)  # chat -> when

    def waiting(self, message_id: int, chat: int, now: datetime) -> datetime | None:
        """When the message may go, if not now (its own backoff, or its chat's hold)."""
        until = max(self._message_free.get(message_id, now), self._chat_free.get(chat, now))
        if self._chat_free.get(chat, now) <= now:
            self._chat_free.pop(chat, None)  # a hold that is over is forgotten
        return until if until > now else None

    def hold_chat(self, chat: int, until: datetime) -> None:
        """Nothing more to `chat` before `until` (a 429, or one message a second)."""
        if len(self._chat_free) > _CHATS_KEPT:  # holds that are over, for chats not seen since
            self._chat_free = {c: t for c, t in self._chat_free.items() if t > until - _LONGEST}
        self._chat_free[chat] = max(until, self._chat_free.get(chat, until))

    def failed(self, message_id: int, chat: int, retry: DeliveryRetry, now: datetime) -> Verdict:
        """Book a failed attempt; what to do with the message."""
        tries = self._tries.setdefault(message_id, _Tries(now))
        tries.failures += 1
        if isinstance(retry, DeliveryUncertain):
            tries.uncertain += 1
            if tries.uncertain >= 2:
                return Verdict.ASSUME_SENT
        wait = timedelta(seconds=max(retry.after, 0.0))
        if retry.backoff:
            wait = min(wait * 2 ** (tries.failures - 1), MAX_BACKOFF)
            self._message_free[message_id] = now + wait
        else:
            self.hold_chat(chat, now + wait)
        if now + wait - tries.first > self.deadline:
            return Verdict.DROP
        return Verdict.RETRY

    def tried(self, message_id: int, now: datetime) -> None:
        """An attempt begins: the deadline counts from the first."""
        self._tries.setdefault(message_id, _Tries(now))

    def forget(self, message_id: int) -> None:
        """The message ended (sent, dropped): no state is kept for it."""
        self._tries.pop(message_id, None)
        self._message_free.pop(message_id, None)
