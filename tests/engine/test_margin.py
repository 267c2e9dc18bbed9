"""Per-position and account figures, with the arithmetic written beside each check."""

from __future__ import annotations

from decimal import Decimal

from engine.margin import Status, evaluate
from engine.tiers import TierBook
from tests.engine.builders import one_tier, portfolio, position

CENT = Decimal("0.01")


def test_isolated_long_on_binance_btc(book: TierBook) -> None:
    # BTCUSDT tier 1 (<= 300,000): 0.4%, cum 0. 0.5 BTC @ 62,000 x10: notional 31,000,
    # wallet 3,100. LP: 3,100 + 0.5 (P - 62,000) = 0.002 P -> P = 27,900 / 0.498 = 56,024.10
    # Bankruptcy: 62,000 - 3,100 / 0.5 = 55,800.
    result = evaluate(portfolio("10000", position("BTCUSDT", "long", "0.5", "62000", "10")), book)
    btc = result.positions[0]
    assert btc.isolated_margin == Decimal("3100")
    assert btc.maintenance_margin == Decimal("124.000")
    assert btc.liquidation_price is not None and btc.bankruptcy_price is not None
    assert btc.liquidation_price.quantize(CENT) == Decimal("56024.10")
    assert btc.bankruptcy_price == Decimal("55800")
    assert btc.status is Status.OK
    assert btc.distance_to_liquidation is not None
    assert btc.distance_to_liquidation.quantize(Decimal("0.0001")) == Decimal("0.0964")


def test_mark_past_the_liquidation_price_is_reported_as_liquidated(book: TierBook) -> None:
    pf = portfolio("10000", position("BTCUSDT", "long", "0.5", "62000", "10", mark_price="56000"))
    btc = evaluate(pf, book).positions[0]
    assert btc.status is Status.LIQUIDATED
    assert btc.distance_to_liquidation is not None and btc.distance_to_liquidation < 0


def test_a_1x_isolated_long_cannot_be_liquidated(book: TierBook) -> None:
    # the whole notional is the margin: the balance reaches maintenance only at price 0
    btc = evaluate(portfolio("62000", position("BTCUSDT", "long", "1", "62000", "1")), book)
    assert btc.positions[0].status is Status.NO_LIQUIDATION
    assert btc.positions[0].liquidation_price is None


def test_a_cross_long_the_wallet_fully_covers_cannot_be_liquidated(book: TierBook) -> None:
    pf = portfolio("100000", position("BTCUSDT", "long", "1", "62000", "10", margin_mode="cross"))
    result = evaluate(pf, book).positions[0]
    assert result.status is Status.NO_LIQUIDATION and result.liquidation_price is None


def test_account_figures_with_an_isolated_and_a_cross_position(book: TierBook) -> None:
    # wallet 10,000; BTC isolated holds 3,100 -> cross wallet 6,900.
    # ETH short 3 @ 3,100 x20 cross at mark 3,000: uPnL +300, MM 3 x 3,000 x 0.5% = 45.
    # cross equity 7,200; cross ratio 45 / 7,200; available 7,200 - 9,000 / 20 = 6,750.
    # ETH LP: 6,900 + 3 (3,100 - P) = 0.015 P -> P = 16,200 / 3.015 = 5,373.13.
    pf = portfolio(
        "10000",
        position("BTCUSDT", "long", "0.5", "62000", "10"),
        position(
            "ETHUSDT",
            "short",
            "3",
            "3100",
            "20",
            margin_mode="cross",
            mark_price="3000",
            tiers=one_tier("0.005"),
        ),
    )
    result = evaluate(pf, book)
    account = result.account
    assert account.cross_wallet == Decimal("6900")
    assert account.cross_equity == Decimal("7200")
    assert account.equity == Decimal("10300")
    assert account.maintenance_margin == Decimal("169")
    assert account.cross_margin_ratio == Decimal("45") / Decimal("7200")
    assert account.available_balance == Decimal("6750")
    eth = result.by_id("ethusdt")
    assert eth.margin_ratio == account.cross_margin_ratio
    assert eth.liquidation_price is not None
    assert eth.liquidation_price.quantize(CENT) == Decimal("5373.13")


def test_a_cross_loss_elsewhere_moves_this_positions_liquidation_price(book: TierBook) -> None:
    # the same BTC long in cross, first alone, then beside an ETH long that is losing
    btc = position("BTCUSDT", "long", "0.5", "62000", "10", margin_mode="cross")
    eth = position("ETHUSDT", "long", "5", "3100", "10", margin_mode="cross", mark_price="2800")
    alone = evaluate(portfolio("5000", btc), book).positions[0].liquidation_price
    beside = evaluate(portfolio("5000", btc, eth), book).by_id("btcusdt").liquidation_price
    assert alone is not None and beside is not None
    # ETH's 1,500 loss and its maintenance leave BTC less room: its price sits higher
    assert beside > alone


def test_hedge_mode_cross_legs_share_one_liquidation_price(book: TierBook) -> None:
    # long 1 and short 1 BTC @ 60,000: PnL cancels, maintenance does not.
    # 1,000 = 2 x 0.004 x P -> P = 125,000 (both legs still in tier 1 at 125,000 notional)
    pf = portfolio(
        "1000",
        position("BTCUSDT", "long", "1", "60000", "10", id="l", margin_mode="cross"),
        position("BTCUSDT", "short", "1", "60000", "10", id="s", margin_mode="cross"),
        position_mode="hedge",
    )
    result = evaluate(pf, book)
    assert result.by_id("l").liquidation_price == Decimal("125000")
    assert result.by_id("s").liquidation_price == Decimal("125000")


def test_hedge_mode_isolated_legs_each_have_their_own_price(book: TierBook) -> None:
    pf = portfolio(
        "100000",
        position("BTCUSDT", "long", "1", "60000", "10", id="l"),
        position("BTCUSDT", "short", "1", "60000", "20", id="s"),
        position_mode="hedge",
    )
    result = evaluate(pf, book)
    long_price = result.by_id("l").liquidation_price
    short_price = result.by_id("s").liquidation_price
    assert long_price is not None and short_price is not None
    # long: 6,000 + (P - 60,000) = 0.004 P -> 54,000 / 0.996; short: 3,000 + 60,000 = 1.004 P
    assert long_price.quantize(CENT) == Decimal("54216.87")
    assert short_price.quantize(CENT) == Decimal("62749.00")


def test_custom_profile_uses_the_traders_rates(book: TierBook) -> None:
    # MM = notional x (1% + 0.05%) - 10; 2 XYZ @ 1,000 x10 long, wallet 200:
    # 200 + 2 (P - 1,000) = 2 P x 0.0105 - 10 -> P = 1,790 / 1.979 = 904.50
    pf = portfolio(
        "1000",
        position("XYZUSDT", "long", "2", "1000", "10"),
        exchange="custom",
        custom={"mmr": "0.01", "maintenance_amount": "10", "fee_rate": "0.0005"},
    )
    result = evaluate(pf, book).positions[0]
    assert result.liquidation_price is not None
    assert result.liquidation_price.quantize(CENT) == Decimal("904.50")
    assert result.maintenance_margin == Decimal("11")


def test_custom_maintenance_never_goes_below_zero(book: TierBook) -> None:
    # a 50 USDT position with a 10 USDT maintenance amount: MM is 0, not -9.475
    pf = portfolio(
        "1000",
        position("XYZUSDT", "long", "0.05", "1000", "10"),
        exchange="custom",
        custom={"mmr": "0.01", "maintenance_amount": "10", "fee_rate": "0.0005"},
    )
    assert evaluate(pf, book).positions[0].maintenance_margin == Decimal("0")


def test_unknown_symbols_are_computed_on_the_fallback_and_say_so(book: TierBook) -> None:
    pf = portfolio("1000", position("NEWCOINUSDT", "long", "100", "1", "50"))
    result = evaluate(pf, book).positions[0]
    assert result.fallback_tiers is True
    assert result.liquidation_price is not None


def test_closest_is_the_smallest_distance_to_liquidation(book: TierBook) -> None:
    pf = portfolio(
        "100000",
        position("BTCUSDT", "long", "0.5", "62000", "10"),  # about 9.6% away
        position("ETHUSDT", "long", "1", "3100", "50"),  # about 1.6% away
        position("SOLUSDT", "long", "1", "150", "1"),  # cannot be liquidated
    )
    closest = evaluate(pf, book).closest()
    assert closest is not None and closest.position.symbol == "ETHUSDT"


def test_hedge_legs_report_a_positive_distance_to_their_shared_price(book: TierBook) -> None:
    # long 1 and short 2 BTC in cross: the shared price is above the mark, which is
    # the long leg's "wrong" side, yet both legs are that same distance from liquidation
    pf = portfolio(
        "5000",
        position("BTCUSDT", "long", "1", "60000", "10", id="l", margin_mode="cross"),
        position("BTCUSDT", "short", "2", "60000", "10", id="s", margin_mode="cross"),
        position_mode="hedge",
    )
    result = evaluate(pf, book)
    long_leg, short_leg = result.by_id("l"), result.by_id("s")
    assert long_leg.liquidation_price == short_leg.liquidation_price
    assert long_leg.distance_to_liquidation == short_leg.distance_to_liquidation
    assert long_leg.distance_to_liquidation is not None and long_leg.distance_to_liquidation > 0
