"""The alert watch: every subject of every user with alerts on, their remembered level,
and the trigger index that tells which of them a price tick concerns.

* At start-up the watch is rebuilt from SQLite: subjects from the stored
  portfolios, levels from `alert_state` (which holds nothing else). Nothing is
  evaluated then, so a restart cannot replay an alert: a subject fires only
  when a new mark crosses its band, and its remembered level says what was
  already sent.
* On a tick, only the subjects whose band the new marks left are evaluated, in
  Decimal by the engine, at live marks only (never a manual or entry price).
* Every evaluation at live marks records the positions' distances to liquidation
  (a daily minimum per position, `storage.reviews`) for the weekly closest call.
* After a command changed a user's portfolios or alert settings, that user's
  subjects are evaluated again right after the reply (so a change that makes
  things worse alerts, and a closed position forgets its level). Changes that
  arrive within CHANGE_DELAY of each other are read back together, in one
  batch of queries for all their users rather than a batch per change.

An alert is written to the outbox together with its new level, in one
transaction; the sender delivers it later. A snoozed warning or danger is
neither sent nor remembered: the subject keeps watching for liquidation and is
evaluated again when the snooze ends.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.alerts.advised import samples_of
from bot.alerts.compose import Place, Scene, alert_message, mode_advice, portfolio_at, priority
from bot.alerts.index import TriggerIndex
from bot.feeds.book import MarkQuote
from bot.feeds.marks import FEED_FOR
from bot.services import Services
from engine.alerts import Delivery, Level, Thresholds, delivery, quiet_until, step
from engine.errors import EngineError
from engine.legs import prepare
from engine.margin import Evaluation, evaluate_prepared
from engine.models import Exchange, Portfolio
from engine.profile import RiskProfile
from engine.triggers import Band, Subject, assess, bands, closest, moves_with_one_price
from engine.triggers import subjects_of as find_subjects
from storage.alerts import AlertSettings, Hold, Urgency
from storage.errors import NotFound
from storage.portfolios import StoredPortfolio
from storage.users import User
from storage.watch import watched

__all__ = ["AlertWatch", "WatchedSubject"]

log = logging.getLogger(__name__)
CHANGE_DELAY = 0.2  # seconds a change waits for others to be read back with it


@dataclass(slots=True)
class WatchedSubject:
    id: int
    user_id: int
    portfolio_id: int
    key: str  # the alert_state key: '<portfolio id>:<subject key>'
    feed: Exchange
    level: Level | None
    bands: tuple[Band, ...] = ()


@dataclass(frozen=True, slots=True)
class _Owner:
    user: User
    settings: AlertSettings
    snoozes: Mapping[str, datetime]

    @property
    def thresholds(self) -> Thresholds:
        s = self.settings
        return Thresholds(s.warn_ratio, s.danger_ratio, s.warn_distance, s.danger_distance)


def _level(text: str | None) -> Level | None:
    try:
        return None if text is None else Level(text)
    except ValueError:
        return None


class AlertWatch:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._changed: set[int] = set()  # users whose change is still to be looked at
        self._pending: asyncio.Task[None] | None = None  # the refresh that will take them
        self._refreshes: set[asyncio.Task[None]] = set()  # pending or running
        self.index = TriggerIndex()
        self._subjects: dict[int, WatchedSubject] = {}
        self._ids: dict[tuple[int, str], int] = {}
        self._by_user: dict[int, set[int]] = defaultdict(set)
        self._wake: list[tuple[datetime, int]] = []  # snooze ends: (when, user id)
        self._lock = asyncio.Lock()
        self._next_id = 0
        self.queued = 0  # alerts written to the outbox since start

    def __len__(self) -> int:
        return len(self._subjects)

    def users_on(self, feed: Exchange) -> set[int]:
        """Users with a watched subject priced by `feed`."""
        return {s.user_id for s in self._subjects.values() if s.feed is feed}

    def symbols(self) -> set[tuple[Exchange, str]]:
        """Every (feed, symbol) a watched subject is priced by."""
        return {(s.feed, band.symbol) for s in self._subjects.values() for band in s.bands}

    def subject(self, user_id: int, key: str) -> WatchedSubject | None:
        found = self._ids.get((user_id, key))
        return None if found is None else self._subjects[found]

    async def start(self) -> None:
        """Rebuild from the database: subjects and remembered levels, nothing evaluated."""
        async with self._lock:
            now = self.services.clock()
            levels = await self.services.alerts.levels()
            snoozes = await self.services.alerts.snoozes(now)
            for entry in await watched(self.services.db):
                owner = _Owner(entry.user, entry.settings, snoozes.get(entry.user.id, {}))
                for stored in entry.portfolios:
                    await self._watch(owner, stored, levels, now, fire=False)
            await self._forget_stale(levels, None)
        log.info("alert watch: %d subjects, %d band ends", len(self), len(self.index))

    async def changed(self, user_id: int) -> None:
        """The command layer's hook after a change: the user's subjects are evaluated
        again shortly, with everyone else's who changed meanwhile; the reply goes first."""
        self._changed.add(user_id)
        if self._pending is None:
            self._pending = asyncio.create_task(self._refresh_changed())
            self._refreshes.add(self._pending)
            self._pending.add_done_callback(self._refreshes.discard)

    async def settled(self) -> None:
        """Wait until every change so far has been looked at (tests, shutdown)."""
        while self._refreshes:
            await asyncio.wait(set(self._refreshes))

    async def refresh(self, *users: int) -> None:
        """Evaluate these users' subjects again now."""
        async with self._lock:
            await self._refresh(users, self.services.clock())

    async def _refresh_changed(self) -> None:
        await asyncio.sleep(CHANGE_DELAY)
        users, self._changed, self._pending = self._changed, set(), None
        try:
            await self.refresh(*sorted(users))
        except Exception:
            log.exception("alert watch: looking at the changes of %d users failed", len(users))

    async def _refresh(self, users: Collection[int], now: datetime) -> None:
        for user_id in users:
            self._drop_user(user_id)
        levels = await self.services.alerts.levels(*users)
        snoozes = await self.services.alerts.snoozes(now, *users)
        for entry in await watched(self.services.db, *users):
            owner = _Owner(entry.user, entry.settings, snoozes.get(entry.user.id, {}))
            for stored in entry.portfolios:
                await self._watch(owner, stored, levels, now, fire=True)
            await asyncio.sleep(0)  # a batch is many users' engine work: let replies through
        await self._forget_stale(levels, set(users))

    async def on_marks(self, ticked: Mapping[Exchange, Mapping[str, MarkQuote]]) -> int:
        """Evaluate the subjects these new marks concern; the number of alerts queued."""
        async with self._lock:
            before = self.queued
            now = self.services.clock()
            woken = set()
            while self._wake and self._wake[0][0] <= now:
                woken.add(heapq.heappop(self._wake)[1])
            if woken:
                await self._refresh(woken, now)
            due: dict[tuple[int, int], set[str]] = defaultdict(set)
            for exchange, marks in ticked.items():
                for symbol, quote in marks.items():
                    for found in self.index.crossed((exchange, symbol), quote.price):
                        subject = self._subjects.get(found)
                        if subject is not None:
                            due[(subject.user_id, subject.portfolio_id)].add(subject.key)
            for (user_id, portfolio_id), keys in due.items():
                await self._reevaluate(user_id, portfolio_id, keys, now)
            return self.queued - before

    async def _reevaluate(
        self, user_id: int, portfolio_id: int, keys: set[str], now: datetime
    ) -> None:
        services = self.services
        try:
            user = await services.users.get(user_id)
            stored = await services.portfolios.get(user_id, portfolio_id)
        except NotFound:
            for key in keys:
                self._unplace(user_id, key)
            return
        settings = await services.alerts.settings(user_id)
        snoozes = (await services.alerts.snoozes(now, user_id)).get(user_id, {})
        levels = {
            (user_id, key): s.level.value
            for key in keys
            if (s := self.subject(user_id, key)) and s.level
        }
        await self._watch(
            _Owner(user, settings, snoozes), stored, levels, now, fire=True, only=keys
        )

    async def _watch(
        self,
        owner: _Owner,
        stored: StoredPortfolio,
        levels: Mapping[tuple[int, str], str],
        now: datetime,
        *,
        fire: bool,
        only: set[str] | None = None,
    ) -> None:
        """Place (and with `fire`, judge) the subjects of one stored portfolio."""
        user = owner.user
        feed = FEED_FOR[user.exchange]
        try:
            portfolio, _ = portfolio_at(
                user, stored, lambda symbol: self.services.prices.mark(feed, symbol, now)
            )
            prepared = prepare(portfolio, self.services.book)
            evaluation = evaluate_prepared(prepared)
        except EngineError as error:
            log.warning("alert watch skips portfolio %s of user %s: %s", stored.id, user.id, error)
            return
        if fire:
            await self._sample(stored.id, evaluation, feed, now)
        for subject in find_subjects(portfolio):
            key = f"{stored.id}:{subject.key}"
            if only is not None and key not in only:
                continue
            level = _level(levels.get((user.id, key)))
            live = all(self.services.prices.mark(feed, s, now) for s in subject.symbols)
            watch_from, rearm = level, True
            if fire and live:
                level, watch_from, rearm = await self._judge(
                    owner, stored, (portfolio, evaluation), subject, key, level, now
                )
            found = tuple(Band.now(s) for s in subject.symbols)  # due at the next mark
            if moves_with_one_price(portfolio, subject) or (fire and live):
                try:
                    found = bands(prepared, subject, watch_from, owner.thresholds, rearm=rearm)
                except EngineError as error:
                    log.warning("no band for %s of user %s: %s", key, user.id, error)
            self._place(user.id, stored.id, key, feed, level, found)

    async def _judge(
        self,
        owner: _Owner,
        stored: StoredPortfolio,
        evaluated: tuple[Portfolio, Evaluation],
        subject: Subject,
        key: str,
        level: Level | None,
        now: datetime,
    ) -> tuple[Level | None, Level | None, bool]:
        """Step the level; queue the alert it fires. Returns the level now remembered,
        the level to watch from, and whether to watch for re-arming (not while a snooze
        holds an alert back: then only liquidation is watched until the snooze ends)."""
        user_id = owner.user.id
        portfolio, evaluation = evaluated
        moved = step(level, assess(evaluation, subject), owner.thresholds)
        if moved.fire is None:
            if moved.state is not level:
                await self.services.alerts.set_level(
                    user_id, key, None if moved.state is None else moved.state.value
                )
            return moved.state, moved.state, True
        result = closest(evaluation, subject)
        snoozed = self._snoozed(owner, result.position.symbol, now)
        local = now.astimezone(ZoneInfo(owner.user.timezone))
        quiet = quiet_until(local, owner.settings.quiet_start, owner.settings.quiet_end)
        choice = delivery(moved.fire, quiet=quiet is not None, snoozed=snoozed is not None)
        if choice is Delivery.SUPPRESS and snoozed is not None:
            heapq.heappush(self._wake, (snoozed, user_id))
            return level, Level.DANGER, False
        feed = FEED_FOR[owner.user.exchange]
        quotes = {s: q for s in subject.symbols if (q := self.services.prices.mark(feed, s, now))}
        place = Place(stored.id, stored.name, owner.user.active_portfolio_id == stored.id)
        advice = mode_advice(
            portfolio,
            self.services.book,
            result.position.id,
            self.services.klines.market(now),
            RiskProfile.from_json(owner.user.risk_profile),
        )
        scene = Scene(portfolio, evaluation, self.services.book, owner.thresholds, quotes, place)
        message = alert_message(moved.fire, subject, scene, advice)
        hold = Hold(
            not_before=quiet.astimezone(UTC) if choice is Delivery.HOLD and quiet else None,
            priority=priority(moved.fire, result),
        )
        urgency = Urgency.NORMAL if moved.fire is Level.WARNING else Urgency.URGENT
        await self.services.alerts.raise_level(
            user_id, key, moved.fire.value, message, urgency, hold
        )
        self.queued += 1
        return moved.fire, moved.fire, True

    async def _sample(
        self, portfolio_id: int, evaluation: Evaluation, feed: Exchange, now: datetime
    ) -> None:
        """Keep the distances to liquidation at live marks for the weekly closest call."""
        live = (
            s
            for s in samples_of(evaluation, now)
            if self.services.prices.mark(feed, s.symbol, now) is not None
        )
        await self.services.reviews.record(portfolio_id, live)

    @staticmethod
    def _snoozed(owner: _Owner, symbol: str, now: datetime) -> datetime | None:
        until = [u for s, u in owner.snoozes.items() if s in (symbol, "*") and u > now]
        return max(until, default=None)

    def _place(
        self,
        user_id: int,
        portfolio_id: int,
        key: str,
        feed: Exchange,
        level: Level | None,
        found: tuple[Band, ...],
    ) -> None:
        self._unplace(user_id, key)
        self._next_id += 1
        subject = WatchedSubject(self._next_id, user_id, portfolio_id, key, feed, level, found)
        self._subjects[subject.id] = subject
        self._ids[(user_id, key)] = subject.id
        self._by_user[user_id].add(subject.id)
        for band in found:
            self.index.add(subject.id, (feed, band.symbol), band.low, band.high)

    def _unplace(self, user_id: int, key: str) -> None:
        found = self._ids.pop((user_id, key), None)
        if found is None:
            return
        subject = self._subjects.pop(found)
        self._by_user[user_id].discard(found)
        for band in subject.bands:
            self.index.remove(found, (subject.feed, band.symbol), band.low, band.high)

    def _drop_user(self, user_id: int) -> None:
        for found in list(self._by_user.pop(user_id, ())):
            self._unplace(user_id, self._subjects[found].key)

    async def _forget_stale(
        self, levels: Mapping[tuple[int, str], str], users: Collection[int] | None
    ) -> None:
        """Levels of subjects that are gone (a closed position, a deleted portfolio), of
        these users or of everyone."""
        for owner, key in levels:
            mine = users is None or owner in users
            if mine and (owner, key) not in self._ids:
                await self.services.alerts.forget(key, owner)
