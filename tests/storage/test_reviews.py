"""What the scheduled advice remembers: the advice key told per portfolio, and each
position's smallest distance per day, kept for eight days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from engine.review import DistanceSample
from storage import Database, PortfolioRepository, ReviewRepository

MONDAY = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)


def sample(at: datetime, distance: str, position: str = "1") -> DistanceSample:
    return DistanceSample(at, position, "BTCUSDT", Decimal(distance))


async def test_the_advice_key_is_remembered_per_portfolio(
    db: Database, portfolios: PortfolioRepository, alice: int
) -> None:
    reviews = ReviewRepository(db)
    (main,) = await portfolios.list(alice)
    assert await reviews.advice_key(main.id) is None
    await reviews.set_advice_key(main.id, "cross:1=cross")
    await reviews.set_advice_key(main.id, "isolated:1=isolated")
    assert await reviews.advice_key(main.id) == "isolated:1=isolated"


async def test_each_day_keeps_its_smallest_distance_and_old_days_are_pruned(
    db: Database, portfolios: PortfolioRepository, alice: int
) -> None:
    reviews = ReviewRepository(db)
    (main,) = await portfolios.list(alice)
    await reviews.record(main.id, [sample(MONDAY, "0.12"), sample(MONDAY, "0.30", "2")])
    await reviews.record(main.id, [sample(MONDAY + timedelta(hours=3), "0.0815")])
    await reviews.record(main.id, [sample(MONDAY + timedelta(hours=5), "0.09")])  # not closer

    found = await reviews.samples(main.id, MONDAY)
    assert [(s.position_id, s.distance) for s in found] == [
        ("2", Decimal("0.30")),
        ("1", Decimal("0.0815")),
    ]
    # nine days later the Monday samples are past the eight days kept
    later = MONDAY + timedelta(days=9)
    await reviews.record(main.id, [sample(later, "0.5")])
    assert [s.at for s in await reviews.samples(main.id, MONDAY)] == [later]
