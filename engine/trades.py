"""Trades on an existing position: averaging in, reducing with realized PnL, and an
opposite order that closes a position and opens the remainder on the other side.

The exchanges keep one entry price per position (one per side in hedge mode) and move it
as a quantity-weighted average when the position grows; reducing a position keeps the
entry and books the PnL of the part closed into the wallet:

* Bybit, "How to Calculate Average Entry Price" (Help Center, article 000001113, updated
  2024-11-27), USDT perpetual: average entry price = total contract value / total
  quantity, total contract value = q1 × p1 + q2 × p2 + …; worked example: 1 BTC at 10,000
  then 2 BTC at 13,000 average 12,000 USDT.
* Bybit, "P&L calculations (USDT Contract)" (help.bybit.com article 900000630066): the
  same average (0.5 at 5,000 then 0.3 at 6,000 -> 5,375), and closed P&L of a long
  = qty × (exit − entry), of a short = qty × (entry − exit).
* Binance USDⓈ-M futures compute the entry price the same way for linear contracts and
  keep it unchanged on a reduce-only close (its position's `entryPrice`).

Fees and funding are not counted: the wallet moves by the price PnL only.
Isolated margin follows the size: a position that grows by q at p adds q × p / leverage to
an explicitly set isolated wallet, and a reduction keeps the same fraction of the isolated
wallet and of the margin added by hand, as the exchanges release margin pro rata.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.errors import InvalidInput
from engine.models import Position, Side
from engine.numbers import ZERO

__all__ = ["Fill", "Reduction", "average_in", "net_order", "realized_pnl", "reduce"]


@dataclass(frozen=True, slots=True)
class Reduction:
    """A position after part (or all) of it was closed at `price`.

    `remaining` is None when the whole position was closed; `realized_pnl` goes to the
    wallet."""

    remaining: Position | None
    closed_qty: Decimal
    price: Decimal
    realized_pnl: Decimal


@dataclass(frozen=True, slots=True)
class Fill:
    """An order against a position: what was closed, and the position that results
    (None: flat). `opened` is the remainder opened on the other side, when the order was
    larger than the position."""

    reduction: Reduction
    opened: Position | None

    @property
    def position(self) -> Position | None:
        return self.opened if self.opened is not None else self.reduction.remaining


def _positive(value: Decimal, field: str) -> None:
    if not value.is_finite() or value <= ZERO:
        raise InvalidInput(field=field, reason="not_positive", value=value)


def average_in(position: Position, qty: Decimal, price: Decimal) -> Position:
    """The position after buying (long) or selling (short) `qty` more at `price`:
    entry = (q1 × p1 + q2 × p2) / (q1 + q2), as Binance and Bybit compute it."""
    _positive(qty, "qty")
    _positive(price, "entry_price")
    total = position.qty + qty
    entry = (position.qty * position.entry_price + qty * price) / total
    margin = position.isolated_margin
    if margin is not None:
        margin += qty * price / position.leverage
    return position.model_copy(
        update={"qty": total, "entry_price": entry, "isolated_margin": margin}
    )


def realized_pnl(side: Side, entry: Decimal, exit_price: Decimal, qty: Decimal) -> Decimal:
    """(exit − entry) × qty for a long, (entry − exit) × qty for a short."""
    move = exit_price - entry
    return (move if side is Side.LONG else -move) * qty


def reduce(position: Position, qty: Decimal, price: Decimal) -> Reduction:
    """Close `qty` of the position at `price` (at most its whole size); the entry stays."""
    _positive(qty, "qty")
    _positive(price, "exit_price")
    if qty > position.qty:
        raise InvalidInput(field="qty", reason="exceeds_position", value=qty)
    pnl = realized_pnl(position.side, position.entry_price, price, qty)
    if qty == position.qty:
        return Reduction(None, qty, price, pnl)
    kept = (position.qty - qty) / position.qty
    margin = position.isolated_margin
    update = {
        "qty": position.qty - qty,
        "isolated_margin": None if margin is None else margin * kept,
        "extra_margin": position.extra_margin * kept,
    }
    return Reduction(position.model_copy(update=update), qty, price, pnl)


def net_order(position: Position, qty: Decimal, price: Decimal) -> Fill:
    """An order of `qty` on the side opposite to `position`, as one-way mode nets it:
    it reduces the position, and past its size opens the rest on the other side at
    `price` with the position's leverage and margin mode (an explicit isolated wallet is
    not carried over: the new side's margin follows its leverage)."""
    _positive(qty, "qty")
    if qty <= position.qty:
        return Fill(reduce(position, qty, price), None)
    closed = reduce(position, position.qty, price)
    other = Side.SHORT if position.side is Side.LONG else Side.LONG
    opened = position.model_copy(
        update={
            "side": other,
            "qty": qty - position.qty,
            "entry_price": price,
            "isolated_margin": None,
            "extra_margin": ZERO,
        }
    )
    return Fill(closed, opened)
