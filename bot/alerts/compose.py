"""An alert's and a digest's content, computed when they are due and stored in the outbox.

The message (`bot.alerts.messages`) holds the numbers, exact, and no sentences:
the text is rendered when the message is sent, in the user's language then,
and the mark's age is counted to that moment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from bot.alerts.messages import (
    AlertMessage,
    BriefMessage,
    DigestMessage,
    DigestPortfolio,
    DigestPosition,
)
from bot.feeds.book import MarkQuote
from bot.views.advice_brief import brief_of
from engine.alerts import Level, Thresholds
from engine.errors import EngineError
from engine.margin import Evaluation, PositionResult, Status
from engine.market import MarketData
from engine.models import Portfolio
from engine.numbers import ZERO
from engine.profile import RiskProfile
from engine.remedies import MarginFix, margin_fix, other_mode_liquidation, qty_to_close
from engine.review import alert_advice
from engine.tiers import TierBook
from engine.triggers import Subject, closest
from storage.portfolios import StoredPortfolio
from storage.users import User

__all__ = [
    "Digested",
    "Place",
    "Scene",
    "alert_message",
    "digest_message",
    "mode_advice",
    "portfolio_at",
    "priority",
]

log = logging.getLogger(__name__)
_MILLIONTHS = Decimal(1_000_000)


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


@dataclass(frozen=True, slots=True)
class Place:
    """Where the subject lives: its portfolio, and whether that is the active one."""

    portfolio_id: int
    name: str
    active: bool
    watched: bool = False  # a watched Hyperliquid wallet: its fixes are made on the exchange


@dataclass(frozen=True, slots=True)
class Scene:
    """What an alert is computed from: one portfolio, evaluated at the marks `quotes`,
    the tiers it was evaluated under and the owner's thresholds."""

    portfolio: Portfolio
    evaluation: Evaluation
    book: TierBook
    thresholds: Thresholds
    quotes: Mapping[str, MarkQuote]
    place: Place


@dataclass(frozen=True, slots=True)
class _Fixes:
    """What an alert proposes: margin that fits (a deposit, for cross), a size to close
    (cross), the other mode's price; for a liquidated subject what was lost and is left."""

    add: MarginFix | None = None
    close_qty: Decimal | None = None
    other_mode: Decimal | None = None
    lost: Decimal | None = None
    left: Decimal | None = None


def _fixes(scene: Scene, result: PositionResult, cross: bool, target: Decimal) -> _Fixes:
    """As many fixes as the engine could work out; none once liquidated."""
    portfolio, book, account = scene.portfolio, scene.book, scene.evaluation.account
    position_id = result.position.id
    if result.status is Status.LIQUIDATED or (cross and account.cross_margin_ratio is None):
        return _aftermath(scene, result, cross)
    add: MarginFix | None = None
    close: Decimal | None = None
    other: Decimal | None = None
    try:
        free = None if cross else account.available_balance
        add = margin_fix(portfolio, book, position_id, target, free)
        close = qty_to_close(portfolio, book, position_id, target) or None
        other = other_mode_liquidation(portfolio, book, position_id)
    except EngineError:
        log.exception("alert fixes failed for position %s", position_id)
    return _Fixes(add, close, other)


def _aftermath(scene: Scene, result: PositionResult, cross: bool) -> _Fixes:
    """Liquidated: an isolated position loses its margin and the wallet keeps the rest;
    a cross account keeps what equity is left above nothing."""
    account, wallet = scene.evaluation.account, scene.portfolio.wallet_balance
    if not cross:
        lost = result.isolated_wallet or ZERO
        return _Fixes(lost=lost, left=max(ZERO, wallet - lost))
    isolated = wallet - account.cross_wallet
    kept = max(ZERO, account.cross_equity)
    return _Fixes(lost=max(ZERO, account.cross_wallet - kept), left=isolated + kept)


def alert_message(
    level: Level, subject: Subject, scene: Scene, advice: BriefMessage | None = None
) -> AlertMessage:
    """Everything the alert says, for the subject's position nearest liquidation;
    `advice` the brief mode advice when switching mode would matter."""
    evaluation = scene.evaluation
    result = closest(evaluation, subject)
    position = result.position
    ratio = evaluation.account.cross_margin_ratio if subject.cross else result.margin_ratio
    target = scene.thresholds.warn_distance
    fixes = _fixes(scene, result, subject.cross, target)
    quote = scene.quotes.get(position.symbol)
    add = fixes.add
    return AlertMessage(
        level=level,
        portfolio_id=scene.place.portfolio_id,
        portfolio=scene.place.name,
        active=scene.place.active,
        watched=scene.place.watched,
        cross=subject.cross,
        positions=len(subject.position_ids),
        position=position.id,
        symbol=position.symbol,
        side=position.side,
        qty=position.qty,
        leverage=position.leverage,
        mark=result.mark_price,
        mark_source=None if quote is None else quote.source,
        mark_at=None if quote is None else quote.at,
        liquidation=result.liquidation_price,
        distance=result.distance_to_liquidation,
        ratio=ratio,
        target=target,
        wallet=scene.portfolio.wallet_balance,
        add_margin=None if add is None else add.amount,
        add_enough=add is None or add.enough,
        add_liquidation=None if add is None else add.liquidation,
        add_distance=None if add is None else add.distance,
        free=None if subject.cross else evaluation.account.available_balance,
        close_qty=fixes.close_qty,
        other_mode=fixes.other_mode,
        lost=fixes.lost,
        left=fixes.left,
        advice=advice,
    )


def mode_advice(
    portfolio: Portfolio,
    book: TierBook,
    position_id: str,
    market: MarketData,
    profile: RiskProfile,
) -> BriefMessage | None:
    """The brief mode advice for an alert about `position_id`; None when switching its
    mode would move its liquidation price by less than 2% of the mark."""
    try:
        result = alert_advice(portfolio, book, position_id, market, profile)
    except EngineError:
        log.exception("mode advice failed for position %s", position_id)
        return None
    return None if result is None else BriefMessage.of(brief_of(result))


@dataclass(frozen=True, slots=True)
class Digested:
    """One portfolio as the digest shows it, with the mode advice if it is to be told."""

    name: str
    portfolio: Portfolio
    evaluation: Evaluation
    advice: BriefMessage | None = None


def _digest_position(result: PositionResult, quote: MarkQuote | None) -> DigestPosition:
    position = result.position
    return DigestPosition(
        position=position.id,
        symbol=position.symbol,
        side=position.side,
        qty=position.qty,
        mode=position.margin_mode,
        mark=result.mark_price,
        mark_source=None if quote is None else quote.source,
        mark_at=None if quote is None else quote.at,
        liquidation=result.liquidation_price,
        distance=result.distance_to_liquidation,
        ratio=result.margin_ratio,
    )


def digest_message(
    portfolios: Sequence[Digested], quotes: Mapping[str, MarkQuote]
) -> DigestMessage:
    """Every watched portfolio's positions with their mark, liquidation price and risk."""
    return DigestMessage(
        portfolios=tuple(
            DigestPortfolio(
                name=entry.name,
                wallet=entry.portfolio.wallet_balance,
                cross_ratio=entry.evaluation.account.cross_margin_ratio,
                positions=tuple(
                    _digest_position(r, quotes.get(r.position.symbol))
                    for r in entry.evaluation.positions
                ),
                advice=entry.advice,
            )
            for entry in portfolios
        )
    )
