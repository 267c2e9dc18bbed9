"""Where a piecewise-linear margin equation crosses zero, on each side of the mark.

Every exchange's liquidation condition has the same shape once the other
symbols' prices are held still:

    ratio * (K + S * P)  =  M_other + sum_i MM_i(P)

left: the margin balance that moves with this symbol's price P (S is the signed
quantity of the legs in that symbol, K the rest); right: maintenance, where
each leg's MM_i is linear in P inside a tier and the tier itself may change
with P (`engine.curves`). `ratio` is 1 for liquidation and rho for "the price
at which the margin ratio MM / balance reaches rho"; with no curves and no
other maintenance it gives the bankruptcy price.

The equation can cross zero on both sides of the mark: in hedge mode the legs'
maintenance grows with |P| on both of them while the balance moves only with the
net quantity, so a nearly flat hedge can liquidate when the price rises as well
as when it falls. `crossings` therefore walks away from `start` in each
direction: it solves the line of the tier segment it is in, and steps to the
neighbouring segment only when the root falls outside it. A bound on every tier
still ahead (the smallest and largest slope and offset of each leg's lines)
stops a walk as soon as no crossing can lie further on, so a walk toward a side
without a root usually ends after a line or two. Tiers are tracked by index,
never looked up again from a price, so a root on a tier boundary cannot flip
tiers through rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from engine.curves import Curve, PriceTieredCurve
from engine.numbers import ONE, ZERO

__all__ = ["Crossings", "crossings", "solve"]

_MAX_STEPS = 512


@dataclass(frozen=True, slots=True)
class Crossings:
    """The crossing nearest `start` at or below it, and the one nearest above it."""

    start: Decimal
    below: Decimal | None
    above: Decimal | None

    @property
    def nearest(self) -> Decimal | None:
        """The crossing the price reaches first, whichever way it moves (below on a tie)."""
        if self.below is None or self.above is None:
            return self.below if self.above is None else self.above
        return self.below if self.start - self.below <= self.above - self.start else self.above


def solve(
    curves: Sequence[Curve],
    signed_qty: Decimal,
    constant: Decimal,
    other_maintenance: Decimal,
    start: Decimal,
    ratio: Decimal = ONE,
) -> Decimal | None:
    """The price nearest `start` where ratio*(constant + signed_qty*P) = maintenance.

    None when no positive price satisfies it: a long whose margin covers a fall
    to zero, or a hedge whose balance never meets its maintenance.
    """
    return crossings(curves, signed_qty, constant, other_maintenance, start, ratio).nearest


def crossings(
    curves: Sequence[Curve],
    signed_qty: Decimal,
    constant: Decimal,
    other_maintenance: Decimal,
    start: Decimal,
    ratio: Decimal = ONE,
) -> Crossings:
    """The nearest prices on each side of `start` where the equation changes sign.

    f(P) = ratio*(constant + signed_qty*P) - other_maintenance - sum_i MM_i(P) is
    walked from `start` down to zero and up past the last tier; both walks begin
    with the line of the tiers at `start`, solved once.
    """
    base = (ratio * signed_qty, ratio * constant - other_maintenance)
    if not curves:  # one line at every price (the bankruptcy price): its root, if positive
        root = _root(*base, ZERO, None, 1)
        if root is None:
            return Crossings(start, None, None)
        return Crossings(start, root, None) if root <= start else Crossings(start, None, root)
    indices = [curve.index_at(start) for curve in curves]
    first = _line(curves, indices, base)
    below = _walk(curves, base, list(indices), first, start, -1)
    above = _walk(curves, base, indices, first, start, 1)
    return Crossings(start, below, above)


_Segment = tuple[Decimal, Decimal, Decimal, Decimal | None]  # slope, offset, low, high


def _walk(
    curves: Sequence[Curve],
    base: tuple[Decimal, Decimal],
    indices: list[int],
    segment: _Segment,
    start: Decimal,
    direction: int,
) -> Decimal | None:
    """The first crossing met moving from `start` in `direction` (-1 down, +1 up)."""
    slope, offset, low, high = segment
    low, high = (low, start) if direction < 0 else (start, high)  # only this side of start
    bound: tuple[Decimal, Decimal] | None = None
    for _ in range(_MAX_STEPS):
        root = _root(slope, offset, low, high, direction)
        if root is not None:
            return root
        edge = low if direction < 0 else high
        if edge is None or edge <= ZERO:
            return None  # nothing beyond the last tier, or below the lowest: a price <= 0
        # f has one sign up to `edge`; the bound covers both sides of it and beyond
        sign = ONE if slope * edge + offset > ZERO else -ONE
        bound = bound or _bound(curves, base, indices, direction, sign)
        if _keeps_sign(bound, sign, edge, direction) or not _advance(
            curves, indices, segment[2], segment[3], direction
        ):
            return None
        previous = (slope, offset)
        segment = _line(curves, indices, base)
        slope, offset, low, high = segment
        if _jumps(previous, (slope, offset), edge):
            return edge
    return None


def _line(curves: Sequence[Curve], indices: list[int], base: tuple[Decimal, Decimal]) -> _Segment:
    """slope, offset and price range of f in the legs' current tiers."""
    slope, offset = base
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


def _bound(
    curves: Sequence[Curve],
    base: tuple[Decimal, Decimal],
    indices: list[int],
    direction: int,
    sign: Decimal,
) -> tuple[Decimal, Decimal]:
    """A line on the near side of zero from f (below it while f > 0, above it while
    f < 0) at every price of the tiers the walk can still reach: (slope, offset)."""
    slope, offset = base
    for curve, index in zip(curves, indices, strict=True):
        reach = range(index, curve.last() + 1) if direction > 0 else range(index + 1)
        curve_slope, curve_offset = _extremes(curve, reach, largest=sign > ZERO)
        slope -= curve_slope
        offset -= curve_offset
    return slope, offset


def _extremes(curve: Curve, reach: range, *, largest: bool) -> tuple[Decimal, Decimal]:
    """The largest (or smallest) slope and offset of `curve` over the tiers in `reach`."""
    pick, other = (max, min) if largest else (min, max)
    if isinstance(curve, PriceTieredCurve):  # the usual curve, read from its table at C speed
        window = slice(reach.start, reach.stop)
        rates, amounts = curve.table.rates[window], curve.table.amounts[window]
        return curve.qty * pick(rates), curve.extra - other(amounts)
    return pick(curve.slope(t) for t in reach), pick(curve.offset(t) for t in reach)


def _keeps_sign(
    bound: tuple[Decimal, Decimal], sign: Decimal, edge: Decimal, direction: int
) -> bool:
    """Whether the bounding line keeps `sign` past `edge`: to infinity, or down to 0."""
    slope, offset = bound
    far = slope if direction > 0 else offset  # the slope beyond, or the value at 0
    return sign * (slope * edge + offset) > ZERO and sign * far >= ZERO


def _root(
    slope: Decimal, offset: Decimal, low: Decimal, high: Decimal | None, direction: int
) -> Decimal | None:
    """Where slope*P + offset = 0 within (low, high], or the near end when it is 0 there."""
    if slope == ZERO:
        if offset != ZERO:
            return None
        near = high if direction < 0 else low
        return near if near is not None and near > ZERO else None
    root = -offset / slope
    if root <= low or (high is not None and root > high):
        return None
    return root


def _jumps(before: tuple[Decimal, Decimal], after: tuple[Decimal, Decimal], at: Decimal) -> bool:
    """Whether f changes sign across the tier boundary `at`, or reaches 0 there.

    Tier tables without a maintenance amount (OKX's, fallbacks) make maintenance
    jump at a boundary; the balance can sit above it on one side and below on
    the other, so the condition is first met at the boundary itself. `before` is
    the line just left, `after` the one just entered; a line that reaches 0 only
    at its open end (walking down, the boundary belongs to the tier below) also
    meets the condition there.
    """
    left = before[0] * at + before[1]
    right = after[0] * at + after[1]
    return left * right <= ZERO
