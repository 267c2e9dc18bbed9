"""The funding-drift warning: a subject the price has not brought near danger, but that
funding at the current rate would bring to danger within 24 hours although the price
did not move (`engine.funding.funding_danger`).

It is judged where every subject is judged (the watch, after `decide`), only for an
isolated position with no level yet, and goes out as that subject's warning: the
level is remembered like any other (once per arming; quiet hours and snoozes apply
as `decide` applies them), and the alert carries one more line saying funding is the
cause. Kept in this module so the watch's part is one call and one field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from bot.alerts.decide import Decision, Rules, Seen, decide
from bot.alerts.placed import Placed, WatchedSubject
from bot.feeds.book import PriceBook
from bot.i18n import N_, Translator
from bot.reply import Paragraph
from engine.alerts import Level, Risk
from engine.funding import FundingRate, funding_danger
from engine.margin import Evaluation
from engine.models import Exchange, Portfolio
from engine.tiers import TierBook
from engine.triggers import Subject

__all__ = ["FundingDriftPart", "FundingWatch", "funding_lines", "funding_warning"]


def _no_float(value: object) -> object:
    if isinstance(value, float):
        raise ValueError("a float is not exact")
    return value


_Exact = Annotated[Decimal, BeforeValidator(_no_float), Field(allow_inf_nan=False)]


class FundingDriftPart(BaseModel):
    """In an alert: funding at `rate` per `interval_hours` brings the position to danger
    after `after_hours`, with `paid` USDT paid by then, the price unchanged."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rate: _Exact
    interval_hours: _Exact
    after_hours: int
    paid: _Exact


def funding_warning(
    prices: PriceBook,
    book: TierBook,
    found: tuple[Portfolio, Evaluation],
    subject: Subject,
    judged: tuple[Level | None, Decision, Seen, Rules],
    feed: Exchange,
    now: datetime,
) -> tuple[Decision, FundingDriftPart] | None:
    """The warning to send instead of nothing, when funding alone reaches danger in 24 h.

    Only for a subject that had no level before (or was just opened or changed: armed
    with a new cushion) and has none now; a subject re-arming from a level waits for its
    next change. Funding drift is no level the position opened at, so a new position
    that funding alone brings to danger within a day is warned at once. The warning is
    watched without re-arming, as the price that would re-arm it is the price it has."""
    previous, decision, seen, rules = judged
    if subject.cross or not decision.judged or decision.send or decision.level is not None:
        return None
    if previous is not None and not decision.armed:  # a new cushion forgets the old level
        return None
    portfolio, evaluation = found
    result = evaluation.by_id(subject.position_ids[0])
    quote = prices.funding(feed, result.position.symbol, now)
    if quote is None:
        return None
    rate = FundingRate(quote.rate, quote.interval)
    danger = funding_danger(
        portfolio, result.position.id, rate, book, rules.thresholds, current=result
    )
    if danger is None:
        return None
    at_warning = Risk(rules.thresholds.warn_distance, None, liquidated=False)
    warned = decide(None, Seen(at_warning, seen.symbol, live=True), rules, now)
    if warned.send is None:  # snoozed: nothing to say now
        return None
    warned = replace(warned, rearm=False, armed=decision.armed)
    hours = Decimal(int(quote.interval.total_seconds())) / 3600
    after = int(danger.after.total_seconds()) // 3600
    return warned, FundingDriftPart(
        rate=quote.rate, interval_hours=hours, after_hours=after, paid=danger.paid
    )


_FUNDING_LINE = {  # by the wallet's asset: a watched Hyperliquid wallet's is USDC
    "USDT": N_(
        "Funding at {rate} per {interval} h brings this position to danger within {hours} h "
        "with the price unchanged ({paid} USDT paid by then)."
    ),
    "USDC": N_(
        "Funding at {rate} per {interval} h brings this position to danger within {hours} h "
        "with the price unchanged ({paid} USDC paid by then)."
    ),
}


def funding_lines(
    tr: Translator, part: FundingDriftPart | None, currency: str = "USDT"
) -> list[Paragraph]:
    """The alert's line about funding, when funding is why it was sent."""
    if part is None:
        return []
    text = tr(
        _FUNDING_LINE.get(currency, _FUNDING_LINE["USDT"]),
        rate=tr.percent(part.rate, 4),
        interval=tr.quantity(part.interval_hours),
        hours=tr.integer(part.after_hours),
        paid=tr.money(part.paid),
    )
    return [Paragraph(text)]


class FundingWatch:
    """Which markets' funding rates moved since the last tick, so the watch judges their
    subjects again although the price did not cross a band: funding alone can bring a
    position to danger (`funding_warning`). A move is a tenth of the rate or more (a
    predicted rate that wobbles every tick wakes no one); a market's first rate is no move,
    its subjects were judged when they were placed."""

    _MOVE = Decimal("0.1")

    def __init__(self) -> None:
        self._rates: dict[tuple[Exchange, str], Decimal | None] = {}

    def moved(
        self,
        placed: Placed,
        prices: PriceBook,
        ticked: Mapping[Exchange, Mapping[str, object]],
        now: datetime,
    ) -> list[WatchedSubject]:
        """The placed subjects priced on a market whose rate moved in this tick."""
        markets = set()
        for exchange, marks in ticked.items():
            for symbol in marks:
                quote = prices.funding(exchange, symbol, now)
                rate = None if quote is None else quote.rate
                key = (exchange, symbol)
                if key in self._rates and _moved(self._rates[key], rate, self._MOVE):
                    markets.add(key)
                self._rates[key] = rate
        if not markets:
            return []
        return [
            subject
            for subject in placed.watched()
            if any((subject.feed, band.symbol) in markets for band in subject.bands)
        ]


def _moved(before: Decimal | None, after: Decimal | None, share: Decimal) -> bool:
    if before is None or after is None:
        return after is not None and before is None and after != 0
    return abs(after - before) >= abs(before) * share and after != before
