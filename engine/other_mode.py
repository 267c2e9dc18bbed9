"""Each position's liquidation price were it alone switched to the other margin mode.

Switching position i changes nothing about the others, and the others enter a cross
liquidation price only through the cross totals at their current marks (wallet, PnL,
maintenance: `engine.liquidation`). So the whole book is prepared once and its totals
summed once; each switch then adjusts those totals by the one leg it moves, instead of
re-evaluating the whole portfolio per position (quadratic: 43 s at 1,000 positions).

The figures are those `evaluate` gives the switched portfolio, and None where that
portfolio is refused: a hedge leg switched away from its pair's mode, an isolated
margin below zero, or isolated margins the wallet cannot cover beside a cross position.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from engine.errors import EngineError
from engine.legs import Leg, Prepared, make_leg, prepare
from engine.liquidation import CrossTotals, cross_crossings, cross_totals, isolated_crossings
from engine.models import Portfolio, PositionMode
from engine.numbers import ZERO
from engine.tiers import TierBook

__all__ = ["other_mode_liquidations"]


@dataclass(frozen=True, slots=True)
class _Book:
    """What every switch starts from: the prepared legs and the account summed once."""

    prepared: Prepared
    totals: CrossTotals
    isolated_total: Decimal  # the isolated wallets, summed
    cross_count: int
    per_symbol: Counter[str]  # legs per symbol (a hedge holds two)


def other_mode_liquidations(portfolio: Portfolio, book: TierBook) -> dict[str, Decimal | None]:
    """Position id -> its liquidation price in the other margin mode (None: no such price,
    or the switch is refused). Raises like `evaluate` when `portfolio` itself is invalid."""
    prepared = prepare(portfolio, book)
    legs = prepared.legs
    whole = _Book(
        prepared,
        cross_totals(prepared),
        sum((leg.isolated_wallet or ZERO for leg in legs), ZERO),
        sum(1 for leg in legs if leg.isolated_wallet is None),
        Counter(leg.position.symbol for leg in legs),
    )
    return {leg.position.id: _switched(whole, leg) for leg in legs}


def _switched(whole: _Book, leg: Leg) -> Decimal | None:
    prepared = whole.prepared
    hedge = prepared.portfolio.position_mode is PositionMode.HEDGE
    if hedge and whole.per_symbol[leg.position.symbol] > 1:
        return None  # hedge legs of one symbol share one margin mode
    position = leg.position.model_copy(update={"margin_mode": leg.position.margin_mode.other})
    try:
        moved = make_leg(position, leg.table, prepared.rules, prepared.fee)
    except EngineError:
        return None  # e.g. an isolated margin below zero
    wallet = prepared.portfolio.wallet_balance
    if moved.isolated_wallet is not None:  # cross -> isolated: its own wallet alone
        cross_left = whole.cross_count - 1
        if cross_left and wallet - (whole.isolated_total + moved.isolated_wallet) < ZERO:
            return None  # the wallet cannot cover the isolated margins
        return isolated_crossings(moved).nearest
    cross_wallet = wallet - (whole.isolated_total - (leg.isolated_wallet or ZERO))
    if cross_wallet < ZERO:
        return None
    totals = whole.totals
    joined = CrossTotals(
        cross_wallet,
        totals.unrealized_pnl + moved.unrealized_pnl,
        totals.maintenance + moved.maintenance,
    )
    found, _ = cross_crossings((moved,), joined)
    return found.nearest
