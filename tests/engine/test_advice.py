"""The mode advice on a table of portfolios traders actually hold.

Each row: the portfolio, the trader's profile, the recommendation, each
position's mode, the reasons that must be there and those that must not.
Weights (engine/advice_rules.py): hedged 3 per leg; high leverage,
experimental and long-term 2; the rest 1; a group takes the sign of its sum.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from engine.advice import AdviceResult, Recommendation, advise
from engine.margin import evaluate
from engine.market import MarketData, Source, load_market_defaults
from engine.models import MarginMode
from engine.profile import RiskProfile
from engine.reasons import ReasonCode as R
from engine.reasons import Unit
from engine.scenarios import as_mode
from engine.tiers import TierBook
from tests.engine.builders import portfolio, position

ISO, CROSS = MarginMode.ISOLATED, MarginMode.CROSS


@dataclass(frozen=True)
class Case:
    wallet: str
    positions: tuple[dict[str, Any], ...]
    profile: dict[str, str] | None
    expected: Recommendation
    modes: dict[str, MarginMode]
    present: frozenset[R]
    absent: frozenset[R] = field(default_factory=frozenset)
    position_mode: str = "one_way"


def p(
    pid: str, symbol: str, side: str, qty: str, entry: str, lev: str, mode: str = "isolated"
) -> dict[str, Any]:
    return position(symbol, side, qty, entry, lev, id=pid, margin_mode=mode)


def profile(experience: str, style: str, loss: str | None = None) -> dict[str, str]:
    data = {"experience": experience, "style": style}
    return data | ({"max_trade_loss": loss} if loss else {})


CASES = [
    pytest.param(
        # 5x, margin 124 of 2,000 (6.2%): beginner +1, protects the wallet +1, limit 10% +1
        Case(
            "2000",
            (p("1", "BTCUSDT", "long", "0.01", "62000", "5"),),
            profile("beginner", "swing", "0.1"),
            Recommendation.ISOLATED,
            {"1": ISO},
            frozenset({R.BEGINNER, R.PROTECTS_WALLET, R.LOSS_LIMIT, R.WALLET_AT_RISK}),
            frozenset({R.MARGIN_ABOVE_LIMIT, R.HIGH_LEVERAGE, R.NO_PROFILE}),
        ),
        id="single-isolated-beginner-trade",
    ),
    pytest.param(
        # 100x: liquidation 0.6% away; cross would survive the week (survival -1) but
        # high leverage +2, scalping +1, protects +1, limit +1 outweigh it
        Case(
            "5000",
            (p("1", "BTCUSDT", "long", "0.1", "62000", "100"),),
            profile("experienced", "scalping", "0.05"),
            Recommendation.ISOLATED,
            {"1": ISO},
            frozenset({R.HIGH_LEVERAGE, R.SHORT_TERM, R.PROTECTS_WALLET, R.SURVIVAL}),
        ),
        id="100x-scalp",
    ),
    pytest.param(
        # BTC/ETH weekly returns correlate 0.77; 6,200 x 0.47 against 6,200 x 0.56 offsets 84%
        Case(
            "10000",
            (
                p("1", "BTCUSDT", "long", "0.1", "62000", "10"),
                p("2", "ETHUSDT", "short", "2", "3100", "10"),
            ),
            None,
            Recommendation.CROSS,
            {"1": CROSS, "2": CROSS},
            frozenset({R.HEDGED, R.NO_PROFILE}),
            frozenset({R.PROTECTS_WALLET, R.MANY_MARKETS}),
        ),
        id="btc-long-eth-short-hedge",
    ),
    pytest.param(
        # 2x trend: long-term -2 against a 25% limit +1; the margin (31%) is above the limit
        Case(
            "10000",
            (p("1", "BTCUSDT", "long", "0.1", "62000", "2"),),
            profile("experienced", "trend", "0.25"),
            Recommendation.CROSS,
            {"1": CROSS},
            frozenset({R.LONG_TERM, R.LOSS_LIMIT, R.MARGIN_ABOVE_LIMIT}),
        ),
        id="long-term-trend-low-leverage",
    ),
    pytest.param(
        # five small bets (2% each) in markets without shipped data (generic 150% volatility)
        Case(
            "10000",
            tuple(
                p(str(i), symbol, "long", qty, price, "5")
                for i, (symbol, qty, price) in enumerate(
                    [
                        ("WIFUSDT", "500", "2"),
                        ("SUIUSDT", "250", "4"),
                        ("ARBUSDT", "1000", "1"),
                        ("BONKUSDT", "50000000", "0.00002"),
                        ("PEPEUSDT", "100000000", "0.00001"),
                    ],
                    start=1,
                )
            ),
            None,
            Recommendation.ISOLATED,
            {str(i): ISO for i in range(1, 6)},
            frozenset({R.EXPERIMENTAL, R.PROTECTS_WALLET, R.MANY_MARKETS}),
            frozenset({R.HEDGED}),
        ),
        id="many-small-experimental-positions",
    ),
    pytest.param(
        Case(
            "10000",
            (
                p("1", "BTCUSDT", "long", "0.1", "62000", "10", "cross"),
                p("2", "BTCUSDT", "short", "0.1", "62000", "10", "cross"),
            ),
            None,
            Recommendation.CROSS,
            {"1": CROSS, "2": CROSS},
            frozenset({R.HEDGED}),
            position_mode="hedge",
        ),
        id="same-symbol-hedge-mode",
    ),
    pytest.param(
        # BTC 3x core (41% of the wallet): long-term -2, limit +1 -> cross;
        # WIF 10x satellite (1%): experimental +2, protects +1, limit +1 -> isolated
        Case(
            "10000",
            (
                p("1", "BTCUSDT", "long", "0.2", "62000", "3"),
                p("2", "WIFUSDT", "long", "500", "2", "10"),
            ),
            profile("intermediate", "trend", "0.1"),
            Recommendation.SPLIT,
            {"1": CROSS, "2": ISO},
            frozenset({R.LONG_TERM, R.EXPERIMENTAL, R.MARGIN_ABOVE_LIMIT}),
        ),
        id="trend-core-with-experimental-satellite",
    ),
    pytest.param(
        # the hedge stays cross together; SUI 50x (0.4% of the wallet, no shipped data,
        # so no correlation with anything) goes isolated
        Case(
            "10000",
            (
                p("1", "BTCUSDT", "long", "0.1", "62000", "10"),
                p("2", "ETHUSDT", "short", "2", "3100", "10"),
                p("3", "SUIUSDT", "long", "500", "4", "50"),
            ),
            None,
            Recommendation.SPLIT,
            {"1": CROSS, "2": CROSS, "3": ISO},
            frozenset({R.HEDGED, R.HIGH_LEVERAGE, R.EXPERIMENTAL}),
            frozenset({R.MANY_MARKETS}),
        ),
        id="hedge-plus-one-high-leverage-bet",
    ),
    pytest.param(
        # margin 1,550 of 3,000 (52%): isolation keeps little out of reach -> cross
        Case(
            "3000",
            (p("1", "ETHUSDT", "long", "1", "3100", "2"),),
            {"experience": "intermediate", "style": "swing"},
            Recommendation.CROSS,
            {"1": CROSS},
            frozenset({R.LITTLE_TO_PROTECT, R.NO_PROFILE}),
        ),
        id="margin-already-most-of-the-wallet",
    ),
    pytest.param(
        # SOL 15x: isolated liquidation 6% away, touched within a week more likely than not;
        # cross (4,000 behind it) much less: survival -1 against protects +1 -> balanced
        Case(
            "4000",
            (p("1", "SOLUSDT", "long", "100", "150", "15"),),
            None,
            Recommendation.ISOLATED,
            {"1": ISO},
            frozenset({R.SURVIVAL, R.PROTECTS_WALLET, R.BALANCED}),
        ),
        id="balanced-falls-to-the-smaller-maximum-loss",
    ),
    pytest.param(
        # a beginner's high-leverage line is 10x; margin 12.9% is above the 5% limit
        Case(
            "1000",
            (p("1", "ETHUSDT", "long", "0.5", "3100", "12"),),
            profile("beginner", "swing", "0.05"),
            Recommendation.ISOLATED,
            {"1": ISO},
            frozenset({R.HIGH_LEVERAGE, R.BEGINNER, R.MARGIN_ABOVE_LIMIT}),
        ),
        id="beginner-at-12x",
    ),
    pytest.param(
        # BTC/XRP correlate 0.46: opposite legs, but no hedge
        Case(
            "10000",
            (
                p("1", "BTCUSDT", "long", "0.1", "62000", "10"),
                p("2", "XRPUSDT", "short", "10000", "0.6", "10"),
            ),
            None,
            Recommendation.ISOLATED,
            {"1": ISO, "2": ISO},
            frozenset({R.PROTECTS_WALLET}),
            frozenset({R.HEDGED}),
        ),
        id="weakly-correlated-opposite-legs",
    ),
    pytest.param(
        # 1 BTC long against 1 ETH short: the short offsets 6% of the long's risk
        Case(
            "20000",
            (
                p("1", "BTCUSDT", "long", "1", "62000", "10"),
                p("2", "ETHUSDT", "short", "1", "3100", "10"),
            ),
            None,
            Recommendation.ISOLATED,
            {"1": ISO, "2": ISO},
            frozenset({R.BALANCED, R.PROTECTS_WALLET}),
            frozenset({R.HEDGED}),
        ),
        id="lopsided-hedge",
    ),
    pytest.param(
        # the style says hedging, but nothing offsets this position
        Case(
            "10000",
            (p("1", "BTCUSDT", "long", "0.1", "62000", "10"),),
            profile("experienced", "hedging", "0.25"),
            Recommendation.ISOLATED,
            {"1": ISO},
            frozenset({R.HEDGING_STYLE, R.PROTECTS_WALLET, R.LOSS_LIMIT}),
        ),
        id="hedging-style-with-nothing-to-hedge",
    ),
    pytest.param(
        Case(
            "10000",
            (
                p("1", "BTCUSDT", "long", "0.1", "62000", "5"),
                p("2", "ETHUSDT", "short", "2", "3100", "5"),
            ),
            profile("experienced", "arbitrage", "0.1"),
            Recommendation.CROSS,
            {"1": CROSS, "2": CROSS},
            frozenset({R.HEDGED, R.HEDGING_STYLE}),
            frozenset({R.LOSS_LIMIT}),
        ),
        id="arbitrage-legs",
    ),
    pytest.param(
        # beginner +1 per leg does not outweigh a hedge (-3 per leg)
        Case(
            "10000",
            (
                p("1", "ETHUSDT", "long", "2", "3100", "5"),
                p("2", "BTCUSDT", "short", "0.1", "62000", "5"),
            ),
            profile("beginner", "hedging", "0.02"),
            Recommendation.CROSS,
            {"1": CROSS, "2": CROSS},
            frozenset({R.HEDGED, R.BEGINNER}),
        ),
        id="beginner-with-a-hedge",
    ),
    pytest.param(
        Case(
            "10000",
            (p("1", "BTCUSDT", "long", "0.1", "62000", "25"),),
            profile("experienced", "trend", "0.25"),
            Recommendation.ISOLATED,
            {"1": ISO},
            frozenset({R.HIGH_LEVERAGE}),
            frozenset({R.LONG_TERM}),
        ),
        id="trend-style-at-high-leverage",
    ),
    pytest.param(
        Case(
            "10000",
            (
                p("1", "BTCUSDT", "long", "0.1", "62000", "10"),
                p("2", "XRPUSDT", "long", "2000", "0.6", "10"),
                p("3", "BNBUSDT", "long", "2", "600", "10"),
            ),
            None,
            Recommendation.ISOLATED,
            {"1": ISO, "2": ISO, "3": ISO},
            frozenset({R.MANY_MARKETS, R.NO_PROFILE}),
        ),
        id="three-unrelated-markets",
    ),
]


def _case(name: str) -> Case:
    """A row of the table by its id."""
    for param in CASES:
        if param.id == name:
            case = param.values[0]
            assert isinstance(case, Case)
            return case
    raise KeyError(name)


def _advise(case: Case, book: TierBook, market: MarketData | None = None) -> AdviceResult:
    pf = portfolio(case.wallet, *case.positions, position_mode=case.position_mode)
    return advise(pf, book, market or MarketData(), RiskProfile.from_json(case.profile))


@pytest.mark.parametrize("case", CASES)
def test_the_recommendation_and_its_reasons(case: Case, book: TierBook) -> None:
    result = _advise(case, book)
    codes = {reason.code for reason in result.reasons}
    assert result.recommendation is case.expected, result.key
    assert result.modes == case.modes
    assert case.present <= codes, sorted(case.present - codes)
    assert not case.absent & codes, sorted(case.absent & codes)
    for reason in result.reasons:
        assert reason.favours is not None or reason.weight == 0


def test_the_table_holds_at_least_fifteen_portfolios() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES)
def test_every_figure_comes_from_the_engine(case: Case, book: TierBook) -> None:
    pf = portfolio(case.wallet, *case.positions, position_mode=case.position_mode)
    result = _advise(case, book)
    isolated = evaluate(as_mode(pf, ISO), book)
    cross = evaluate(as_mode(pf, CROSS), book)
    for advice in result.positions:
        iso, crs = isolated.by_id(advice.position_id), cross.by_id(advice.position_id)
        assert advice.odds.isolated.liquidation_price == iso.liquidation_price
        assert advice.odds.cross.liquidation_price == crs.liquidation_price
        assert advice.isolated_max_loss == iso.isolated_margin
        assert advice.cross_max_loss == pf.wallet_balance
        for reason in advice.reasons:
            figures = reason.figures
            if "isolated_max_loss" in figures:
                assert figures["isolated_max_loss"].value == iso.isolated_margin
            if "isolated_liquidation" in figures:
                assert figures["isolated_liquidation"].value == iso.liquidation_price
                assert figures["cross_liquidation"].value == crs.liquidation_price


def test_a_hedge_names_its_correlation_and_offset(book: TierBook) -> None:
    # risk-weighted offset: (2 x 3,100 x vol ETH) / (0.1 x 62,000 x vol BTC) = vol ETH / vol BTC
    result = _advise(_case("btc-long-eth-short-hedge"), book)
    defaults = load_market_defaults()
    hedge = next(r for r in result.reasons if r.code is R.HEDGED)
    assert hedge.position_ids == ("1", "2")
    assert hedge.figures["correlation"].value == defaults.correlation("BTC", "ETH")
    assert hedge.figures["correlation"].unit is Unit.COEFFICIENT
    assert hedge.figures["source"].value == Source.DEFAULT.value
    assert hedge.figures["offset"].value == defaults.volatility["BTC"] / defaults.volatility["ETH"]
    assert "hedging" in result.faq_topics


def test_a_split_is_evaluated_as_the_exchange_would_hold_it(book: TierBook) -> None:
    case = _case("trend-core-with-experimental-satellite")
    result = _advise(case, book)
    pf = portfolio(case.wallet, *case.positions)
    split = pf.model_copy(
        update={
            "positions": tuple(
                q.model_copy(update={"margin_mode": case.modes[q.id]}) for q in pf.positions
            )
        }
    )
    expected = evaluate(split, book)
    for advice in result.positions:
        assert advice.recommended is not None
        assert advice.recommended.mode is case.modes[advice.position_id]
        assert (
            advice.recommended.liquidation_price
            == expected.by_id(advice.position_id).liquidation_price
        )
    layouts = [s.layout for s in result.summaries]
    assert layouts == [Recommendation.ISOLATED, Recommendation.CROSS, Recommendation.SPLIT]
    assert result.key == "split:1=cross,2=isolated"


def test_the_summaries_state_what_each_mode_puts_at_stake(book: TierBook) -> None:
    case = _case("hedge-plus-one-high-leverage-bet")  # three positions, wallet 10,000
    result = _advise(case, book)
    isolated = result.summary(Recommendation.ISOLATED)
    cross = result.summary(Recommendation.CROSS)
    assert isolated is not None and cross is not None
    # isolated: 620 + 620 + 40 of margin; one liquidation takes one position
    assert isolated.max_loss == Decimal("1280")
    assert isolated.liquidated_together == 1
    # cross: the whole wallet, and every position falls together
    assert cross.max_loss == Decimal("10000")
    assert cross.liquidated_together == 3


def test_recent_klines_replace_the_generic_volatility(book: TierBook) -> None:
    # WIF with hourly closes moving +-0.1%: annualised about 9%, far below "volatile"
    case = _case("trend-core-with-experimental-satellite")
    closes = [Decimal("2") * (Decimal("1.001") if i % 2 else Decimal(1)) for i in range(48)]
    market = MarketData(recent={"WIFUSDT": closes}, interval_seconds=3600)
    result = _advise(case, book, market)
    wif = next(a for a in result.positions if a.symbol == "WIFUSDT")
    assert wif.odds.volatility.source is Source.KLINES
    assert wif.odds.volatility.annual < Decimal("0.2")
    assert R.EXPERIMENTAL not in {r.code for r in wif.reasons}


def test_a_wallet_smaller_than_the_margin_never_argues_for_cross(book: TierBook) -> None:
    # margin 620 on a 100 USDT wallet: cross liquidates at 61,244.98, far closer than
    # isolated's 56,024.10, so "little to protect" must not fire
    pf = portfolio("100", position("BTCUSDT", "long", "0.1", "62000", "10", id="1"))
    result = advise(pf, book, MarketData())
    codes = {r.code for r in result.reasons}
    assert R.LITTLE_TO_PROTECT not in codes and R.WALLET_BELOW_MARGIN in codes
    assert result.recommendation is Recommendation.ISOLATED
    cross = result.positions[0].odds.cross
    isolated = result.positions[0].odds.isolated
    assert cross.distance is not None and isolated.distance is not None
    assert cross.distance < isolated.distance


def test_an_empty_portfolio_is_refused(book: TierBook) -> None:
    with pytest.raises(ValueError, match="positions"):
        advise(portfolio("1000"), book, MarketData())
