"""A Hyperliquid account as the engine's portfolio, and the engine's liquidation price beside
the one the exchange reported for the same snapshot."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.feeds.hyperliquid import (
    SnapshotError,
    evaluate_account,
    parse_account,
    parse_markets,
    watched_account,
)
from engine.models import Exchange, MarginMode, PositionMode, Side
from tests.fakes.hyperliquid_shapes import (
    ISOLATED_ROW,
    MARKETS,
    MIXED_ACCOUNT,
    MIXED_USER,
    SDK_ACCOUNT,
    SDK_MARKETS,
    SDK_USER,
    account_with,
)

D = Decimal
_MARKETS = parse_markets(MARKETS)


def test_the_mixed_account_becomes_a_one_way_portfolio_with_its_modes_and_margins() -> None:
    watched = watched_account(parse_account(MIXED_USER, MIXED_ACCOUNT), _MARKETS)

    portfolio = watched.portfolio
    assert (portfolio.exchange, portfolio.position_mode) == (
        Exchange.HYPERLIQUID,
        PositionMode.ONE_WAY,
    )
    # wallet = account value - unrealized PnL: 10,004.967826 - (-0.0134)
    assert portfolio.wallet_balance == D("10004.981226")
    eth, btc, sol = portfolio.positions
    assert (sol.side, sol.qty, sol.margin_mode) == (Side.LONG, D("10.0"), MarginMode.CROSS)
    assert (eth.symbol, eth.side, eth.qty, eth.margin_mode) == (
        "ETHUSDT",
        Side.LONG,
        D("0.0335"),
        MarginMode.ISOLATED,
    )
    assert eth.isolated_margin == D("4.981226")  # marginUsed 4.967826 - PnL -0.0134
    assert eth.mark_price == D("100.02765") / D("0.0335")  # positionValue / |szi|
    assert (btc.side, btc.qty, btc.margin_mode, btc.leverage) == (
        Side.SHORT,
        D("0.05"),
        MarginMode.CROSS,
        D(20),
    )
    assert (
        btc.tiers is _MARKETS.market("BTC").table.model_copy()
        or btc.tiers == _MARKETS.market("BTC").table
    )
    assert [w.coin for w in watched.positions] == ["ETH", "BTC", "SOL"]  # DOGE was closed
    assert watched.positions[2].funding_rate == D("-0.00001")
    assert watched.positions[0].funding_since_open == D("0.0")


def test_the_isolated_row_liquidates_where_hyperliquid_says() -> None:
    # 4.981226 + 0.0335 (P - 2986.3) = 0.0335 P / 100 -> P = 95.059824 / 0.033165 = 2866.2694
    watched = watched_account(parse_account(MIXED_USER, MIXED_ACCOUNT), _MARKETS)

    ours = evaluate_account(watched).positions[0].liquidation_price
    theirs = watched.positions[0].exchange_liquidation.price

    assert ours is not None and theirs == D("2866.26936529")
    assert ours == pytest.approx(theirs, rel=D("1e-8"))


def test_the_engines_equity_at_the_snapshot_is_the_cross_account_value() -> None:
    watched = watched_account(parse_account(MIXED_USER, MIXED_ACCOUNT), _MARKETS)

    account = evaluate_account(watched).account

    assert account.cross_equity == D("10000.0")  # crossMarginSummary.accountValue


SDK_EXPECTED_NONE = {"ETH", "MATIC", "SOL", "AVAX", "BNB", "LTC", "ARB"}


def test_the_sdk_recording_beside_the_engine() -> None:
    """Hyperliquid's 2023 figures against today's rules (1 / (2 x 50) = 1% at 50x, the cap
    then): the seven null prices are none for the engine too; for the five shorts the
    engine's price is at most 1% nearer the mark than the exchange's then, never further.
    The recording's prices imply 22.87 USDC of maintenance on 3,434.82 of notional; the
    1% rule holds 34.35, so today's reading is the more cautious one."""
    watched = watched_account(parse_account(SDK_USER, SDK_ACCOUNT), parse_markets(SDK_MARKETS))
    results = evaluate_account(watched).positions

    for held, result in zip(watched.positions, results, strict=True):
        theirs = held.exchange_liquidation
        if held.coin in SDK_EXPECTED_NONE:
            assert theirs.kind == "none" and result.liquidation_price is None, held.coin
            continue
        assert theirs.price is not None and result.liquidation_price is not None
        mark = result.mark_price
        assert mark < result.liquidation_price <= theirs.price, held.coin  # shorts: above the mark
        assert (theirs.price - result.liquidation_price) / theirs.price < D("0.01"), held.coin


def test_the_sdk_wallet_equals_the_account_value_less_its_pnl() -> None:
    watched = watched_account(parse_account(SDK_USER, SDK_ACCOUNT), _MARKETS)

    assert watched.account_value == D("1182.312496")
    assert evaluate_account(watched).account.equity == pytest.approx(
        D("1182.312496"), abs=D("1e-6")
    )


def test_a_coin_the_markets_do_not_list_refuses_the_account() -> None:
    row = {"position": {**ISOLATED_ROW["position"], "coin": "NEWCOIN"}}

    with pytest.raises(SnapshotError) as caught:
        watched_account(parse_account(MIXED_USER, account_with(row)), _MARKETS)
    assert (caught.value.reason, caught.value.params) == ("unknown_market", {"coin": "NEWCOIN"})


def test_a_coin_whose_mark_was_garbage_is_unknown_too() -> None:
    row = {"position": {**ISOLATED_ROW["position"], "coin": "BADMARK"}}

    with pytest.raises(SnapshotError, match="unknown_market"):
        watched_account(parse_account(MIXED_USER, account_with(row)), _MARKETS)


def test_a_position_valued_at_zero_is_refused_not_divided_by() -> None:
    row = {"position": {**ISOLATED_ROW["position"], "positionValue": "0.0"}}

    with pytest.raises(SnapshotError) as caught:
        watched_account(parse_account(MIXED_USER, account_with(row)), _MARKETS)
    assert caught.value.params == {"coin": "ETH", "detail": "invalid_input"}


def test_an_account_worth_less_than_its_losses_is_refused() -> None:
    cross = {"type": "cross", "value": 20}
    row = {"position": {**ISOLATED_ROW["position"], "leverage": cross, "unrealizedPnl": "50.0"}}

    with pytest.raises(SnapshotError, match="negative_balance"):
        watched_account(parse_account(MIXED_USER, account_with(row, value="10.0")), _MARKETS)
