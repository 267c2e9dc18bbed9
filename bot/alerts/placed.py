"""The subjects the watch has placed: each with its remembered level and its bands in the
trigger index, findable by id (a crossed band), by (user, key) and by user.

Kept apart from the watch so the watch only judges and acts; this is the
bookkeeping that keeps the index and the three lookups in step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from bot.alerts.index import TriggerIndex
from engine.alerts import Level
from engine.models import Exchange
from engine.triggers import Band

__all__ = ["Placed", "WatchedSubject"]


@dataclass(slots=True)
class WatchedSubject:
    id: int
    user_id: int
    portfolio_id: int
    key: str  # the alert_state key: '<portfolio id>:<subject key>'
    feed: Exchange
    level: Level | None
    bands: tuple[Band, ...] = ()


class Placed:
    def __init__(self) -> None:
        self.index = TriggerIndex()
        self._subjects: dict[int, WatchedSubject] = {}
        self._ids: dict[tuple[int, str], int] = {}
        self._by_user: dict[int, set[int]] = defaultdict(set)
        self._next_id = 0

    def __len__(self) -> int:
        return len(self._subjects)

    def __contains__(self, owned: tuple[int, str]) -> bool:
        """Whether (user, key) is placed."""
        return owned in self._ids

    def watched(self) -> Iterator[WatchedSubject]:
        """Every placed subject."""
        return iter(self._subjects.values())

    def users_on(self, feed: Exchange) -> set[int]:
        """Users with a placed subject priced by `feed`."""
        return {s.user_id for s in self._subjects.values() if s.feed is feed}

    def symbols(self) -> set[tuple[Exchange, str]]:
        """Every (feed, symbol) a placed subject is priced by."""
        return {(s.feed, band.symbol) for s in self._subjects.values() for band in s.bands}

    def subject(self, user_id: int, key: str) -> WatchedSubject | None:
        found = self._ids.get((user_id, key))
        return None if found is None else self._subjects[found]

    def crossed(self, market: Hashable, mark: Decimal) -> list[WatchedSubject]:
        """The subjects whose band on `market` this mark leaves."""
        found = (self._subjects.get(i) for i in self.index.crossed(market, mark))
        return [subject for subject in found if subject is not None]

    def place(
        self,
        user_id: int,
        portfolio_id: int,
        key: str,
        feed: Exchange,
        level: Level | None,
        bands: tuple[Band, ...],
    ) -> None:
        """Place (or place again) the subject (user, key) at these bands."""
        self.unplace(user_id, key)
        self._next_id += 1
        subject = WatchedSubject(self._next_id, user_id, portfolio_id, key, feed, level, bands)
        self._subjects[subject.id] = subject
        self._ids[(user_id, key)] = subject.id
        self._by_user[user_id].add(subject.id)
        for band in bands:
            self.index.add(subject.id, (feed, band.symbol), band.low, band.high)

    def unplace(self, user_id: int, key: str) -> None:
        found = self._ids.pop((user_id, key), None)
        if found is None:
            return
        subject = self._subjects.pop(found)
        self._by_user[user_id].discard(found)
        for band in subject.bands:
            self.index.remove(found, (subject.feed, band.symbol), band.low, band.high)

    def drop_user(self, user_id: int) -> None:
        for found in list(self._by_user.pop(user_id, ())):
            self.unplace(user_id, self._subjects[found].key)
