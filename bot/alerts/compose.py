"""An alert's content, computed when it fires and stored with it in the outbox.

The payload holds the numbers as exact decimal text (the outbox refuses
floats) and no sentences: the text is rendered when the message is sent, in the
user's language then, and the mark's age is counted to that moment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from decimal import ROUND_CEILING, Decimal

from bot.feeds.book import MarkQuote
from bot.views.advice_brief import brief_of, brief_payload
from engine.alerts import Level, Thresholds
from engine.errors import EngineError
from engine.margin import Evaluation, PositionResult
from engine.market import MarketData
from engine.models import Portfolio
from engine.profile import RiskProfile
from engine.remedies import other_mode_liquidation, qty_to_close
from engine.review import alert_advice
from engine.sizing import margin_to_add
from engine.tiers import TierBook
from engine.triggers import Subject, closest
from storage._time import to_text
from storage.portfolios import StoredPortfolio
from storage.users import User

__all__ = ["alert_payload", "digest_payload", "mode_advice", "portfolio_at", "priority"]

log = logging.getLogger(__name__)
_CENT = Decimal("0.01")
_MILLIONTHS = Decimal(1_000_000)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def portfolio_at(
    user: User, stored: StoredPortfolio, quote: Callable[[str], MarkQuote | None]
) -> tuple[Portfolio, dict[str, MarkQuote]]:
    """The engine's portfolio at the marks `quote` gives (`StoredPortfolio.priced`), and
    those marks, which the message names with their source and age."""
    quotes = {s: q for s in {p.symbol for p in stored.engine_positions} if (q := quote(s))}

    def mark(symbol: str) -> Decimal | None:
        found = quotes.get(symbol)
        return None if found is None else found.price

    return stored.priced(user, mark), quotes


def priority(level: Level, result: PositionResult) -> int:
    """Outbox order within an urgency: closest to liquidation first, liquidated before all."""
    if level is Level.LIQUIDATED or result.distance_to_liquidation is None:
        return -1
    return int(abs(result.distance_to_liquidation) * _MILLIONTHS)


def _fixes(
    portfolio: Portfolio, book: TierBook, position_id: str, target: Decimal
) -> dict[str, str | None]:
    """Margin to add (a deposit, for cross), size to close (cross), the other mode's price."""
    fixes: dict[str, str | None] = {}
    try:
        margin = margin_to_add(portfolio, book, position_id, target)
        fixes["add_margin"] = _text(margin.quantize(_CENT, rounding=ROUND_CEILING) or None)
        fixes["close_qty"] = _text(qty_to_close(portfolio, book, position_id, target) or None)
        fixes["other_mode"] = _text(other_mode_liquidation(portfolio, book, position_id))
    except EngineError:
        log.exception("alert fixes failed for position %s", position_id)
    return fixes


def _mark(quote: MarkQuote | None) -> dict[str, str | None]:
    if quote is None:
        return {"mark_source": None, "mark_at": None}
    return {"mark_source": quote.source, "mark_at": to_text(quote.at)}


def alert_payload(
    level: Level,
    subject: Subject,
    portfolio: Portfolio,
    evaluation: Evaluation,
    book: TierBook,
    thresholds: Thresholds,
    quotes: Mapping[str, MarkQuote],
    place: tuple[int, str, bool],
    advice: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """Everything the alert says, for the subject's position nearest liquidation.
    `place` is (portfolio id, portfolio name, whether it is the active one); `advice`
    the brief mode advice (`bot.views.advice_brief`) when switching mode would matter."""
    result = closest(evaluation, subject)
    position = result.position
    ratio = evaluation.account.cross_margin_ratio if subject.cross else result.margin_ratio
    return {
        "level": level.value,
        "portfolio_id": place[0],
        "portfolio": place[1],
        "active": place[2],
        "cross": subject.cross,
        "positions": len(subject.position_ids),
        "position": position.id,
        "symbol": position.symbol,
        "side": position.side.value,
        "qty": str(position.qty),
        "leverage": str(position.leverage),
        "mark": str(result.mark_price),
        **_mark(quotes.get(position.symbol)),
        "liquidation": _text(result.liquidation_price),
        "distance": _text(result.distance_to_liquidation),
        "ratio": _text(ratio),
        "target": str(thresholds.warn_distance),
        "wallet": str(portfolio.wallet_balance),
        **_fixes(portfolio, book, position.id, thresholds.warn_distance),
        "advice": None if advice is None else dict(advice),
    }


def mode_advice(
    portfolio: Portfolio,
    book: TierBook,
    position_id: str,
    market: MarketData,
    profile: RiskProfile,
) -> dict[str, object] | None:
    """The brief mode advice for an alert about `position_id`, as payload; None when
    switching its mode would move its liquidation price by less than 2% of the mark."""
    try:
        result = alert_advice(portfolio, book, position_id, market, profile)
    except EngineError:
        log.exception("mode advice failed for position %s", position_id)
        return None
    return None if result is None else brief_payload(brief_of(result))


def digest_payload(
    portfolios: list[tuple[str, Portfolio, Evaluation]], quotes: Mapping[str, MarkQuote]
) -> dict[str, object]:
    """Every watched portfolio's positions with their mark, liquidation price and risk."""
    return {
        "portfolios": [
            {
                "name": name,
                "wallet": str(portfolio.wallet_balance),
                "cross_ratio": _text(evaluation.account.cross_margin_ratio),
                "positions": [
                    {
                        "position": r.position.id,
                        "symbol": r.position.symbol,
                        "side": r.position.side.value,
                        "qty": str(r.position.qty),
                        "mode": r.position.margin_mode.value,
                        "mark": str(r.mark_price),
                        **_mark(quotes.get(r.position.symbol)),
                        "liquidation": _text(r.liquidation_price),
                        "distance": _text(r.distance_to_liquidation),
                        "ratio": _text(r.margin_ratio),
                    }
                    for r in evaluation.positions
                ],
            }
            for name, portfolio, evaluation in portfolios
        ]
    }
