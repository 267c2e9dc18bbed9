"""What scheduled messages take from the advice: switch effects, changes, the closest call,
and the stored profile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from engine.advice import advise
from engine.errors import InvalidInput
from engine.margin import evaluate
from engine.market import MarketData
from engine.models import MarginMode
from engine.profile import Experience, RiskProfile, Style
from engine.review import (
    DistanceSample,
    alert_advice,
    closest_call,
    mode_advice_changed,
    switch_effect,
)
from engine.tiers import TierBook
from tests.engine.builders import portfolio, position


def test_switching_a_10x_isolated_long_to_cross_moves_liquidation_materially(
    book: TierBook,
) -> None:
    # isolated LP 56,024.10; in cross the 10,000 wallet backs it and LP falls far below
    pf = portfolio("10000", position("BTCUSDT", "long", "0.5", "62000", "10", id="1"))
    effect = switch_effect(pf, book, "1")
    switched = pf.positions[0].model_copy(update={"margin_mode": MarginMode.CROSS})
    crossed = evaluate(pf.model_copy(update={"positions": (switched,)}), book)
    assert effect.mode_now is MarginMode.ISOLATED and effect.mode_switched is MarginMode.CROSS
    assert effect.liquidation_now == evaluate(pf, book).positions[0].liquidation_price
    assert effect.liquidation_switched == crossed.positions[0].liquidation_price
    assert effect.material


def test_a_switch_that_barely_moves_the_price_is_not_material(book: TierBook) -> None:
    # the wallet holds only the isolated margin plus 10 USDT: cross adds 10 / 0.5 = 20 USDT
    # of room, 0.03% of the mark
    pf = portfolio("3110", position("BTCUSDT", "long", "0.5", "62000", "10", id="1"))
    effect = switch_effect(pf, book, "1")
    assert effect.liquidation_now is not None and effect.liquidation_switched is not None
    assert abs(effect.liquidation_now - effect.liquidation_switched) < 30
    assert not effect.material


def test_an_alert_carries_the_advice_only_when_switching_matters(book: TierBook) -> None:
    roomy = portfolio("10000", position("BTCUSDT", "long", "0.5", "62000", "10", id="1"))
    tight = portfolio("3110", position("BTCUSDT", "long", "0.5", "62000", "10", id="1"))
    attached = alert_advice(roomy, book, "1", MarketData())
    assert attached is not None
    assert attached.key == advise(roomy, book, MarketData()).key
    assert alert_advice(tight, book, "1", MarketData()) is None


def test_hedge_mode_legs_switch_together_and_unknown_ids_are_refused(book: TierBook) -> None:
    # BTC long 0.1 and short 0.05 @ 62,000 x10, hedge mode, both isolated, wallet 1,000,
    # MM 0.4% (tier 1). Isolated, the long: 620 + 0.1 (P - 62,000) = 0.0004 P, so
    # P = 5,580 / 0.0996; the short: 310 - 0.05 (P - 62,000) = 0.0002 P, so P = 3,410 / 0.0502.
    # Switched, both legs go cross together (hedge mode allows no mix on a symbol), one
    # account: 1,000 + 0.05 (P - 62,000) = 0.004 * 0.15 P, so P = 2,100 / 0.0494 = 42,510.12.
    # (The long alone in cross beside an isolated short would be 55,321.29.)
    pf = portfolio(
        "1000",
        position("BTCUSDT", "long", "0.1", "62000", "10", id="1", margin_mode="isolated"),
        position("BTCUSDT", "short", "0.05", "62000", "10", id="2", margin_mode="isolated"),
        position_mode="hedge",
    )
    together = Decimal(2100) / Decimal("0.0494")
    long_leg, short_leg = switch_effect(pf, book, "1"), switch_effect(pf, book, "2")
    assert (long_leg.mode_now, long_leg.mode_switched) == (MarginMode.ISOLATED, MarginMode.CROSS)
    assert long_leg.liquidation_now == Decimal(5580) / Decimal("0.0996")
    assert short_leg.liquidation_now == Decimal(3410) / Decimal("0.0502")
    assert long_leg.liquidation_switched == short_leg.liquidation_switched == together
    assert long_leg.material and short_leg.material
    with pytest.raises(InvalidInput):
        switch_effect(pf, book, "9")


def test_the_advice_changes_when_a_mode_or_the_layout_changes(book: TierBook) -> None:
    btc = position("BTCUSDT", "long", "0.1", "62000", "10", id="1")
    alone = advise(portfolio("10000", btc), book, MarketData())
    hedged = advise(
        portfolio("10000", btc, position("ETHUSDT", "short", "2", "3100", "10", id="2")),
        book,
        MarketData(),
    )
    assert alone.key == "isolated:1=isolated"
    assert hedged.key == "cross:1=cross,2=cross"
    assert mode_advice_changed(None, alone)
    assert not mode_advice_changed(alone.key, alone)
    assert mode_advice_changed(alone.key, hedged)


def test_the_closest_call_is_the_smallest_distance_and_the_first_of_equals() -> None:
    start = datetime(2026, 3, 2, tzinfo=UTC)
    samples = [
        DistanceSample(start + timedelta(hours=h), "1", "BTCUSDT", Decimal(d))
        for h, d in ((0, "0.12"), (5, "0.031"), (9, "0.08"), (30, "0.031"), (40, "0.2"))
    ]
    closest = closest_call(samples)
    assert closest is not None
    assert (closest.distance, closest.at) == (Decimal("0.031"), start + timedelta(hours=5))
    assert closest_call([]) is None


def test_a_stored_profile_round_trips_and_garbage_is_dropped() -> None:
    profile = RiskProfile(Experience.BEGINNER, Style.SWING, Decimal("0.02"))
    assert RiskProfile.from_json(profile.as_json()) == profile
    assert profile.complete and not profile.empty
    odd = RiskProfile.from_json(
        {"experience": "guru", "style": "swing", "max_trade_loss": "7", "extra": 1}
    )
    assert odd == RiskProfile(style=Style.SWING)
    assert RiskProfile.from_json(None).empty
    assert profile.with_answer("style", Style.TREND).style is Style.TREND
    with pytest.raises(InvalidInput):
        RiskProfile(max_trade_loss=Decimal("1.5"))
    with pytest.raises(InvalidInput):
        profile.with_answer("mood", Style.TREND)
