"""The questions a trader asks after seeing a liquidation price.

* How much margin moves my liquidation price to a safe distance?
* How big a position does my balance allow at this leverage?
* At what price does my margin ratio reach a level (an alert threshold)?
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.curves import value_at
from engine.errors import InvalidInput, LeverageTooHigh
from engine.legs import Leg, Prepared, prepare
from engine.liquidation import cross_prices, cross_totals, isolated_price_at_ratio
from engine.models import Portfolio, TierTable
from engine.numbers import ONE, ZERO
from engine.tiers import TierBook

__all__ = [
    "MaxSize",
    "margin_to_add",
    "max_position_size",
    "price_at_margin_ratio",
]


def _leg(prepared: Prepared, position_id: str) -> Leg:
    for leg in prepared.legs:
        if leg.position.id == position_id:
            return leg
    raise InvalidInput(field="position", reason="not_found", value=position_id)


def margin_to_add(
    portfolio: Portfolio, book: TierBook, position_id: str, distance: Decimal
) -> Decimal:
    """Margin (isolated) or deposit (cross) that puts the liquidation price `distance`
    (a fraction of the mark) away from the mark; zero when it already is."""
    if not ZERO < distance < ONE:
        raise InvalidInput(field="distance", reason="out_of_range", value=distance)
    prepared = prepare(portfolio, book)
    leg = _leg(prepared, position_id)
    sign = leg.position.side.sign
    target = leg.mark * (ONE - sign * distance)
    if leg.isolated_wallet is not None:
        needed = value_at(leg.curve, target) - leg.signed_qty * (target - leg.position.entry_price)
        missing = needed - leg.isolated_wallet
        return max(ZERO, prepared.rules.extra_for_wallet(missing, sign, prepared.fee))
    totals = cross_totals(prepared)
    balance = totals.equity
    maintenance = totals.maintenance
    for other in prepared.legs:
        if other.isolated_wallet is None and other.position.symbol == leg.position.symbol:
            balance += other.signed_qty * (target - other.mark)
            maintenance += value_at(other.curve, target) - other.maintenance
    return max(ZERO, maintenance - balance)


@dataclass(frozen=True, slots=True)
class MaxSize:
    qty: Decimal
    notional: Decimal
    limited_by_tier: bool  # True when the tier's leverage limit, not the balance, binds


def max_position_size(
    balance: Decimal, leverage: Decimal, price: Decimal, table: TierTable, fee: Decimal = ZERO
) -> MaxSize:
    """The largest position `balance` opens at `leverage` and `price`, paying the
    opening margin and the `fee` on the notional, within the tiers that allow it."""
    if balance <= ZERO or price <= ZERO or leverage < ONE:
        raise InvalidInput(field="balance", reason="not_positive")
    allowed = [t for t in table.tiers if t.max_leverage >= leverage]
    if not allowed:
        raise LeverageTooHigh(
            field="leverage", leverage=leverage, max_leverage=table.tiers[0].max_leverage
        )
    notional = balance / (ONE / leverage + fee)
    cap = allowed[-1].cap
    cap_notional = cap * price if table.basis == "quantity" else cap
    limited = cap_notional < notional
    notional = min(notional, cap_notional)
    return MaxSize(qty=notional / price, notional=notional, limited_by_tier=limited)


def price_at_margin_ratio(
    portfolio: Portfolio, book: TierBook, position_id: str, ratio: Decimal
) -> Decimal | None:
    """The mark at which the margin ratio that governs this position reaches `ratio`."""
    if not ZERO < ratio <= ONE:
        raise InvalidInput(field="ratio", reason="out_of_range", value=ratio)
    prepared = prepare(portfolio, book)
    leg = _leg(prepared, position_id)
    if leg.isolated_wallet is not None:
        return isolated_price_at_ratio(leg, ratio)
    legs = [
        other
        for other in prepared.legs
        if other.isolated_wallet is None and other.position.symbol == leg.position.symbol
    ]
    price, _ = cross_prices(legs, cross_totals(prepared), ratio)
    return price
