"""The fixes an alert proposes, with numbers: margin to add, size to close, the other mode.

* Margin: `engine.sizing.margin_to_add` (isolated margin, or a deposit for cross).
* Closing part of a cross position: the realised PnL of the closed part moves
  into the wallet and the rest keeps its entry, so closing changes the shared
  balance and the exposure together; the size is found by bisection on the
  exact engine. (Closing part of an isolated position releases its margin pro
  rata and leaves the liquidation price where it was, so it is no fix there.)
* The other margin mode: the same portfolio with this one position switched.
* Margin that fits: isolated margin comes out of the free balance (cross equity
  less the cross positions' initial margin), so a fix never proposes more than
  it; short of that, all of it, with what it achieves (`margin_fix`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from engine.errors import EngineError, InvalidInput
from engine.margin import PositionResult, Status, evaluate
from engine.models import Portfolio, Position
from engine.numbers import ZERO
from engine.sizing import margin_to_add
from engine.tiers import TierBook

__all__ = ["MarginFix", "margin_fix", "other_mode_liquidation", "qty_to_close", "with_margin"]

_CENT = Decimal("0.01")

_STEPS = 40
_SIGNIFICANT = 3


def _position(portfolio: Portfolio, position_id: str) -> tuple[int, Position]:
    for index, position in enumerate(portfolio.positions):
        if position.id == position_id:
            return index, position
    raise InvalidInput(field="position", reason="not_found", value=position_id)


def _safe(result: PositionResult, distance: Decimal) -> bool:
    if result.status is Status.NO_LIQUIDATION:
        return True
    if result.status is Status.LIQUIDATED or result.distance_to_liquidation is None:
        return False
    return abs(result.distance_to_liquidation) >= distance


def qty_to_close(
    portfolio: Portfolio, book: TierBook, position_id: str, distance: Decimal
) -> Decimal | None:
    """The smallest part of a cross position to close (at its mark) that puts its
    liquidation price `distance` away; zero when it already is, None when closing it
    all would not be enough or the position is isolated."""
    index, position = _position(portfolio, position_id)
    if not position.is_cross:
        return None

    def safe_after(closed: Decimal) -> bool:
        realised = position.side.sign * closed * (position.mark - position.entry_price)
        if closed >= position.qty:
            rest = portfolio.positions[:index] + portfolio.positions[index + 1 :]
            changed = portfolio.model_copy(
                update={"positions": rest, "wallet_balance": portfolio.wallet_balance + realised}
            )
            others = evaluate(changed, book).positions
            return all(_safe(r, distance) for r in others if r.position.is_cross)
        smaller = position.model_copy(update={"qty": position.qty - closed})
        positions = (*portfolio.positions[:index], smaller, *portfolio.positions[index + 1 :])
        changed = portfolio.model_copy(
            update={"positions": positions, "wallet_balance": portfolio.wallet_balance + realised}
        )
        return _safe(evaluate(changed, book).positions[index], distance)

    if safe_after(ZERO):
        return ZERO
    if not safe_after(position.qty):
        return None
    low, high = ZERO, position.qty
    for _ in range(_STEPS):
        middle = (low + high) / 2
        if safe_after(middle):
            high = middle
        else:
            low = middle
    return _round_up(high, position.qty)


def _round_up(amount: Decimal, limit: Decimal) -> Decimal:
    """Three significant digits, rounded up (never less than needed), at most `limit`."""
    quantum = Decimal(1).scaleb(amount.adjusted() - _SIGNIFICANT + 1)
    return min(amount.quantize(quantum, rounding=ROUND_CEILING), limit)


def other_mode_liquidation(
    portfolio: Portfolio, book: TierBook, position_id: str
) -> Decimal | None:
    """This position's liquidation price were it alone switched to the other margin
    mode; None when it would have none or the switch is not possible."""
    index, position = _position(portfolio, position_id)
    other = position.margin_mode.other
    switched = position.model_copy(
        update={"margin_mode": other, "isolated_margin": None, "extra_margin": ZERO}
    )
    positions = (*portfolio.positions[:index], switched, *portfolio.positions[index + 1 :])
    try:
        result = evaluate(portfolio.model_copy(update={"positions": positions}), book)
    except EngineError:
        return None
    return result.positions[index].liquidation_price


def with_margin(
    portfolio: Portfolio, book: TierBook, position_id: str, amount: Decimal
) -> PositionResult:
    """The position once `amount` is added: to its isolated margin, or (cross) to the
    wallet as a deposit."""
    index, position = _position(portfolio, position_id)
    if position.is_cross:
        changed = portfolio.model_copy(update={"wallet_balance": portfolio.wallet_balance + amount})
    else:
        more = position.model_copy(update={"extra_margin": position.extra_margin + amount})
        positions = (*portfolio.positions[:index], more, *portfolio.positions[index + 1 :])
        changed = portfolio.model_copy(update={"positions": positions})
    return evaluate(changed, book).positions[index]


@dataclass(frozen=True, slots=True)
class MarginFix:
    """Margin (or a deposit, cross) to add, and where it puts the liquidation price."""

    amount: Decimal
    enough: bool  # it reaches the target distance (False: all the free balance, short of it)
    liquidation: Decimal | None
    distance: Decimal | None


def margin_fix(
    portfolio: Portfolio,
    book: TierBook,
    position_id: str,
    target: Decimal,
    free: Decimal | None,
) -> MarginFix | None:
    """The margin that puts the liquidation price `target` away, in cents rounded up, at
    most `free` (None: no limit, a deposit); None when nothing is needed or nothing fits."""
    needed = margin_to_add(portfolio, book, position_id, target).quantize(
        _CENT, rounding=ROUND_CEILING
    )
    if needed <= ZERO:
        return None
    amount = needed
    if free is not None and needed > free:
        amount = free.quantize(_CENT, rounding=ROUND_FLOOR)
    if amount <= ZERO:
        return None
    after = with_margin(portfolio, book, position_id, amount)
    return MarginFix(
        amount, amount == needed, after.liquidation_price, after.distance_to_liquidation
    )
