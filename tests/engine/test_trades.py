"""Averaging in and reducing a position, against the exchanges' worked examples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.errors import InvalidInput
from engine.models import Position, Side, build
from engine.trades import average_in, net_order, realized_pnl, reduce


def _position(side: str, qty: str, entry: str, **fields: str) -> Position:
    data = {"symbol": "BTCUSDT", "side": side, "qty": qty, "entry_price": entry, "leverage": "10"}
    return build(Position, {**data, **fields})


@pytest.mark.parametrize(
    ("qty", "entry", "added", "price", "average"),
    [
        # Bybit, "How to Calculate Average Entry Price", USDT perpetual:
        # (1 x 10,000 + 2 x 13,000) / (1 + 2) = 12,000
        ("1", "10000", "2", "13000", "12000"),
        # Bybit, "P&L calculations (USDT Contract)": (0.5 x 5,000 + 0.3 x 6,000) / 0.8 = 5,375
        ("0.5", "5000", "0.3", "6000", "5375"),
    ],
    ids=["bybit-average-entry", "bybit-pnl-article"],
)
def test_averaging_in_weights_the_entry_by_quantity(
    qty: str, entry: str, added: str, price: str, average: str
) -> None:
    grown = average_in(_position("long", qty, entry), Decimal(added), Decimal(price))

    assert grown.qty == Decimal(qty) + Decimal(added)
    assert grown.entry_price == Decimal(average)


def test_averaging_in_adds_the_new_parts_margin_to_a_set_isolated_wallet() -> None:
    held = _position("short", "1", "3000", isolated_margin="300")

    grown = average_in(held, Decimal("1"), Decimal("3200"))

    assert grown.entry_price == Decimal("3100")
    assert grown.isolated_margin == Decimal("620")  # 300 + 1 x 3,200 / 10


@pytest.mark.parametrize(
    ("side", "entry", "exit_price", "qty", "pnl"),
    [
        # Bybit's P&L examples: long 0.2 from 7,000 at 7,500 -> +100; short 0.4 from
        # 6,000 at 5,000 -> +400
        (Side.LONG, "7000", "7500", "0.2", "100"),
        (Side.SHORT, "6000", "5000", "0.4", "400"),
        (Side.LONG, "62000", "60000", "0.1", "-200"),
        (Side.SHORT, "62000", "63000", "0.5", "-500"),
    ],
)
def test_realized_pnl_is_the_move_times_the_size(
    side: Side, entry: str, exit_price: str, qty: str, pnl: str
) -> None:
    assert realized_pnl(side, Decimal(entry), Decimal(exit_price), Decimal(qty)) == Decimal(pnl)


def test_a_partial_close_keeps_the_entry_and_releases_margin_pro_rata() -> None:
    held = _position("long", "0.5", "60000", isolated_margin="3000", extra_margin="100")

    done = reduce(held, Decimal("0.1"), Decimal("62000"))

    assert done.realized_pnl == Decimal("200")  # (62,000 - 60,000) x 0.1
    assert done.remaining is not None
    assert (done.remaining.qty, done.remaining.entry_price) == (Decimal("0.4"), Decimal("60000"))
    assert done.remaining.isolated_margin == Decimal("2400")  # 3,000 x 0.4 / 0.5
    assert done.remaining.extra_margin == Decimal("80")


def test_a_full_close_leaves_nothing() -> None:
    done = reduce(_position("short", "2", "3000"), Decimal("2"), Decimal("2900"))

    assert (done.remaining, done.realized_pnl) == (None, Decimal("200"))


def test_closing_more_than_the_position_is_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        reduce(_position("long", "0.5", "60000"), Decimal("0.6"), Decimal("61000"))

    assert raised.value.params["reason"] == "exceeds_position"


def test_an_opposite_order_within_the_size_only_reduces() -> None:
    fill = net_order(_position("long", "0.5", "60000"), Decimal("0.2"), Decimal("61000"))

    assert fill.opened is None
    assert fill.position is not None and fill.position.qty == Decimal("0.3")
    assert fill.reduction.realized_pnl == Decimal("200")  # 1,000 x 0.2


def test_a_larger_opposite_order_closes_and_opens_the_rest_on_the_other_side() -> None:
    held = _position("long", "0.5", "60000", isolated_margin="3000")

    fill = net_order(held, Decimal("0.7"), Decimal("59000"))

    assert fill.reduction.remaining is None
    assert fill.reduction.realized_pnl == Decimal("-500")  # (59,000 - 60,000) x 0.5
    opened = fill.opened
    assert opened is not None
    assert (opened.side, opened.qty, opened.entry_price) == (
        Side.SHORT,
        Decimal("0.2"),
        Decimal("59000"),
    )
    assert opened.isolated_margin is None  # the new side's margin follows its leverage
