"""What funding does to each isolated position, in its card: the funding of one
settlement at the current rate, and where the liquidation price drifts in 24 hours and
7 days if the rate and the price hold (`engine.funding`).

A cross position's funding is the wallet's, shown nowhere here; a symbol whose feed
reports no rate gets no line (never a guessed rate).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal

from bot.feeds.funding import FundingQuote
from bot.i18n import N_, Translator
from bot.reply import Paragraph
from engine.errors import EngineError
from engine.funding import FundingDrift, FundingRate, funding_drift
from engine.models import Portfolio
from engine.tiers import TierBook

__all__ = ["drift_text", "funding_note", "interval_text"]

# by the wallet's asset (a watched Hyperliquid wallet's is USDC)
_PAYS = {
    "USDT": N_("pays {amount} USDT a settlement"),
    "USDC": N_("pays {amount} USDC a settlement"),
}
_RECEIVES = {
    "USDT": N_("receives {amount} USDT a settlement"),
    "USDC": N_("receives {amount} USDC a settlement"),
}


def interval_text(tr: Translator, interval: timedelta) -> str:
    """'8 h', '1 h', '30 min'."""
    minutes = int(interval.total_seconds()) // 60
    if minutes % 60:
        return tr("{n} min", n=tr.integer(minutes))
    return tr("{n} h", n=tr.integer(minutes // 60))


def drift_text(
    tr: Translator,
    seq: str,
    quote: FundingQuote,
    drift: FundingDrift,
    mark: Decimal,
    currency: str = "USDT",
) -> str:
    """One position's funding line."""
    templates = _PAYS if drift.per_interval >= 0 else _RECEIVES
    settlement = tr(
        templates.get(currency, templates["USDT"]), amount=tr.money(abs(drift.per_interval))
    )
    head = tr(
        "#{n} funding {rate} per {interval} ({source}): {settlement}",
        n=seq,
        rate=tr.percent(quote.rate, 4),
        interval=interval_text(tr, drift.interval),
        source=quote.source,
        settlement=settlement,
    )
    if drift.liquidation_day is None or drift.liquidated_within_week:
        return tr(
            "{head}; at this rate and an unchanged price its margin is used up within 7 days.",
            head=head,
        )
    week = drift.liquidation_week if drift.liquidation_week is not None else drift.liquidation_day
    return tr(
        "{head}; at this rate and an unchanged price the liquidation price moves to "
        "{day} in 24 h and {week} in 7 days.",
        head=head,
        day=tr.liquidation(drift.liquidation_day, mark),
        week=tr.liquidation(week, mark),
    )


def funding_note(
    tr: Translator,
    portfolio: Portfolio,
    rates: Mapping[str, FundingQuote | None],
    book: TierBook,
    currency: str = "USDT",
) -> list[Paragraph]:
    """A line per isolated position whose symbol has a funding rate."""
    lines = []
    for position in portfolio.positions:
        quote = rates.get(position.symbol)
        if position.is_cross or quote is None:
            continue
        try:
            drift = funding_drift(
                portfolio, position.id, FundingRate(quote.rate, quote.interval), book
            )
        except EngineError:
            continue
        if drift is not None:
            lines.append(
                Paragraph(drift_text(tr, position.id, quote, drift, position.mark, currency))
            )
    return lines
