"""A liquidation price on a tier boundary where maintenance jumps over the balance.

Found by test_adding_isolated_margin_moves_the_liquidation_price_away on a table
without maintenance amounts (OKX's notional fallback had none then; it is
continuous now, but a table given as input may still jump): maintenance jumps
from 1% to 1.5% of the value at 5,000 USDT. A 3.217 ETH short isolated at 1,503 x20 (wallet
241.76 incl. the fee to close) still has balance 76.90 against maintenance
52.50 at the boundary price 5,000 / 3.217 = 1,554.24, and 76.90 against 77.50
just past it: it liquidates at the boundary. The solver used to answer None.
"""

from __future__ import annotations

from decimal import Decimal

from engine.margin import Status, evaluate
from engine.models import Portfolio
from engine.tiers import TierBook
from tests.engine.builders import portfolio, position

_RATES = [("0", "5000", "0.01"), ("5000", "50000", "0.015"), ("50000", "200000", "0.02")]
JUMPING = {
    "tiers": [
        {"floor": low, "cap": high, "mmr": rate, "maintenance_amount": "0", "max_leverage": "20"}
        for low, high, rate in _RATES
    ]
}


def _short(mark: str, extra: str = "0") -> Portfolio:
    return portfolio(
        "10000000",
        position(
            "ETHUSDT",
            "short",
            "3.217",
            "1503",
            "20",
            mark_price=mark,
            extra_margin=extra,
            tiers=JUMPING,
        ),
        exchange="okx",
    )


def test_the_boundary_is_the_liquidation_price(book: TierBook) -> None:
    boundary = Decimal(5000) / Decimal("3.217")
    result = evaluate(_short("1202.40"), book).positions[0]
    assert result.status is Status.OK
    assert result.liquidation_price == boundary
    # the engine agrees on either side of it
    below = evaluate(_short(str(boundary - Decimal("0.01"))), book).positions[0]
    above = evaluate(_short(str(boundary + Decimal("0.01"))), book).positions[0]
    assert below.status is Status.OK and above.status is Status.LIQUIDATED


def test_more_margin_moves_it_past_the_boundary(book: TierBook) -> None:
    before = evaluate(_short("1202.40"), book).positions[0].liquidation_price
    after = evaluate(_short("1202.40", extra="1"), book).positions[0].liquidation_price
    assert before is not None and after is not None and after > before
