"""The liquidation price a reply shows: toward the mark, and both sides when there are two.

The hedge of tests/engine/test_hedge_liquidation.py (Binance, long 10 and short
9.9 BTC @ 60,000, x20 cross): with a wallet of 5,950 it liquidates below
2,450.980... or above 63,032.367...; with 6,200 only above 71,550.255...
A price below the mark rounds up and one above it down, whichever leg shows it.
"""

from __future__ import annotations

import pytest

from bot.i18n import Catalogs
from bot.views.tables import liquidation_text
from engine.margin import evaluate
from engine.tiers import TierBook
from tests.engine.test_hedge_liquidation import hedged_btc


@pytest.mark.parametrize("side", ["long", "short"])
def test_a_hedge_that_liquidates_on_both_sides_shows_both_prices(book: TierBook, side: str) -> None:
    leg = evaluate(hedged_btc("5950"), book).by_id(side)
    tr = Catalogs().translator("en")
    assert liquidation_text(tr, leg) == "below 2,450.99 or above 63,032.36"


def test_both_prices_in_another_language(book: TierBook) -> None:
    leg = evaluate(hedged_btc("5950"), book).by_id("long")
    tr = Catalogs().translator("es")
    assert liquidation_text(tr, leg) == "por debajo de 2.450,99 o por encima de 63.032,36"


@pytest.mark.parametrize("side", ["long", "short"])
def test_a_price_above_the_mark_rounds_down_on_either_leg(book: TierBook, side: str) -> None:
    leg = evaluate(hedged_btc("6200"), book).by_id(side)
    assert liquidation_text(Catalogs().translator("en"), leg) == "71,550.25"
