"""The line a command's reply gives when a position opens already at an alert level.

A 20x BTC long 0.1 @ 62,000 isolated on Binance: wallet 310, MM 0.4% of notional,
310 + 0.1 (P - 62,000) = 0.0004 P -> P = 59,136.55, 4.62% from the mark at entry.
"""

from __future__ import annotations

from decimal import Decimal

from bot.i18n import Catalogs
from bot.views.alert_levels import opening_level, opening_level_note
from engine.alerts import Level, Thresholds
from engine.margin import evaluate
from engine.models import MarginMode, Portfolio, Position, Side
from engine.tiers import load_tier_book

BOOK = load_tier_book()
TWENTY_X = Portfolio(
    wallet_balance=Decimal(10000),
    positions=(
        Position(
            id="1",
            symbol="BTCUSDT",
            side=Side.LONG,
            qty=Decimal("0.1"),
            entry_price=Decimal(62000),
            leverage=Decimal(20),
            margin_mode=MarginMode.ISOLATED,
        ),
    ),
)


def test_with_fixed_distances_a_20x_opens_at_danger_and_the_reply_says_so() -> None:
    result = evaluate(TWENTY_X, BOOK).positions[0]
    fixed = Thresholds(warn_distance=Decimal("0.08"), danger_distance=Decimal("0.05"))
    assert opening_level(result, fixed, fixed_distance=True) is Level.DANGER
    tr = Catalogs().translator("en")
    assert opening_level_note(tr, result, fixed, fixed_distance=True) == (
        "This position opens 4.6% from liquidation: at danger level."
    )
    ru = Catalogs().translator("ru")
    assert opening_level_note(ru, result, fixed, fixed_distance=True) == (
        "Эта позиция открывается в 4,6% от ликвидации: уровень опасности."
    )


def test_with_the_cushion_defaults_a_position_opens_clear_of_its_levels() -> None:
    result = evaluate(TWENTY_X, BOOK).positions[0]
    tr = Catalogs().translator("en")
    assert opening_level_note(tr, result, Thresholds(), fixed_distance=False) is None
