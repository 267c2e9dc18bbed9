"""The margin engine's speed: isolated liquidation price, 10-position cross portfolio."""

from __future__ import annotations

from decimal import Decimal

from bench.portfolios import portfolio as build_portfolio
from bench.portfolios import position
from bench.timing import Figure, measure
from engine.legs import make_leg, prepare
from engine.liquidation import isolated_liquidation
from engine.margin import evaluate
from engine.models import Portfolio
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
        qty = (Decimal(5000) / entry).quantize(Decimal("0.001"))
        side = "long" if n % 2 else "short"
        mark = entry * Decimal("0.97")
        positions.append(
            position(str(n + 1), symbol, side, qty, entry, 10, mark_price=mark, margin_mode="cross")
        )
    return build_portfolio("20000", *positions)


def run(book: TierBook) -> list[Figure]:
    single = build_portfolio(
        "10000", position("1", "BTCUSDT", "long", "0.5", "62000", "10", mark_price="61000")
    )
    prepared = prepare(single, book)
    leg = prepared.legs[0]
    held = single.positions[0]
    cross = ten_position_cross(book)
    return [
        measure(
            "isolated liquidation price (leg + solve)",
            lambda: isolated_liquidation(make_leg(held, leg.table, prepared.rules, prepared.fee)),
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
