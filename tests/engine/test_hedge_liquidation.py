"""A hedge-mode cross account that liquidates above the mark as well as below it.

From the issue "Hedge-mode cross misses a liquidation above the mark": Binance,
hedge mode, BTCUSDT long 10 and short 9.9, both @ 60,000, mark 60,000, x20,
cross; brackets 0.4% (cap 50k), 0.5% (cum 50, cap 600k), 0.65% (cum 950, cap 3M).
Each leg is its own position with its own bracket (Binance's hedge-mode formula):

    margin balance = W + 10 (P - 60,000) - 9.9 (P - 60,000) = W - 6,000 + 0.1 P
    maintenance    = MM(10 P) + MM(9.9 P),  MM(n) = n x mmr - cum of n's bracket

At the mark: 10 x 60,000 = 600,000 (0.5%, cum 50) -> 2,950; 594,000 -> 2,920; 5,870.

Above 60,606.06 (= 600,000 / 9.9) both legs pay 0.65%, cum 950 each:
    W - 6,000 + 0.1 P = 0.12935 P - 1,900  ->  P = (W - 4,100) / 0.02935
    W 5,950: P = 1,850 / 0.02935 = 63,032.367972...   (+5.05%)
    W 6,200: P = 2,100 / 0.02935 = 71,550.255536...   (+19.25%)
Below 5,000 (= 50,000 / 10) both legs pay 0.4%, no cum:
    W - 6,000 + 0.1 P = 0.0796 P  ->  P = (6,000 - W) / 0.0204
    W 5,950: P = 50 / 0.0204 = 2,450.980392...; W 6,200: negative, so no price below.
In between the balance stays above maintenance (between 5,000 and 60,606 the
two lines' roots, P = 0 and P = -100,000, lie outside their ranges). The solver
used to walk only the way its first line pointed: it reported 2,450.98 for
W 5,950 and "no liquidation" for W 6,200. Checked by an exact bisection in
Fraction over 10-USDT steps from 10 to 300,000 before being written here.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.margin import Status, evaluate
from engine.models import Portfolio
from engine.numbers import round_toward_danger
from engine.tiers import TierBook
from tests.engine.builders import portfolio, position

BRACKETS = {
    "tiers": [
        {"floor": "0", "cap": "50000", "mmr": "0.004", "max_leverage": "125"},
        {
            "floor": "50000",
            "cap": "600000",
            "mmr": "0.005",
            "maintenance_amount": "50",
            "max_leverage": "100",
        },
        {
            "floor": "600000",
            "cap": "3000000",
            "mmr": "0.0065",
            "maintenance_amount": "950",
            "max_leverage": "50",
        },
    ]
}
CENT = Decimal("0.01")


def hedged_btc(wallet: str) -> Portfolio:
    legs = (("long", "10"), ("short", "9.9"))
    return portfolio(
        wallet,
        *(
            position(
                "BTCUSDT",
                side,
                qty,
                "60000",
                "20",
                id=side,
                mark_price="60000",
                margin_mode="cross",
                tiers=BRACKETS,
            )
            for side, qty in legs
        ),
        position_mode="hedge",
    )


def _balance_minus_maintenance(wallet: Decimal, price: Decimal) -> Decimal:
    """The raw condition, from the brackets above (0 at a liquidation price)."""

    def mm(notional: Decimal) -> Decimal:
        if notional <= 50_000:
            return notional * Decimal("0.004")
        if notional <= 600_000:
            return notional * Decimal("0.005") - 50
        return notional * Decimal("0.0065") - 950

    balance = wallet + Decimal("0.1") * (price - 60_000)
    return balance - mm(10 * price) - mm(Decimal("9.9") * price)


@pytest.mark.parametrize("side", ["long", "short"])
def test_a_nearly_flat_hedge_liquidates_first_above_the_mark(book: TierBook, side: str) -> None:
    result = evaluate(hedged_btc("5950"), book)
    leg = result.by_id(side)
    assert leg.margin_ratio is not None
    assert leg.margin_ratio.quantize(Decimal("0.001")) == Decimal("0.987")  # 5,870 / 5,950
    assert leg.liquidation_above == Decimal(1850) / Decimal("0.02935")
    assert leg.liquidation_below == Decimal(50) / Decimal("0.0204")
    assert leg.liquidation_price == leg.liquidation_above  # 3,032 away, against 57,549
    assert leg.liquidation_above.quantize(CENT) == Decimal("63032.37")
    assert leg.liquidation_below.quantize(CENT) == Decimal("2450.98")
    assert leg.status is Status.OK
    assert leg.distance_to_liquidation is not None
    assert leg.distance_to_liquidation.quantize(Decimal("0.0001")) == Decimal("0.0505")
    for price in (leg.liquidation_above, leg.liquidation_below):
        assert abs(_balance_minus_maintenance(Decimal(5950), price)) < Decimal("1e-20")


@pytest.mark.parametrize("side", ["long", "short"])
def test_a_hedge_the_engine_called_safe_liquidates_above_the_mark(
    book: TierBook, side: str
) -> None:
    leg = evaluate(hedged_btc("6200"), book).by_id(side)
    assert leg.margin_ratio is not None
    assert leg.margin_ratio.quantize(Decimal("0.001")) == Decimal("0.947")  # 5,870 / 6,200
    assert leg.status is Status.OK  # not "no liquidation"
    assert leg.liquidation_below is None
    assert leg.liquidation_above == Decimal(2100) / Decimal("0.02935")
    assert leg.liquidation_price == leg.liquidation_above
    assert leg.liquidation_above.quantize(CENT) == Decimal("71550.26")
    assert abs(_balance_minus_maintenance(Decimal(6200), leg.liquidation_above)) < Decimal("1e-20")


def test_the_prices_shown_round_toward_the_mark(book: TierBook) -> None:
    # a price above the mark is reached by a rise: shown rounded down, never beyond the math;
    # one below it rounded up
    leg = evaluate(hedged_btc("5950"), book).by_id("long")
    assert leg.liquidation_above is not None and leg.liquidation_below is not None
    assert round_toward_danger(leg.liquidation_above, 2, long=False) == Decimal("63032.36")
    assert round_toward_danger(leg.liquidation_below, 2, long=True) == Decimal("2450.99")
