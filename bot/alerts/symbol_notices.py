"""'No usable binance price for BTCUSDT since 12:00': a symbol's price is unusable
while its feed is otherwise up, told once to each user watching it.

A feed that answers with other symbols is not "down", so the outage notice
(`bot.alerts.notices.FeedNotices`) never covers one symbol whose every price is
refused (an unconfirmed jump, zero) or whose last accepted price is too old: this
notice does, once the symbol has had no usable price for two intervals (its last
accepted one is unusable by then). It says whose mark prices the user meanwhile,
when another feed has one. Who was told is stored with the outage notices under
the key 'feed:SYMBOL' (so a restart does not repeat it) and forgotten when the
price is back, so the next time is told again.

Finding who watches a symbol is a walk over every watched subject, so it is done
once per symbol and episode, when its price first turns unusable: a user who
starts watching it later is not told by a notice (their replies say it).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from bot.alerts.symbol_price import SymbolPriceMessage
from bot.alerts.watch import AlertWatch
from bot.feeds.book import MarkProblem, Problem
from bot.feeds.venues import FEEDS
from bot.services import Services
from engine.models import Exchange
from storage.alerts import Hold

__all__ = ["SymbolNotices"]

Key = tuple[Exchange, str]


def _key(key: Key) -> str:
    return f"{key[0].value}:{key[1]}"


class SymbolNotices:
    def __init__(self, services: Services, watch: AlertWatch) -> None:
        self.services = services
        self.watch = watch
        self._told: dict[Key, set[int]] = defaultdict(set)
        self._looked: set[Key] = set()  # problems whose watchers were looked for

    async def start(self) -> None:
        """Remember who was told about a symbol before a restart."""
        for stored, users in (await self.services.alerts.outages_told()).items():
            feed, _, symbol = stored.partition(":")
            if symbol and feed in {e.value for e in Exchange}:
                self._told[(Exchange(feed), symbol)] = set(users)

    def _problems(self, now: datetime) -> dict[Key, MarkProblem]:
        """Every priced-before symbol of a working feed with no usable price of its own."""
        prices, found = self.services.prices, {}
        for feed in FEEDS:
            if prices.outage(feed, now) is not None:
                continue  # the whole feed is down: FeedNotices tells that
            for symbol in prices.priced(feed):
                problem = prices.problem(feed, symbol, now)
                if problem is not None and problem.problem in (Problem.REFUSED, Problem.STALE):
                    found[(feed, symbol)] = problem
        return found

    async def check(self) -> int:
        """Tell each user watching a symbol without a usable price, once; the number queued."""
        now = self.services.clock()
        problems = self._problems(now)
        for key in [k for k in self._told if k not in problems]:
            await self.services.alerts.outage_over(_key(key))
            del self._told[key]
        self._looked &= set(problems)
        new = {key for key in problems if key not in self._looked}
        if not new:
            return 0
        self._looked |= new
        watching: dict[Key, set[int]] = defaultdict(set)
        for subject in self.watch.placed.watched():
            for band in subject.bands:
                if (subject.feed, band.symbol) in new:
                    watching[(subject.feed, band.symbol)].add(subject.user_id)
        queued = 0
        for key, users in watching.items():
            for user_id in sorted(users - self._told[key]):
                await self._tell(user_id, key, problems[key], now)
                queued += 1
        return queued

    async def _tell(self, user_id: int, key: Key, problem: MarkProblem, now: datetime) -> None:
        stand_in = self.services.prices.stand_in(key[0], key[1], now)
        message = SymbolPriceMessage(
            exchange=key[0],
            symbol=key[1],
            problem=problem.problem,
            refusal=problem.refusal,
            since=problem.since,
            stand_in=None if stand_in is None else stand_in.source,
        )
        since = problem.since or now
        await self.services.alerts.tell_outage(
            user_id, _key(key), since, message, Hold(), kind=message.kind
        )
        self._told[key].add(user_id)
