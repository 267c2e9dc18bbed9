"""Liquidation odds: the Decimal normal distribution, the barrier formula, volatility inputs.

Exact values are checked against independent float computations (math.erfc,
statistics.NormalDist), and against the textbook quantile 1.959964 (2.5%).
"""

from __future__ import annotations

import math
import statistics
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import InvalidInput
from engine.margin import Status, evaluate
from engine.market import (
    GENERIC_VOLATILITY,
    MarketData,
    Source,
    correlation,
    load_market_defaults,
    log_returns,
    realised_volatility,
)
from engine.models import MarginMode
from engine.normal import erfc, normal_cdf
from engine.odds import DAY, WEEK, position_odds, touch_probability
from engine.scenarios import as_mode
from engine.tiers import TierBook
from tests.engine.builders import portfolio, position

D = Decimal


@pytest.mark.parametrize("x", ["-4", "-1.5", "-0.3", "0", "0.01", "0.5", "1", "2.5", "2.999", "3"])
def test_erfc_matches_the_standard_library_where_floats_are_exact_enough(x: str) -> None:
    assert float(erfc(D(x))) == pytest.approx(math.erfc(float(x)), rel=1e-14)


@pytest.mark.parametrize("x", ["3.001", "4", "6", "10", "20", "26"])
def test_erfc_far_in_the_tail_keeps_its_relative_precision(x: str) -> None:
    assert float(erfc(D(x))) == pytest.approx(math.erfc(float(x)), rel=1e-12)


def test_erfc_is_continuous_where_its_two_methods_meet() -> None:
    below, above = erfc(D("2.99999999")), erfc(D("3.00000001"))
    assert below > above
    assert below - above < D("1e-11")  # the slope there is about -1.4e-4


def test_the_normal_cdf_at_the_textbook_quantile() -> None:
    # N(-1.959963984540054) = 0.025 (the two-sided 95% quantile)
    assert abs(normal_cdf(D("-1.959963984540054")) - D("0.025")) < D("1e-15")
    assert normal_cdf(D(0)) == D("0.5")


def _float_touch(mark: float, barrier: float, sigma: float, days: float) -> float:
    z = abs(math.log(barrier / mark)) / (sigma * math.sqrt(days / 365))
    return 2 * (1 - statistics.NormalDist().cdf(z))


@pytest.mark.parametrize(
    ("mark", "barrier", "sigma", "days"),
    [
        ("62000", "56024.10", "0.47", "1"),  # BTC 10x long, a day
        ("62000", "56024.10", "0.47", "7"),
        ("3100", "3240.50", "0.56", "7"),  # ETH 20x short, a week
        ("150", "141", "0.96", "1"),
        ("0.1", "0.05", "1.5", "7"),
    ],
)
def test_touch_probability_matches_an_independent_computation(
    mark: str, barrier: str, sigma: str, days: str
) -> None:
    ours = touch_probability(D(mark), D(barrier), D(sigma), D(days))
    assert float(ours) == pytest.approx(
        _float_touch(float(mark), float(barrier), float(sigma), float(days)), rel=1e-9
    )


def test_a_barrier_at_the_95_percent_quantile_is_touched_five_percent_of_the_time() -> None:
    # |ln(L/S)| = 1.959964 * sigma * sqrt(t)  =>  P = 2 * N(-1.959964) = 0.05
    sigma, days = D("0.8"), D(7)
    log_distance = D("1.959963984540054") * sigma * (days / 365).sqrt()
    barrier = D(100) * (-log_distance).exp()
    assert abs(touch_probability(D(100), barrier, sigma, days) - D("0.05")) < D("1e-12")


def test_no_liquidation_price_is_zero_and_a_barrier_at_the_mark_is_one() -> None:
    assert touch_probability(D(100), None, D("0.5"), DAY) == 0
    assert touch_probability(D(100), D(100), D("0.5"), DAY) == 1
    assert touch_probability(D(100), D("1e-30"), D("0.5"), WEEK) < D("1e-100")


def test_inputs_that_mean_nothing_are_refused() -> None:
    for mark, sigma, days in (("0", "0.5", "1"), ("100", "0", "1"), ("100", "0.5", "0")):
        with pytest.raises(InvalidInput):
            touch_probability(D(mark), D(90), D(sigma), D(days))


distances = st.decimals(min_value=D("0.001"), max_value=D("0.9"), places=4)
sigmas = st.decimals(min_value=D("0.05"), max_value=D("3"), places=3)
horizons = st.decimals(min_value=D("0.01"), max_value=D(30), places=2)


@given(distances, distances, sigmas, horizons)
def test_a_farther_liquidation_is_never_likelier(
    a: Decimal, b: Decimal, s: Decimal, t: Decimal
) -> None:
    near, far = sorted((a, b))
    mark = D(100)
    p_near = touch_probability(mark, mark * (1 - near), s, t)
    p_far = touch_probability(mark, mark * (1 - far), s, t)
    assert 0 <= p_far <= p_near <= 1


@given(distances, sigmas, horizons, horizons)
def test_a_longer_horizon_is_never_less_likely(
    d: Decimal, s: Decimal, a: Decimal, b: Decimal
) -> None:
    short, long = sorted((a, b))
    mark = D(100)
    assert touch_probability(mark, mark * (1 - d), s, short) <= touch_probability(
        mark, mark * (1 - d), s, long
    )


@given(distances, sigmas, horizons)
def test_up_and_down_are_symmetric_in_log_price(d: Decimal, s: Decimal, t: Decimal) -> None:
    # driftless: a fall to S*k is as likely as a rise to S/k
    mark, k = D(100), 1 - d
    down = touch_probability(mark, mark * k, s, t)
    up = touch_probability(mark, mark / k, s, t)
    # equal up to the rounding of mark / k at 28 significant digits
    assert abs(down - up) < D("1e-20")


def test_odds_fall_towards_zero_far_away_and_rise_to_one_close_by() -> None:
    mark, sigma = D(100), D("0.5")
    far = [touch_probability(mark, mark / D(10) ** k, sigma, WEEK) for k in range(1, 5)]
    assert far == sorted(far, reverse=True) and far[-1] < D("1e-200")
    near = [touch_probability(mark, mark * (1 - D(10) ** -k), sigma, DAY) for k in range(2, 9)]
    assert near == sorted(near) and D("0.9999") < near[-1] < 1


def test_realised_volatility_of_a_series_with_known_returns() -> None:
    # returns alternate +a, -a: sample stdev = a * sqrt(n / (n - 1)); daily closes, 365 a year
    a, n = D("0.02"), 40
    closes = [D(100)]
    for i in range(n):
        closes.append(closes[-1] * (a if i % 2 == 0 else -a).exp())
    vol = realised_volatility(closes, 86400)
    expected = float(a) * math.sqrt(n / (n - 1)) * math.sqrt(365)
    assert float(vol) == pytest.approx(expected, rel=1e-20)
    returns = [float(r) for r in log_returns(closes)]
    assert float(vol) == pytest.approx(statistics.stdev(returns) * math.sqrt(365), rel=1e-12)


def test_too_few_closes_or_a_zero_close_are_refused() -> None:
    with pytest.raises(InvalidInput, match="too_few"):
        realised_volatility([D(1)] * 5, 3600)
    with pytest.raises(InvalidInput, match="not_positive"):
        log_returns([D(1), D(0), D(2)])


def test_correlation_of_moving_together_and_apart() -> None:
    up = [D(100) * D("1.01") ** (i * (1 if i % 3 else -1)) for i in range(30)]
    same = [c * 2 for c in up]
    inverse = [D(1) / c for c in up]
    assert correlation(up, same) == 1
    assert correlation(up, inverse) == -1


def test_the_shipped_defaults_are_what_the_shipped_closes_say() -> None:
    # recomputed here in float from the same file, independently of engine.market
    defaults = load_market_defaults()
    assert set(defaults.volatility) == {"BTC", "ETH", "SOL", "BNB", "XRP", "DOGE"}
    assert defaults.as_of == "2025-02-09" and "crypto-dataset" in defaults.source
    floats = {k: [float(c) for c in v] for k, v in defaults.closes.items()}
    returns = {k: [math.log(b / a) for a, b in pairwise(v)] for k, v in floats.items()}
    for asset, series in returns.items():
        assert len(series) == 104
        expected = statistics.stdev(series) * math.sqrt(365 / 7)
        assert float(defaults.volatility[asset]) == pytest.approx(expected, rel=1e-9)
    btc_eth = statistics.correlation(returns["BTC"], returns["ETH"])
    assert float(defaults.correlation("BTC", "ETH") or 0) == pytest.approx(btc_eth, rel=1e-9)
    assert 0.3 < float(defaults.volatility["BTC"]) < float(defaults.volatility["SOL"]) < 1.2


def test_market_data_says_where_each_estimate_comes_from() -> None:
    closes = [D(100) + (i % 2) for i in range(30)]
    market = MarketData(recent={"SOLUSDT": closes, "ETHUSDT": closes[:10]}, interval_seconds=60)
    assert market.volatility("SOLUSDT").source is Source.KLINES
    assert market.volatility("ETHUSDT").source is Source.DEFAULT  # 10 closes are too few
    unknown = market.volatility("NEWCOINUSDT")
    assert (unknown.source, unknown.annual) == (Source.GENERIC, GENERIC_VOLATILITY)
    assert market.correlation("BTCUSDT", "NEWCOINUSDT") is None
    itself = market.correlation("NEWCOINUSDT", "NEWCOINUSDT")
    assert itself is not None and itself.value == 1 and itself.source is Source.SAME_SYMBOL
    both = MarketData(recent={"AUSDT": closes, "BUSDT": list(reversed(closes))})
    pair = both.correlation("AUSDT", "BUSDT")
    assert pair is not None and pair.source is Source.KLINES


def test_position_odds_per_mode_follow_the_engine(book: TierBook) -> None:
    # wallet 10,000: BTC long 0.5 @ 62,000 x10. Isolated LP 56,024.10 (9.6% away);
    # cross: the whole wallet behind it, LP far lower; a stale mark past LP is certain.
    pf = portfolio("10000", position("BTCUSDT", "long", "0.5", "62000", "10"))
    iso = evaluate(as_mode(pf, MarginMode.ISOLATED), book)
    crs = evaluate(as_mode(pf, MarginMode.CROSS), book)
    (odds,) = position_odds(iso, crs, MarketData())
    sigma = odds.volatility.annual
    lp = iso.positions[0].liquidation_price
    assert lp is not None
    assert odds.isolated.week == touch_probability(D(62000), lp, sigma, WEEK)
    assert odds.cross.week < odds.isolated.week
    assert odds.isolated.day < odds.isolated.week
    crashed = portfolio(
        "10000", position("BTCUSDT", "long", "0.5", "62000", "10", mark_price="50000")
    )
    crashed_iso = evaluate(crashed, book)
    (gone,) = position_odds(crashed_iso, crashed_iso, MarketData())
    assert gone.isolated.status is Status.LIQUIDATED and gone.isolated.day == 1
