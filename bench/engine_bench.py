"""The margin engine's speed: isolated liquidation price, 10-position cross portfolio."""

from __future__ import annotations

from decimal import Decimal

from bench.timing import Figure, measure
from engine.legs import make_leg, prepare
from engine.liquidation import isolated_liquidation
from engine.margin import evaluate
from engine.models import Portfolio, build
from engine.tiers import TierBook

PRICES = {
    "BTCUSDT": "62000",
    "ETHUSDT": "3100",
    "SOLUSDT": "150",
    "XRPUSDT": "0.6",
    "DOGEUSDT": "0.15",
    "BNBUSDT": "600",
    "ADAUSDT": "0.4",
    "LINKUSDT": "14",
    "AVAXUSDT": "30",
    "LTCUSDT": "80",
}


def ten_position_cross(book: TierBook) -> Portfolio:
    """Ten majors, alternating long and short, 3% off entry, all cross."""
    positions = []
    for n, (symbol, price) in enumerate(PRICES.items()):
        entry = Decimal(price)
        positions.append(
            {
                "id": str(n + 1),
                "symbol": symbol,
                "side": "long" if n % 2 else "short",
                "qty": (Decimal(5000) / entry).quantize(Decimal("0.001")),
                "entry_price": entry,
                "mark_price": entry * Decimal("0.97"),
                "leverage": 10,
                "margin_mode": "cross",
            }
        )
    return build(Portfolio, {"wallet_balance": "20000", "positions": positions})


def run(book: TierBook) -> list[Figure]:
    single = build(
        Portfolio,
        {
            "wallet_balance": "10000",
            "positions": [
                {
                    "id": "1",
                    "symbol": "BTCUSDT",
                    "side": "long",
                    "qty": "0.5",
                    "entry_price": "62000",
                    "mark_price": "61000",
                    "leverage": "10",
                }
            ],
        },
    )
    prepared = prepare(single, book)
    leg = prepared.legs[0]
    position = single.positions[0]
    cross = ten_position_cross(book)
    return [
        measure(
            "isolated liquidation price (leg + solve)",
            lambda: isolated_liquidation(
                make_leg(position, leg.table, prepared.rules, prepared.fee)
            ),
            number=5000,
            target_us=20,
        ),
        measure(
            "isolated liquidation price (solve only)",
            lambda: isolated_liquidation(leg),
            number=5000,
        ),
        measure(
            "single isolated position, full evaluate()", lambda: evaluate(single, book), number=2000
        ),
        measure(
            "10-position cross portfolio, evaluate()",
            lambda: evaluate(cross, book),
            number=300,
            target_us=300,
        ),
    ]
