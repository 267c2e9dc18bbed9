"""Where a piecewise-linear margin equation crosses zero.

Every exchange's liquidation condition has the same shape once the other
symbols' prices are held still:

    ratio * (K + S * P)  =  M_other + sum_i MM_i(P)

left: the margin balance that moves with this symbol's price P (S is the signed
quantity of the legs in that symbol, K the rest); right: maintenance, where
each leg's MM_i is linear in P inside a tier and the tier itself may change
with P (`engine.curves`). `ratio` is 1 for liquidation and rho for "the price
at which the margin ratio MM / balance reaches rho"; with no curves and no
other maintenance it gives the bankruptcy price.

The walk starts in the tier at `start`, solves that line exactly and steps to
the neighbouring tier only when the root falls outside the current one, so a
typical call solves one or two lines. Tiers are tracked by index, never looked
up again from a price, so a root on a tier boundary cannot flip tiers through
rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from engine.curves import Curve
from engine.numbers import ONE, ZERO

__all__ = ["solve"]

_MAX_STEPS = 512


def solve(
    curves: Sequence[Curve],
    signed_qty: Decimal,
    constant: Decimal,
    other_maintenance: Decimal,
    start: Decimal,
    ratio: Decimal = ONE,
) -> Decimal | None:
    """The price nearest `start` where ratio*(constant + signed_qty*P) = maintenance.

    None when no positive price satisfies it on the side the balance moves
    toward: a long whose margin covers a fall to zero, or a hedge whose
    balance never meets its maintenance.
    """
    indices = [curve.index_at(start) for curve in curves]
    direction = 0
    previous: tuple[Decimal, Decimal] | None = None
    for _ in range(_MAX_STEPS):
        slope, offset, low, high = _line(
            curves, indices, signed_qty, constant, other_maintenance, ratio
        )
        if slope == ZERO:
            if direction == 0:
                return None  # the balance does not move with this price
            step = direction
        else:
            root = -offset / slope
            if root <= low:
                step = -1
            elif high is not None and root > high:
                step = 1
            else:
                return root
        if direction not in (0, step):
            # turned back at the boundary just crossed: either maintenance jumps over
            # the balance right there (the boundary is the price), or it never meets it
            boundary = low if direction > 0 else high
            return _jump(previous, (slope, offset), boundary)
        direction = step
        previous = (slope, offset)
        if not _advance(curves, indices, low, high, direction):
            return None  # below the lowest tier means a price of zero or less
    return None


def _jump(
    before: tuple[Decimal, Decimal] | None, after: tuple[Decimal, Decimal], at: Decimal | None
) -> Decimal | None:
    """`at` when the equation changes sign across this tier boundary, else None.

    Tier tables without a maintenance amount (OKX's, fallbacks) make maintenance
    jump at a boundary; the balance can sit above it on one side and below on
    the other, so the condition is first met at the boundary itself.
    """
    if before is None or at is None:
        return None
    left = before[0] * at + before[1]
    right = after[0] * at + after[1]
    return at if left * right < ZERO or right == ZERO else None


def _line(
    curves: Sequence[Curve],
    indices: list[int],
    signed_qty: Decimal,
    constant: Decimal,
    other_maintenance: Decimal,
    ratio: Decimal,
) -> tuple[Decimal, Decimal, Decimal, Decimal | None]:
    """slope, offset and price range of the equation in the legs' current tiers."""
    slope = ratio * signed_qty
    offset = ratio * constant - other_maintenance
    low = ZERO
    high: Decimal | None = None
    for curve, index in zip(curves, indices, strict=True):
        slope -= curve.slope(index)
        offset -= curve.offset(index)
        low = max(low, curve.low(index))
        curve_high = curve.high(index)
        if curve_high is not None and (high is None or curve_high < high):
            high = curve_high
    return slope, offset, low, high


def _advance(
    curves: Sequence[Curve], indices: list[int], low: Decimal, high: Decimal | None, direction: int
) -> bool:
    """Move every leg whose tier boundary binds to its neighbour; False when none can."""
    moved = False
    for n, curve in enumerate(curves):
        index = indices[n]
        if direction < 0:
            if index > 0 and curve.low(index) == low:
                indices[n] = index - 1
                moved = True
        elif high is not None and index < curve.last() and curve.high(index) == high:
            indices[n] = index + 1
            moved = True
    return moved
