"""Invalid portfolios are refused with a stable code and the field that is wrong."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.errors import EngineError, InvalidInput, LeverageTooHigh, PositionModeConflict
from engine.margin import evaluate
from engine.models import MarginMode, Portfolio, Position, build
from engine.numbers import round_toward_danger, to_decimal
from engine.symbols import canonical_symbol
from engine.tiers import TierBook
from tests.engine.builders import portfolio, position


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("qty", "0", "not_positive"),
        ("qty", "-1", "not_positive"),
        ("entry_price", "0", "not_positive"),
        ("leverage", "0.5", "below_one"),
        ("qty", "NaN", "not_finite"),
        ("qty", "inf", "not_finite"),
        ("qty", "1e400", "out_of_range"),
        ("entry_price", "sixty", "not_a_number"),
        ("mark_price", "-5", "not_positive"),
    ],
)
def test_invalid_position_values_name_the_field(field: str, value: str, reason: str) -> None:
    raw = position("BTCUSDT", "long", "1", "60000", "10")
    raw[field] = value
    with pytest.raises(InvalidInput) as caught:
        build(Position, raw)
    assert caught.value.params["field"] == field
    assert caught.value.params["reason"] == reason


def test_errors_inside_a_portfolio_carry_the_path_to_the_position() -> None:
    with pytest.raises(InvalidInput) as caught:
        portfolio("100", position("BTCUSDT", "long", "-1", "60000", "10"))
    assert caught.value.as_dict()["field"] == "positions.0.qty"


def test_leverage_above_the_tier_maximum_is_refused(book: TierBook) -> None:
    # Binance BTCUSDT (2026-09-29): 150x up to 300,000 USDT, 100x up to 800,000.
    # 10 BTC @ 60,000 = 600,000 notional -> at most 100x.
    pf = portfolio("100000", position("BTCUSDT", "long", "10", "60000", "125"))
    with pytest.raises(LeverageTooHigh) as caught:
        evaluate(pf, book)
    assert caught.value.params["max_leverage"] == Decimal("100")
    assert caught.value.params["notional"] == Decimal("600000")


def test_one_way_mode_refuses_a_long_and_a_short_of_one_symbol() -> None:
    with pytest.raises(PositionModeConflict) as caught:
        portfolio(
            "100",
            position("BTCUSDT", "long", "1", "60000", "10", id="a"),
            position("BTCUSDT", "short", "1", "60000", "10", id="b"),
        )
    assert caught.value.params["reason"] == "opposite_in_one_way"


def test_hedge_mode_allows_both_sides_but_one_margin_mode_per_symbol() -> None:
    both = [
        position("BTCUSDT", "long", "1", "60000", "10", id="a", margin_mode="cross"),
        position("BTCUSDT", "short", "1", "60000", "10", id="b", margin_mode="cross"),
    ]
    assert len(portfolio("100", *both, position_mode="hedge").positions) == 2
    both[1]["margin_mode"] = "isolated"
    with pytest.raises(PositionModeConflict) as caught:
        portfolio("100", *both, position_mode="hedge")
    assert caught.value.params["reason"] == "mixed_margin_modes"
    with pytest.raises(PositionModeConflict):
        portfolio("100", both[0], {**both[0], "id": "c"}, position_mode="hedge")


def test_a_switch_leads_to_the_other_margin_mode() -> None:
    assert MarginMode.ISOLATED.other is MarginMode.CROSS
    assert MarginMode.CROSS.other is MarginMode.ISOLATED


def test_custom_exchange_needs_its_rates() -> None:
    with pytest.raises(InvalidInput) as caught:
        build(Portfolio, {"exchange": "custom", "wallet_balance": "1"})
    assert caught.value.params["field"] == "custom"


def test_every_engine_error_is_a_value_error_with_a_json_form() -> None:
    error = LeverageTooHigh(field="leverage", max_leverage=Decimal(20))
    assert isinstance(error, EngineError) and isinstance(error, ValueError)
    assert error.as_dict() == {
        "code": "leverage_too_high",
        "field": "leverage",
        "max_leverage": "20",
    }


def test_floats_become_decimals_through_their_shortest_text() -> None:
    assert to_decimal(0.1, "x") == Decimal("0.1")
    assert to_decimal("-0", "x").is_signed() is False
    with pytest.raises(InvalidInput):
        to_decimal(True, "x")


def test_liquidation_prices_round_toward_danger() -> None:
    # a long dies when the price falls to it: show it higher, never lower
    assert round_toward_danger(Decimal("26316.8932"), 2, long=True) == Decimal("26316.90")
    assert round_toward_danger(Decimal("26316.8932"), 2, long=False) == Decimal("26316.89")


@pytest.mark.parametrize(
    "text", ["btc", "BTC", "BTCUSDT", "BTC/USDT", "btc-usdt-swap", "BTC/USDT:USDT", " btc_usdt "]
)
def test_symbol_spellings_share_one_canonical_form(text: str) -> None:
    assert canonical_symbol(text) == "BTCUSDT"


@pytest.mark.parametrize("text", ["", "BTC!", "💥", "A" * 40])
def test_unusable_symbols_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        canonical_symbol(text)
