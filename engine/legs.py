"""A portfolio made ready for the formulas: tables resolved, curves built, marks known.

This is the only place that looks a tier table up; the formulas downstream
receive tables and curves as values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from engine.curves import Curve, value_at
from engine.errors import InvalidInput
from engine.exchanges import ExchangeProfile, check_leverage, profile
from engine.models import Portfolio, Position, TierTable
from engine.numbers import ZERO
from engine.tiers import TierBook

__all__ = ["Leg", "Prepared", "prepare"]


@dataclass(frozen=True, slots=True)
class Leg:
    """One position with everything the formulas need at its mark."""

    position: Position
    table: TierTable
    curve: Curve
    mark: Decimal
    signed_qty: Decimal
    unrealized_pnl: Decimal
    maintenance: Decimal  # what the liquidation condition holds the balance to, at the mark
    isolated_wallet: Decimal | None  # None for a cross position
    fee_to_close: Decimal  # held in the wallet, so not lost before bankruptcy (Bybit)
    liquidation_fee: Decimal | None  # the part of `maintenance` that is a fee (OKX)

    @property
    def cost(self) -> Decimal:
        """sign * qty * entry: the part of the PnL that does not move with price."""
        return self.signed_qty * self.position.entry_price


@dataclass(frozen=True, slots=True)
class Prepared:
    """A portfolio's legs, its exchange's rules and fee, and the wallet cross positions share."""

    portfolio: Portfolio
    rules: ExchangeProfile
    fee: Decimal
    legs: Sequence[Leg]
    cross_wallet: Decimal


def prepare(
    portfolio: Portfolio, book: TierBook, *, check_leverage_limits: bool = True
) -> Prepared:
    """Resolve tables and build each leg's curve; validate leverage and isolated margin."""
    rules = profile(portfolio.exchange)
    fee, shared_table = rules.fee_and_table(portfolio)
    legs = []
    isolated_total = ZERO
    for position in portfolio.positions:
        table = position.tiers or shared_table or book.table(portfolio.exchange, position.symbol)
        if check_leverage_limits and not table.fallback:
            check_leverage(position, table)
        leg = make_leg(position, table, rules, fee)
        if leg.isolated_wallet is not None:
            isolated_total += leg.isolated_wallet
        legs.append(leg)
    cross_wallet = portfolio.wallet_balance - isolated_total
    if cross_wallet < ZERO and any(leg.isolated_wallet is None for leg in legs):
        raise InvalidInput(
            field="wallet_balance",
            reason="isolated_exceeds_wallet",
            wallet_balance=portfolio.wallet_balance,
            isolated_total=isolated_total,
        )
    return Prepared(portfolio, rules, fee, legs, max(cross_wallet, ZERO))


def make_leg(position: Position, table: TierTable, rules: ExchangeProfile, fee: Decimal) -> Leg:
    """Everything about one position that does not depend on the others."""
    mark = position.mark
    signed_qty = position.qty if position.side.sign > 0 else -position.qty
    curve = rules.curve(position, table, fee)
    wallet = None if position.is_cross else rules.isolated_wallet(position, fee)
    if wallet is not None and wallet < ZERO:
        raise InvalidInput(field="extra_margin", reason="margin_below_zero", symbol=position.symbol)
    return Leg(
        position=position,
        table=table,
        curve=curve,
        mark=mark,
        signed_qty=signed_qty,
        unrealized_pnl=signed_qty * (mark - position.entry_price),
        maintenance=value_at(curve, mark),
        isolated_wallet=wallet,
        fee_to_close=rules.fee_to_close(position, fee),
        liquidation_fee=rules.liquidation_fee(position, mark, fee),
    )
