"""A leg's maintenance margin as a function of its price, one line per tier.

In tier t, MM(P) = slope(t) * P + offset(t) for low(t) < P <= high(t).
Tier bounds are computed on demand from the table, so building a curve for a
position costs nothing in proportion to the table's length.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from engine.numbers import ZERO

__all__ = ["Curve", "FlatCurve", "PriceTieredCurve", "TierRates"]


class Curve(Protocol):
    """What the solver needs from a leg's maintenance margin."""

    def index_at(self, price: Decimal) -> int: ...
    def last(self) -> int: ...
    def slope(self, index: int) -> Decimal: ...
    def offset(self, index: int) -> Decimal: ...
    def low(self, index: int) -> Decimal: ...
    def high(self, index: int) -> Decimal | None: ...


@dataclass(frozen=True, slots=True)
class TierRates:
    """A notional-bounded table flattened for the hot path (rate may include a fee)."""

    floors: tuple[Decimal, ...]
    caps: tuple[Decimal, ...]
    rates: tuple[Decimal, ...]
    amounts: tuple[Decimal, ...]


@dataclass(frozen=True, slots=True)
class PriceTieredCurve:
    """MM(P) = qty * P * rate_t - amount_t + extra, the tier t chosen by the notional qty * P."""

    qty: Decimal
    table: TierRates
    extra: Decimal = ZERO

    def index_at(self, price: Decimal) -> int:
        caps = self.table.caps
        index = bisect_left(caps, self.qty * price)
        return min(index, len(caps) - 1)

    def last(self) -> int:
        return len(self.table.caps) - 1

    def slope(self, index: int) -> Decimal:
        return self.qty * self.table.rates[index]

    def offset(self, index: int) -> Decimal:
        return self.extra - self.table.amounts[index]

    def low(self, index: int) -> Decimal:
        return ZERO if index == 0 else self.table.floors[index] / self.qty

    def high(self, index: int) -> Decimal | None:
        if index == len(self.table.caps) - 1:
            return None
        return self.table.caps[index] / self.qty


@dataclass(frozen=True, slots=True)
class FlatCurve:
    """MM(P) = slope * P + offset at every price: the tier does not move with the price."""

    slope_: Decimal
    offset_: Decimal

    def index_at(self, price: Decimal) -> int:
        return 0

    def last(self) -> int:
        return 0

    def slope(self, index: int) -> Decimal:
        return self.slope_

    def offset(self, index: int) -> Decimal:
        return self.offset_

    def low(self, index: int) -> Decimal:
        return ZERO

    def high(self, index: int) -> Decimal | None:
        return None


def value_at(curve: Curve, price: Decimal) -> Decimal:
    """The maintenance margin at `price`."""
    index = curve.index_at(price)
    return curve.slope(index) * price + curve.offset(index)
