"""Liquidation and bankruptcy prices, isolated and cross, from the shared solver.

Isolated: the position's own wallet is the whole balance,
    wallet + sign*q*(P - entry) = MM(P)                (liquidation)
    wallet - fee to close + sign*q*(P - entry) = 0     (bankruptcy)
where the fee to close is the one Bybit holds in the wallet (zero elsewhere).
Cross: every cross position shares the cross wallet; with the other symbols
held at their marks, the legs of one symbol (one, or two in hedge mode) solve
    cross_wallet + upnl_others + sum_legs sign*q*(P - entry) = MM_others + sum_legs MM(P)
which is Binance's published one-way/hedge formula (WB, TMM1, UPNL1, cum) and
the same condition Bybit and OKX state as "margin ratio reaches 100%". A hedge
(or any symbol whose legs' maintenance outgrows its net quantity) can meet it on
both sides of the mark; `Crossings` holds the nearest below and above, and the
single price reported is the nearer of the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from engine.legs import Leg, Prepared
from engine.numbers import ONE, ZERO
from engine.solver import Crossings, crossings, solve

__all__ = [
    "CrossTotals",
    "cross_crossings",
    "cross_prices",
    "cross_totals",
    "isolated_bankruptcy",
    "isolated_crossings",
    "isolated_liquidation",
    "isolated_price_at_ratio",
]


def isolated_liquidation(leg: Leg) -> Decimal | None:
    """The mark nearest the current one at which the isolated wallet plus PnL equals maintenance."""
    return isolated_crossings(leg).nearest


def isolated_crossings(leg: Leg) -> Crossings:
    """The liquidation prices nearest the mark below and above it, for an isolated leg."""
    wallet = leg.isolated_wallet or ZERO
    return crossings((leg.curve,), leg.signed_qty, wallet - leg.cost, ZERO, leg.mark)


def isolated_price_at_ratio(leg: Leg, ratio: Decimal) -> Decimal | None:
    """The mark at which MM / (wallet + PnL) reaches `ratio` (1 is liquidation)."""
    wallet = leg.isolated_wallet or ZERO
    return solve((leg.curve,), leg.signed_qty, wallet - leg.cost, ZERO, leg.mark, ratio)


def isolated_bankruptcy(leg: Leg) -> Decimal | None:
    """The mark at which the isolated wallet, less the fee to close it holds, is used up."""
    wallet = (leg.isolated_wallet or ZERO) - leg.fee_to_close
    return solve((), leg.signed_qty, wallet - leg.cost, ZERO, leg.mark)


@dataclass(frozen=True, slots=True)
class CrossTotals:
    """The cross account at current marks, summed once for every symbol's solve."""

    wallet: Decimal
    unrealized_pnl: Decimal
    maintenance: Decimal

    @property
    def equity(self) -> Decimal:
        return self.wallet + self.unrealized_pnl


def cross_totals(prepared: Prepared) -> CrossTotals:
    upnl = ZERO
    maintenance = ZERO
    for leg in prepared.legs:
        if leg.isolated_wallet is None:
            upnl += leg.unrealized_pnl
            maintenance += leg.maintenance
    return CrossTotals(prepared.cross_wallet, upnl, maintenance)


def cross_prices(
    legs: Sequence[Leg], totals: CrossTotals, ratio: Decimal = ONE
) -> tuple[Decimal | None, Decimal | None]:
    """(the ratio price nearest the mark, the bankruptcy price) of one symbol's cross legs."""
    found, bankruptcy = cross_crossings(legs, totals, ratio)
    return found.nearest, bankruptcy


def cross_crossings(
    legs: Sequence[Leg], totals: CrossTotals, ratio: Decimal = ONE
) -> tuple[Crossings, Decimal | None]:
    """(liquidation-or-ratio prices below and above the mark, bankruptcy price) of one
    symbol's cross legs, the other symbols held at their marks."""
    signed_qty = ZERO
    cost = ZERO
    own_upnl = ZERO
    own_maintenance = ZERO
    for leg in legs:
        signed_qty += leg.signed_qty
        cost += leg.cost
        own_upnl += leg.unrealized_pnl
        own_maintenance += leg.maintenance
    constant = totals.wallet + (totals.unrealized_pnl - own_upnl) - cost
    others = totals.maintenance - own_maintenance
    mark = legs[0].mark
    curves = tuple(leg.curve for leg in legs)
    found = crossings(curves, signed_qty, constant, others, mark, ratio)
    bankruptcy = solve((), signed_qty, constant, ZERO, mark)
    return found, bankruptcy
