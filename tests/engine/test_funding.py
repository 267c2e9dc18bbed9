"""Funding moves an isolated position's liquidation price: the Bybit help-centre example,
the drift in 24 hours and 7 days at the current rate, and the funding-drift check."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from engine.alerts import Level, Thresholds
from engine.funding import (
    FundingRate,
    funding_danger,
    funding_drift,
    funding_payment,
    settlements,
)
from engine.margin import evaluate
from engine.models import Exchange, Portfolio
from engine.tiers import TierBook, load_tier_book
from tests.engine.builders import one_tier, portfolio, position

EIGHT_HOURS = timedelta(hours=8)


@pytest.fixture(scope="module")
def book() -> TierBook:
    return load_tier_book()


def bybit_example(funding_paid: str = "0", mm_at_entry: bool = True) -> Portfolio:
    """Bybit's help centre: 1 BTC long at 20,000, 50x isolated (margin 400), MMR 0.5%.
    The page takes MM at the entry value (0.5% x 20,000 = 100): a one-tier table with
    rate 0 and a maintenance amount of -100 holds MM at exactly that."""
    table = one_tier("0", "-100", by_qty=True) if mm_at_entry else one_tier("0.005")
    leg = position(
        "BTCUSDT", "long", "1", "20000", "50", tiers=table, funding_paid=funding_paid, id="1"
    )
    return portfolio("1000", leg, exchange=Exchange.BINANCE)


@pytest.mark.parametrize(
    ("paid", "liquidation"),
    [("0", Decimal("19700")), ("200", Decimal("19900"))],
    ids=["opened", "after-200-usdt-funding"],
)
def test_bybit_help_centre_200_usdt_of_funding_moves_the_liquidation_price(
    book: TierBook, paid: str, liquidation: Decimal
) -> None:
    # 20,000 - (IM 400 - funding paid - MM 100) / 1 BTC
    result = evaluate(bybit_example(paid), book).positions[0]
    assert result.liquidation_price == liquidation


def test_with_maintenance_at_the_mark_the_move_is_200_over_0_995(book: TierBook) -> None:
    # 400 - paid + (P - 20,000) = 0.005 P  ->  P = (19,600 + paid) / 0.995
    before = evaluate(bybit_example(mm_at_entry=False), book).positions[0]
    after = evaluate(bybit_example("200", mm_at_entry=False), book).positions[0]
    assert before.liquidation_price is not None and after.liquidation_price is not None
    assert round(before.liquidation_price, 2) == Decimal("19698.49")
    assert round(after.liquidation_price, 2) == Decimal("19899.50")


def test_the_funding_of_one_settlement_and_how_many_a_day_holds() -> None:
    leg = portfolio("10000", position("BTCUSDT", "short", "0.5", "62000", "10")).positions[0]
    # a short receives when the rate is positive: -1 x 0.5 x 60,000 x 0.0001 = -3
    assert funding_payment(leg, Decimal("60000"), Decimal("0.0001")) == Decimal("-3.0000")
    assert settlements(EIGHT_HOURS, timedelta(hours=24)) == 3
    assert settlements(timedelta(hours=1), timedelta(days=7)) == 168


def test_where_the_liquidation_price_drifts_in_a_day_and_a_week(book: TierBook) -> None:
    # the Bybit position with MM pinned at 100; 0.1% per 8 h on 20,000 = 20 a settlement:
    # a day 60 (liq 19,700 + 60), a week 21 x 20 = 420 > margin 400: gone by then
    drift = funding_drift(
        bybit_example(),
        "1",
        FundingRate(Decimal("0.001"), EIGHT_HOURS),
        book,
    )
    assert drift is not None
    assert drift.per_interval == Decimal("20.000")
    assert (drift.paid_day, drift.liquidation_day) == (Decimal("60.000"), Decimal("19760"))
    assert drift.paid_week == Decimal("420.000")
    assert drift.liquidated_within_week


def test_received_funding_moves_the_liquidation_price_away(book: TierBook) -> None:
    drift = funding_drift(
        bybit_example(),
        "1",
        FundingRate(Decimal("-0.0005"), timedelta(hours=4)),
        book,
    )
    # -1 x 20,000 x 0.0005 = -10 a settlement, 6 a day: 60 received, liq 19,640
    assert drift is not None and drift.liquidation_day == Decimal("19640")
    assert drift.liquidation_week == Decimal("19700") - 42 * 10


def test_a_cross_position_has_no_drift_of_its_own(book: TierBook) -> None:
    leg = position("BTCUSDT", "long", "0.1", "60000", "10", margin_mode="cross", id="1")
    rate = FundingRate(Decimal("0.001"), EIGHT_HOURS)
    assert funding_drift(portfolio("5000", leg), "1", rate, book) is None


def test_funding_alone_brings_a_position_to_danger_within_a_day(book: TierBook) -> None:
    # liq 19,700 at the unchanged mark 20,000: 1.5% away, between warning 2% and danger 1%
    thresholds = Thresholds(warn_distance=Decimal("0.02"), danger_distance=Decimal("0.01"))
    rate = FundingRate(Decimal("0.0025"), EIGHT_HOURS)  # 50 USDT a settlement
    found = funding_danger(bybit_example(), "1", rate, book, thresholds)
    # after 1: liq 19,750 (1.25%); after 2: 19,800 (1.0%): danger, 16 h from now
    assert found is not None
    assert (found.level, found.after, found.paid) == (
        Level.DANGER,
        timedelta(hours=16),
        Decimal("100.0000"),
    )
    assert found.liquidation_price == Decimal("19800")


def test_no_funding_warning_when_it_takes_longer_than_a_day_or_is_received(
    book: TierBook,
) -> None:
    thresholds = Thresholds(warn_distance=Decimal("0.02"), danger_distance=Decimal("0.01"))
    slow = FundingRate(Decimal("0.0001"), EIGHT_HOURS)  # 2 a settlement: 6 a day
    received = FundingRate(Decimal("-0.01"), EIGHT_HOURS)
    for rate in (slow, received):
        assert funding_danger(bybit_example(), "1", rate, book, thresholds) is None
