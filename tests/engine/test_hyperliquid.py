"""The Hyperliquid profile: 1 / (2 x maxLeverage) maintenance, margin tables, coin names,
and liquidation prices Hyperliquid itself reported.

The 32 rows are real positions whose liquidation prices Hyperliquid's API returned, as
freqtrade records them (freqtrade/freqtrade tests/exchange/test_hyperliquid.py,
test_hyperliquid_dry_run_liquidation_price, at commit 3b1fb5af): symbol, side, size,
entry, the position's collateral, leverage and the exchange's liquidation price;
freqtrade's market fixture gives BTC and ETH 50x, SOL and DOGE 20x, the HIP-3 XYZ
markets 10x. Each row is checked isolated (the collateral is the position's margin)
and cross (the collateral is the whole account), as freqtrade checks it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import TierDataError
from engine.exchanges import CHOOSABLE, profile
from engine.exchanges.hyperliquid import NAMING, MarginTier, asset_table, margin_table
from engine.margin import evaluate
from engine.models import Exchange, Portfolio, build
from engine.tiers import TierBook

MAX_LEVERAGE = {"BTC": 50, "ETH": 50, "SOL": 20, "DOGE": 20}  # XYZ-*: 10
D = Decimal
M = D(1_000_000)

# (coin, side, size, entry, collateral, leverage, Hyperliquid's liquidation price)
FREQTRADE_ROWS = [
    ("ETH", "long", "0.015", "2458.5", "36.864593", 1, "0.86915825"),
    ("BTC", "long", "0.00039", "63287.0", "24.673292", 1, "22.37166537"),
    ("SOL", "long", "0.16", "146.82", "23.482979", 1, "0.05269872"),
    ("SOL", "long", "0.33", "145.83", "24.045107", 2, "74.83696193"),
    ("ETH", "long", "0.0199", "2459.5", "24.454895", 2, "1243.0411908"),
    ("BTC", "long", "0.00077", "62739.0", "24.137992", 2, "31708.03843631"),
    ("DOGE", "long", "437.0", "0.11586", "25.29769", 2, "0.05945697"),
    ("ETH", "short", "0.019", "2642.8", "25.091876", 2, "3924.18322043"),
    ("SOL", "short", "0.32", "155.89", "24.924941", 2, "228.07847866"),
    ("DOGE", "short", "351.0", "0.14333", "25.136807", 2, "0.20970228"),
    ("BTC", "short", "0.00069", "68595.0", "23.64871", 2, "101849.99354283"),
    ("BTC", "short", "0.00099", "65536.0", "21.604172", 3, "86493.46174617"),
    ("SOL", "long", "0.6", "173.06", "20.735658", 5, "142.05186667"),
    ("ETH", "long", "0.0329", "2545.5", "20.909894", 4, "1929.23322895"),
    ("BTC", "short", "0.00031", "67400.0", "20.887308", 1, "133443.97317151"),
    ("ETH", "short", "0.0327", "2552.0", "20.833393", 4, "3157.53150453"),
    ("BTC", "long", "0.0015", "66930.0", "20.043862", 5, "54108.51043771"),
    ("BTC", "long", "0.00121", "67033.0", "20.251817", 4, "50804.00091827"),
    ("ETH", "long", "0.0237", "2521.9", "19.902091", 3, "1699.14071943"),
    ("BTC", "short", "0.00145", "68139.0", "19.72573", 5, "80933.61590987"),
    ("SOL", "short", "0.11", "178.29", "19.605036", 1, "347.82205322"),
    ("SOL", "long", "0.33", "176.23", "19.364946", 3, "120.56240404"),
    ("SOL", "short", "0.33", "173.08", "19.01881", 3, "225.08561715"),
    ("BTC", "short", "0.00105", "68240.0", "17.887922", 4, "84431.79820839"),
    ("ETH", "short", "0.007", "2518.4", "17.62263", 1, "4986.05799151"),
    ("ETH", "long", "0.0347", "2533.2", "17.555195", 5, "2047.7642302"),
    ("DOGE", "long", "360.0", "0.13284", "15.943218", 3, "0.09082388"),
    ("SOL", "short", "0.48", "163.11", "15.650731", 5, "190.94213618"),
    ("BTC", "long", "0.00067", "67141.0", "14.979079", 3, "45236.52992613"),
    ("XYZ-AAPL", "long", "0.5", "250.0", "25.0", 5, "210.5263157894737"),
    ("XYZ-GOOGL", "short", "0.5", "190.0", "9.5", 10, "199.04761904761904"),
    ("XYZ-TSLA", "long", "1.0", "350.0", "50.0", 7, "315.7894736842105"),
]


def _one_position(row: tuple[str, str, str, str, str, int, str], mode: str) -> Portfolio:
    coin, side, size, entry, collateral, leverage, _ = row
    table = asset_table(D(MAX_LEVERAGE.get(coin, 10)), None, {})
    position = {
        "symbol": coin,
        "side": side,
        "qty": size,
        "entry_price": entry,
        "leverage": leverage,
        "margin_mode": mode,
        "tiers": table,
    }
    if mode == "isolated":
        position["isolated_margin"] = collateral  # the position's own margin, all of it
    # cross: the collateral is the whole account, as freqtrade's wallet_balance
    return build(
        Portfolio,
        {"exchange": "hyperliquid", "wallet_balance": collateral, "positions": [position]},
    )


@pytest.mark.parametrize("mode", ["isolated", "cross"])
@pytest.mark.parametrize("row", FREQTRADE_ROWS, ids=lambda r: f"{r[0]}-{r[1]}-{r[3]}-x{r[5]}")
def test_liquidation_price_matches_what_hyperliquid_reported(
    row: tuple[str, str, str, str, str, int, str], mode: str
) -> None:
    # e.g. ETH long 0.015 @ 2458.5, collateral 36.864593, 50x max: mmr = 1/100;
    # collateral + 0.015 (P - 2458.5) = 0.015 P / 100  ->  P = 0.86916
    result = evaluate(_one_position(row, mode), TierBook()).positions[0]

    assert result.liquidation_price is not None
    assert result.liquidation_price == pytest.approx(D(row[6]), rel=D("1e-4"))


def test_every_row_of_the_recorded_table_is_here() -> None:
    # freqtrade at commit 3b1fb5af: 29 main-dex rows and 3 HIP-3 rows
    assert len(FREQTRADE_ROWS) == 32


def test_maintenance_is_half_the_initial_margin_at_max_leverage() -> None:
    # 20x max: IM rate 5%, MM rate 2.5% ("at 20x max leverage, maintenance_margin_rate = 2.5%")
    table = asset_table(D(20), 20, {})

    assert [(t.mmr, t.maintenance_amount, t.max_leverage) for t in table.tiers] == [
        (D("0.025"), D(0), D(20))
    ]


def test_a_table_id_below_50_is_one_tier_at_that_leverage() -> None:
    table = asset_table(D(40), 3, {})  # "max leverage equal to the ID", below the asset's 40
    assert table.tiers[0].max_leverage == 3
    assert table.tiers[0].mmr == D(1) / D(6)


def test_btc_mainnet_tiers_deduct_so_maintenance_is_continuous() -> None:
    # BTC: 40x to 150M, then 20x. mmr 1.25% then 2.5%;
    # deduction(1) = 0 + 150M x (2.5% - 1.25%) = 1,875,000
    rows = (MarginTier(D(0), D(40)), MarginTier(150 * M, D(20)))
    table = asset_table(D(40), 56, {56: rows})

    first, second = table.tiers
    assert (first.mmr, first.maintenance_amount, first.cap) == (D("0.0125"), D(0), 150 * M)
    assert (second.mmr, second.maintenance_amount) == (D("0.025"), D(1_875_000))
    at_bound = 150 * M
    assert at_bound * first.mmr == at_bound * second.mmr - second.maintenance_amount


def test_testnet_btc_five_tiers_accumulate_their_deductions() -> None:
    # testnet BTC: 0-10k 40x, 10-50k 25x, 50-100k 10x, 100-300k 5x, >300k 3x
    # mmr 1/80, 1/50, 1/20, 1/10, 1/6; deduction(n) = deduction(n-1) + lower(n) x step
    bounds = [(0, 40), (10_000, 25), (50_000, 10), (100_000, 5), (300_000, 3)]
    table = margin_table([MarginTier(D(b), D(lev)) for b, lev in bounds])

    expected = [D(0), D(75), D(1575), D(6575), D(6575) + D(300_000) * (D(1) / D(6) - D("0.1"))]
    assert [t.maintenance_amount for t in table.tiers] == expected
    for lower, upper in zip(table.tiers, table.tiers[1:], strict=False):
        bound = upper.floor
        assert bound * lower.mmr - lower.maintenance_amount == pytest.approx(
            bound * upper.mmr - upper.maintenance_amount, abs=D("1e-20")
        )


def test_a_tier_never_allows_more_than_the_asset_itself() -> None:
    # an asset listed at 20x on a 40x table trades at 20x: the higher 2.5% rate
    rows = (MarginTier(D(0), D(40)), MarginTier(150 * M, D(20)))
    table = asset_table(D(20), 56, {56: rows})
    assert [t.mmr for t in table.tiers] == [D("0.025"), D("0.025")]


def test_an_unknown_table_id_is_refused() -> None:
    with pytest.raises(TierDataError) as caught:
        asset_table(D(40), 57, {})
    assert caught.value.params == {"reason": "no_table", "exchange": "hyperliquid", "table": 57}


def test_a_tiered_position_liquidates_on_its_tier_at_the_mark() -> None:
    # 200M of BTC long at 10x cross, wallet 25M, tier 2 at the mark: MM = 0.025 N - 1.875M
    # 25M + 2000 (P - 100,000) = 2000 P x 0.025 - 1.875M -> P = 173.125M / 1950 = 88,782.05
    rows = (MarginTier(D(0), D(40)), MarginTier(150 * M, D(20)))
    table = asset_table(D(40), 56, {56: rows})
    portfolio = build(
        Portfolio,
        {
            "exchange": "hyperliquid",
            "wallet_balance": 25 * M,
            "positions": [
                {
                    "symbol": "BTC",
                    "side": "long",
                    "qty": 2000,
                    "entry_price": 100_000,
                    "leverage": 10,
                    "margin_mode": "cross",
                    "tiers": table,
                }
            ],
        },
    )
    result = evaluate(portfolio, TierBook()).positions[0]
    assert result.liquidation_price == pytest.approx(D("173125000") / D(1950), rel=D("1e-9"))


@pytest.mark.parametrize(
    ("coin", "symbol"),
    [
        ("BTC", "BTCUSDT"),
        ("kPEPE", "1000PEPEUSDT"),
        ("kBONK", "1000BONKUSDT"),
        ("HYPE", "HYPEUSDT"),
    ],
)
def test_coins_are_read_into_the_shared_canonical_keys(coin: str, symbol: str) -> None:
    assert NAMING.canonical(coin) == symbol
    assert NAMING.native(symbol) == coin


@pytest.mark.parametrize("native", ["xyz:TSLA", "@107", "PURR/USDC", "", "BTC-PERP"])
def test_spot_pairs_and_builder_markets_are_not_main_perpetuals(native: str) -> None:
    assert NAMING.canonical(native) is None


def test_hyperliquid_settles_in_usdc_and_is_not_offered_by_exchange_yet() -> None:
    rules = profile(Exchange.HYPERLIQUID)
    assert rules.settlement == "USDC" and rules.tiers_with_marks
    assert Exchange.HYPERLIQUID not in CHOOSABLE
    assert set(CHOOSABLE) == set(Exchange) - {Exchange.HYPERLIQUID}


@given(
    st.lists(st.integers(1, 10**9), min_size=1, max_size=6, unique=True),
    st.lists(st.integers(1, 50), min_size=7, max_size=7),
)
def test_maintenance_is_continuous_across_any_table(
    bounds: list[int], leverages: list[int]
) -> None:
    # leverage never rises with size on a real table: sort it down
    steps = sorted(leverages, reverse=True)
    rows = [MarginTier(D(0), D(steps[0]))]
    rows += [MarginTier(D(b), D(steps[i + 1])) for i, b in enumerate(sorted(bounds))]
    table = margin_table(rows)

    for lower, upper in zip(table.tiers, table.tiers[1:], strict=False):
        bound = upper.floor
        left = bound * lower.mmr - lower.maintenance_amount
        assert left == pytest.approx(bound * upper.mmr - upper.maintenance_amount, rel=D("1e-20"))
        assert left >= 0
