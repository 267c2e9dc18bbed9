"""Shocks in both modes, and the helpers a trader asks for."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.errors import InvalidInput, LeverageTooHigh
from engine.margin import evaluate
from engine.models import Exchange
from engine.scenarios import Shock, ShockKind, run_scenario, shocked_marks
from engine.sizing import margin_to_add, max_position_size, price_at_margin_ratio
from engine.tiers import TierBook
from tests.engine.builders import portfolio, position


def test_isolated_caps_the_loss_while_cross_survives_the_same_move(book: TierBook) -> None:
    # wallet 10,000; BTC long 0.5 @ 62,000 x10. Isolated: margin 3,100, LP 56,024.10.
    # BTC -15% -> 52,700: isolated is liquidated and loses its 3,100;
    # cross survives with uPnL -4,650 (equity 5,350 > MM 105.40) and loses 4,650.
    pf = portfolio("10000", position("BTCUSDT", "long", "0.5", "62000", "10"))
    result = run_scenario(pf, book, [Shock("BTCUSDT", ShockKind.PERCENT, Decimal(-15))])
    assert result.isolated.positions[0].liquidated
    assert result.isolated.loss == Decimal("3100")
    assert result.isolated.equity_after == Decimal("6900")
    assert not result.cross.positions[0].liquidated
    assert result.cross.loss == Decimal("4650")
    # the portfolio is isolated already: as it is, it fares exactly as "all isolated"
    assert result.as_is.positions == result.isolated.positions


def test_a_cross_liquidation_takes_every_cross_position_and_the_wallet(book: TierBook) -> None:
    # wallet 3,000 in cross: BTC long 0.5 @ 62,000 and ETH long 2 @ 3,100, all -20%:
    # uPnL -6,200 - 1,240 = -7,440 < -3,000: the account is gone, both positions with it.
    pf = portfolio(
        "3000",
        position("BTCUSDT", "long", "0.5", "62000", "20", margin_mode="cross"),
        position("ETHUSDT", "long", "2", "3100", "20", margin_mode="cross"),
    )
    result = run_scenario(pf, book, [Shock(None, ShockKind.PERCENT, Decimal(-20))])
    assert result.cross.cross_liquidated
    assert all(p.liquidated for p in result.cross.positions)
    assert result.cross.equity_after == Decimal("0")
    # isolated: each loses only its own margin (1,550 and 310)
    assert result.isolated.loss == Decimal("1860")


def test_symbol_shocks_override_the_all_symbols_shock(book: TierBook) -> None:
    pf = portfolio(
        "10000",
        position("BTCUSDT", "long", "0.1", "60000", "10"),
        position("ETHUSDT", "long", "1", "3000", "10"),
    )
    marks = shocked_marks(
        pf,
        [
            Shock(None, ShockKind.PERCENT, Decimal(-10)),
            Shock("ETHUSDT", ShockKind.DELTA, Decimal(-500)),
        ],
    )
    assert marks == {"BTCUSDT": Decimal("54000"), "ETHUSDT": Decimal("2500")}
    with pytest.raises(InvalidInput):
        shocked_marks(pf, [Shock(None, ShockKind.PERCENT, Decimal(-100))])


def test_margin_to_add_for_a_target_distance(book: TierBook) -> None:
    # target 20% below 62,000 = 49,600. Wallet needed: MM(49,600) - 0.5 (49,600 - 62,000)
    # = 99.2 + 6,200 = 6,299.2; it holds 3,100 -> add 3,199.2
    pf = portfolio("10000", position("BTCUSDT", "long", "0.5", "62000", "10", id="1"))
    assert margin_to_add(pf, book, "1", Decimal("0.2")) == Decimal("3199.2")
    assert margin_to_add(pf, book, "1", Decimal("0.01")) == Decimal("0")


def test_bybit_margin_to_add_accounts_for_the_fee_gross_up(book: TierBook) -> None:
    pf = portfolio(
        "10000", position("BTCUSDT", "long", "0.5", "62000", "10", id="1"), exchange="bybit"
    )
    added = margin_to_add(pf, book, "1", Decimal("0.2"))
    after = portfolio(
        "10000",
        position("BTCUSDT", "long", "0.5", "62000", "10", id="1", extra_margin=added),
        exchange="bybit",
    )
    liquidation = evaluate(after, book).positions[0].liquidation_price
    assert liquidation is not None
    assert abs(liquidation - Decimal("49600")) < Decimal("1e-9")


def test_cross_deposit_for_a_target_distance(book: TierBook) -> None:
    # cross long 0.5 @ 62,000 with wallet 3,000: to survive down to 49,600 the account needs
    # 6,299.2 of balance at 62,000 -> deposit 3,299.2
    pf = portfolio(
        "3000", position("BTCUSDT", "long", "0.5", "62000", "10", id="1", margin_mode="cross")
    )
    assert margin_to_add(pf, book, "1", Decimal("0.2")) == Decimal("3299.2")


def test_largest_position_a_balance_allows(book: TierBook) -> None:
    btc = book.table(Exchange.BINANCE, "BTCUSDT")
    # 1,000 x 20 = 20,000 notional -> 0.3225... BTC at 62,000
    size = max_position_size(Decimal(1000), Decimal(20), Decimal(62000), btc)
    assert size.notional == Decimal("20000") and not size.limited_by_tier
    # 150x is allowed only up to 300,000 of notional, whatever the balance
    capped = max_position_size(Decimal(10000), Decimal(150), Decimal(62000), btc)
    assert capped.notional == Decimal("300000") and capped.limited_by_tier
    with pytest.raises(LeverageTooHigh):
        max_position_size(Decimal(1000), Decimal(151), Decimal(62000), btc)


def test_price_at_which_the_margin_ratio_reaches_a_level(book: TierBook) -> None:
    # MM / (3,100 + 0.5 (P - 62,000)) = 0.5 with MM = 0.002 P -> 0.248 P = 13,950 -> 56,250
    pf = portfolio("10000", position("BTCUSDT", "long", "0.5", "62000", "10", id="1"))
    assert price_at_margin_ratio(pf, book, "1", Decimal("0.5")) == Decimal("56250")
    liquidation = price_at_margin_ratio(pf, book, "1", Decimal(1))
    assert liquidation is not None and liquidation < Decimal("56250")
