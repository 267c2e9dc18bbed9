"""What the digests share: the loop that queues a scheduled message when it is due, a
user's portfolios at the live marks, their mode advice, and the distance samples the
weekly review's closest call comes from."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.alerts.compose import portfolio_at
from bot.feeds.book import MarkQuote
from bot.services import Services
from engine.advice import AdviceResult, advise
from engine.errors import EngineError
from engine.margin import Evaluation, evaluate
from engine.models import Exchange, Portfolio
from engine.profile import RiskProfile
from engine.review import DistanceSample
from storage.alerts import Payload, Schedule
from storage.portfolios import StoredPortfolio
from storage.users import User

__all__ = [
    "Composed",
    "Evaluated",
    "Scheduled",
    "advice_for",
    "due_today",
    "evaluated_portfolios",
    "samples_of",
]

DueRule = Callable[[datetime, time | None, date | None], bool]

log = logging.getLogger(__name__)


async def due_today(
    services: Services,
    times: Iterable[tuple[int, time | None, str]],
    schedule: Schedule,
    is_due: DueRule,
    now: datetime,
) -> AsyncIterator[tuple[int, date]]:
    """(user, local date) for each user whose scheduled message is due now by
    `is_due(local now, their time, the date it was last done)`."""
    for user_id, at, timezone in times:
        local = now.astimezone(ZoneInfo(timezone))
        if is_due(local, at, await services.alerts.done_on(user_id, schedule)):
            yield user_id, local.date()


@dataclass(frozen=True, slots=True)
class Composed:
    """A scheduled message, and the advice keys it tells (portfolio id -> key): those are
    remembered, so that the next digest tells the advice only when it changed."""

    message: Payload
    told: Mapping[int, str] = field(default_factory=dict)


class Scheduled(ABC):
    """A message that goes out once per local day (or week) at the user's time: `check`
    queues it for every user it is due for; a subclass says when and what it says."""

    def __init__(self, services: Services, schedule: Schedule, is_due: DueRule) -> None:
        self.services = services
        self.schedule = schedule
        self._is_due = is_due

    async def check(self) -> int:
        """Queue the messages that are due now; the number queued."""
        alerts = self.services.alerts
        now = self.services.clock()
        queued = 0
        times = await self._times()
        async for user_id, today in due_today(
            self.services, times, self.schedule, self._is_due, now
        ):
            composed = await self._compose(user_id, now)
            if composed is None:  # no positions: nothing to tell today
                await alerts.done(user_id, self.schedule, today)
                continue
            await alerts.done(user_id, self.schedule, today, composed.message)
            for portfolio_id, key in composed.told.items():
                await self.services.reviews.set_advice_key(portfolio_id, key)
            queued += 1
        return queued

    @abstractmethod
    async def _times(self) -> Iterable[tuple[int, time | None, str]]:
        """(user, their time or None, their timezone) for every user who takes it."""

    @abstractmethod
    async def _compose(self, user_id: int, now: datetime) -> Composed | None:
        """The user's message now; None when there is nothing to tell."""


@dataclass(frozen=True, slots=True)
class Evaluated:
    stored: StoredPortfolio
    portfolio: Portfolio
    evaluation: Evaluation


async def evaluated_portfolios(
    services: Services, user: User, now: datetime
) -> tuple[list[Evaluated], dict[str, MarkQuote]]:
    """The user's portfolios that hold positions, each at the marks the user is priced at
    (live, manual or entry), and those marks; a portfolio the engine refuses is left out."""
    found: list[Evaluated] = []
    quotes: dict[str, MarkQuote] = {}

    for summary in await services.portfolios.list(user.id):
        if summary.position_count == 0:
            continue
        stored = await services.portfolios.get(user.id, summary.id)
        exchange = stored.exchange_for(user)  # a watched wallet's: Hyperliquid's marks

        def quote(symbol: str, exchange: Exchange = exchange) -> MarkQuote | None:
            return services.marks.quote(user.id, exchange, symbol, now)

        try:
            portfolio, used = portfolio_at(user, stored, quote)
            found.append(Evaluated(stored, portfolio, evaluate(portfolio, services.book)))
        except EngineError:
            continue
        quotes.update(used)
    return found, quotes


def advice_for(
    services: Services, user: User, portfolio: Portfolio, now: datetime
) -> AdviceResult | None:
    """The portfolio's mode advice with the user's profile and the freshest market data."""
    profile = RiskProfile.from_json(user.risk_profile)
    try:
        return advise(portfolio, services.book, services.klines.market(now), profile)
    except EngineError:
        log.exception("mode advice failed for a portfolio of user %s", user.id)
        return None


def samples_of(evaluation: Evaluation, now: datetime) -> Iterable[DistanceSample]:
    """Each position's distance to liquidation now (those with a liquidation price)."""
    for result in evaluation.positions:
        if result.distance_to_liquidation is not None:
            yield DistanceSample(
                now, result.position.id, result.position.symbol, result.distance_to_liquidation
            )
