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
  subjects are evaluated again right after the reply (a closed position forgets
  its level). A subject whose fingerprint changed (`bot.alerts.baseline`) is
  armed, not alerted: its cushion is measured again and the level that already
  holds remembered, so only a rise from there alerts. Changes that
  arrive within CHANGE_DELAY of each other are read back together, in one
  batch of queries for all their users rather than a batch per change.

What to do about a subject just evaluated is `bot.alerts.decide.decide`'s
(pure, tested as a table); the watch reads, writes and enqueues what it says.
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
from datetime import datetime

from bot.alerts.advised import samples_of
from bot.alerts.cautious import cautious
from bot.alerts.compose import Place, Scene, alert_message, mode_advice, portfolio_at, priority
from bot.alerts.decide import Decision, Seen, decide
from bot.alerts.funding_drift import FundingWatch, funding_warning
from bot.alerts.memory import Judged, Known, Owner
from bot.alerts.messages import AlertMessage
from bot.alerts.placed import Placed, WatchedSubject
from bot.feeds.book import MarkQuote
from bot.feeds.venues import FEED_FOR
from bot.services import Services
from engine.alerts import Thresholds
from engine.errors import EngineError
from engine.legs import Prepared, prepare
from engine.margin import Evaluation, evaluate_prepared
from engine.models import Exchange, Portfolio
from engine.profile import RiskProfile
from engine.triggers import Band, Subject, assess, bands, closest, moves_with_one_price
from engine.triggers import subjects_of as find_subjects
from storage.alerts import Hold
from storage.errors import NotFound
from storage.portfolios import StoredPortfolio
from storage.watch import watched

__all__ = ["AlertWatch", "WatchedSubject"]

log = logging.getLogger(__name__)
CHANGE_DELAY = 0.2  # seconds a change waits for others to be read back with it


@dataclass(frozen=True, slots=True)
class _Evaluated:
    """One stored portfolio at the live marks, evaluated."""

    stored: StoredPortfolio
    portfolio: Portfolio
    prepared: Prepared
    evaluation: Evaluation
    cautious: frozenset[str] = frozenset()  # positions judged by the exchange's nearer price


class AlertWatch:
    def __init__(self, services: Services, change_delay: float = CHANGE_DELAY) -> None:
        self.services = services
        self.change_delay = change_delay
        self._changed: set[int] = set()  # users whose change is still to be looked at
        self._pending: asyncio.Task[None] | None = None  # the refresh that will take them
        self._refreshes: set[asyncio.Task[None]] = set()  # pending or running
        self.placed = Placed()
        self.index = self.placed.index
        self.funding = FundingWatch()  # a rate that moved re-judges its markets' subjects
        self._wake: list[tuple[datetime, int]] = []  # snooze ends: (when, user id)
        self._lock = asyncio.Lock()
        self.queued = 0  # alerts written to the outbox since start

    def __len__(self) -> int:
        return len(self.placed)

    def users_on(self, feed: Exchange) -> set[int]:
        """Users with a watched subject priced by `feed`."""
        return self.placed.users_on(feed)

    def symbols(self) -> set[tuple[Exchange, str]]:
        """Every (feed, symbol) a watched subject is priced by."""
        return self.placed.symbols()

    def subject(self, user_id: int, key: str) -> WatchedSubject | None:
        return self.placed.subject(user_id, key)

    async def start(self) -> None:
        """Rebuild from the database: subjects and remembered levels, nothing evaluated."""
        async with self._lock:
            now = self.services.clock()
            levels = await self.services.alerts.levels()
            known = Known(levels, await self.services.alerts.baselines())
            snoozes = await self.services.alerts.snoozes(now)
            for entry in await watched(self.services.db):
                owner = Owner(entry.user, entry.settings, snoozes.get(entry.user.id, {}))
                for stored in entry.portfolios:
                    await self._rebuild(owner, stored, known, now)
            await self._forget_stale(known, None)
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

    async def adopt(self, user_id: int, portfolio_id: int) -> None:
        """A portfolio seen for the first time (a wallet just watched): its subjects are
        new to the watch, so judging them arms each at the level it is at now (a new
        cushion, `bot.alerts.baseline`) and sends nothing; only a later change alerts."""
        del portfolio_id  # every subject of the user is judged; the others are known
        async with self._lock:
            await self._refresh((user_id,), self.services.clock())

    async def _refresh_changed(self) -> None:
        await asyncio.sleep(self.change_delay)
        users, self._changed, self._pending = self._changed, set(), None
        try:
            await self.refresh(*sorted(users))
        except Exception:
            log.exception("alert watch: looking at the changes of %d users failed", len(users))

    async def _refresh(self, users: Collection[int], now: datetime) -> None:
        for user_id in users:
            self.placed.drop_user(user_id)
        levels = await self.services.alerts.levels(*users)
        known = Known(levels, await self.services.alerts.baselines(*users))
        snoozes = await self.services.alerts.snoozes(now, *users)
        for entry in await watched(self.services.db, *users):
            owner = Owner(entry.user, entry.settings, snoozes.get(entry.user.id, {}))
            for stored in entry.portfolios:
                await self._judge(owner, stored, known, now)
            await asyncio.sleep(0)  # a batch is many users' engine work: let replies through
        await self._forget_stale(known, set(users))

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
                    for subject in self.placed.crossed((exchange, symbol), quote.price):
                        due[(subject.user_id, subject.portfolio_id)].add(subject.key)
            for subject in self.funding.moved(self.placed, self.services.prices, ticked, now):
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
                self.placed.unplace(user_id, key)
            return
        settings = await services.alerts.settings(user_id)
        snoozes = (await services.alerts.snoozes(now, user_id)).get(user_id, {})
        levels = {
            (user_id, key): s.level.value
            for key in keys
            if (s := self.subject(user_id, key)) and s.level
        }
        known = Known(levels, await services.alerts.baselines(user_id))
        await self._judge(Owner(user, settings, snoozes), stored, known, now, only=keys)

    def _evaluate(self, owner: Owner, stored: StoredPortfolio, now: datetime) -> _Evaluated | None:
        """The portfolio at the live marks (a symbol without one keeps its stored mark);
        None, logged, when the engine refuses it."""
        feed = FEED_FOR[stored.exchange_for(owner.user)]
        try:
            portfolio, _ = portfolio_at(
                owner.user, stored, lambda symbol: self.services.prices.mark(feed, symbol, now)
            )
            prepared = prepare(portfolio, self.services.book)
            evaluation = evaluate_prepared(prepared)
            if not stored.watched:
                return _Evaluated(stored, portfolio, prepared, evaluation)
            reported = self.services.wallets.reported(stored.id)
            return _Evaluated(stored, portfolio, prepared, *cautious(evaluation, reported))
        except EngineError as error:
            log.warning(
                "alert watch skips portfolio %s of user %s: %s",
                stored.id,
                owner.user.id,
                error.code,
            )
            return None

    async def _rebuild(
        self,
        owner: Owner,
        stored: StoredPortfolio,
        known: Known,
        now: datetime,
    ) -> None:
        """Place the subjects of one portfolio at their remembered levels, judging none."""
        found = self._evaluate(owner, stored, now)
        if found is None:
            return
        for subject in find_subjects(found.portfolio):
            key = f"{stored.id}:{subject.key}"
            level = known.level(owner.user.id, key)
            kept = Decision(level, record=False, watch_from=level, judged=False)
            thresholds = owner.thresholds(known.cushion(owner.user.id, key))
            self._place_subject(owner, found, subject, key, kept, thresholds)

    async def _judge(
        self,
        owner: Owner,
        stored: StoredPortfolio,
        known: Known,
        now: datetime,
        only: set[str] | None = None,
    ) -> None:
        """Judge the subjects of one portfolio (those keyed in `only`, or all) at the live
        marks, act on each decision and place the subject for the next one."""
        found = self._evaluate(owner, stored, now)
        if found is None:
            return
        feed = FEED_FOR[stored.exchange_for(owner.user)]
        await self._sample(stored.id, found.evaluation, feed, now)
        for subject in find_subjects(found.portfolio):
            key = f"{stored.id}:{subject.key}"
            if only is not None and key not in only:
                continue
            risk = assess(found.evaluation, subject)
            baseline, changed = known.baseline(owner.user.id, key, found.portfolio, subject, risk)
            thresholds = owner.thresholds(baseline.cushion)
            seen = Seen(
                risk,
                closest(found.evaluation, subject).position.symbol,
                live=all(self.services.prices.mark(feed, s, now) for s in subject.symbols),
                changed=changed,
            )
            previous, rules = known.level(owner.user.id, key), owner.rules(thresholds)
            decision = decide(previous, seen, rules, now)
            drift = funding_warning(  # funding alone reaching danger within 24 h (issue 16)
                self.services.prices,
                self.services.book,
                (found.portfolio, found.evaluation),
                subject,
                (previous, decision, seen, rules),
                feed,
                now,
            )
            if drift is not None:
                decision = drift[0]
            funding = None if drift is None else drift[1]
            judged = Judged(subject, key, decision, thresholds, baseline, funding)
            await self._act(owner, found, judged, now)
            self._place_subject(owner, found, subject, key, decision, thresholds)

    async def _act(
        self,
        owner: Owner,
        found: _Evaluated,
        judged: Judged,
        now: datetime,
    ) -> None:
        """Write what the decision says: a new cushion with the level it is armed at, the
        alert with its level in one transaction, or the level alone; and when a snooze
        ends, to look again then."""
        user_id, decision, key = owner.user.id, judged.decision, judged.key
        if decision.armed:  # a funding-drift warning may go out with the new cushion
            armed = decision.level if decision.send is None else None
            level = None if armed is None else armed.value
            await self.services.alerts.arm(user_id, key, judged.baseline, level)
        if decision.send is not None:
            result = closest(found.evaluation, judged.subject)
            hold = Hold(decision.not_before, priority(decision.send, result))
            message = self._alert(owner, found, judged, now)
            if judged.funding is not None:
                message = message.model_copy(update={"funding": judged.funding})
            await self.services.alerts.raise_level(
                user_id, key, decision.send.value, message, decision.urgency, hold
            )
            self.queued += 1
        elif decision.record and not decision.armed:
            level = None if decision.level is None else decision.level.value
            await self.services.alerts.set_level(user_id, key, level)
        if decision.wake_at is not None:
            heapq.heappush(self._wake, (decision.wake_at, user_id))

    def _alert(
        self, owner: Owner, found: _Evaluated, judged: Judged, now: datetime
    ) -> AlertMessage:
        """The alert at the level sent, with the mode advice when switching mode would
        matter."""
        stored, user, book = found.stored, owner.user, self.services.book
        subject, level = judged.subject, judged.decision.send
        assert level is not None
        feed = FEED_FOR[stored.exchange_for(user)]
        quotes = {s: q for s in subject.symbols if (q := self.services.prices.mark(feed, s, now))}
        place = Place(stored.id, stored.name, user.active_portfolio_id == stored.id, stored.watched)
        scene = Scene(found.portfolio, found.evaluation, book, judged.thresholds, quotes, place)
        advice = mode_advice(
            found.portfolio,
            book,
            closest(found.evaluation, subject).position.id,
            self.services.klines.market(now),
            RiskProfile.from_json(user.risk_profile),
        )
        return alert_message(level, subject, scene, advice)

    def _place_subject(
        self,
        owner: Owner,
        found: _Evaluated,
        subject: Subject,
        key: str,
        decision: Decision,
        thresholds: Thresholds,
    ) -> None:
        """Index the subject at its band: exact when it moves with one price or was just
        judged at live marks; otherwise due at the next mark."""
        user = owner.user
        placed = tuple(Band.now(s) for s in subject.symbols)
        by_exchange = found.cautious & set(subject.position_ids)  # its price: every mark
        if not by_exchange and (decision.judged or moves_with_one_price(found.portfolio, subject)):
            try:
                placed = bands(
                    found.prepared,
                    subject,
                    decision.watch_from,
                    thresholds,
                    rearm=decision.rearm,
                )
            except EngineError as error:
                log.warning("no band for %s of user %s: %s", key, user.id, error.code)
        feed = FEED_FOR[found.stored.exchange_for(user)]
        self.placed.place(user.id, found.stored.id, key, feed, decision.level, placed)

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

    async def _forget_stale(self, known: Known, users: Collection[int] | None) -> None:
        """Levels and cushions of subjects that are gone (a closed position, a deleted
        portfolio), of these users or of everyone."""
        for owner, key in {*known.levels, *known.baselines}:
            mine = users is None or owner in users
            if mine and (owner, key) not in self.placed:
                await self.services.alerts.forget(key, owner)
