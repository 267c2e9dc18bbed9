"""The engine reproduces the exchanges' own worked examples.

Each case cites where the numbers were published. Where the exchange page
shows its example as an image or the stored copy was cut, the citation says
which public quotation of it the numbers come from.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.margin import evaluate
from engine.models import TierTable, build
from engine.tiers import TierBook
from tests.engine.builders import one_tier, portfolio, position

CENT = Decimal("0.01")


def test_binance_cross_one_way_two_positions(book: TierBook) -> None:
    # Binance FAQ "How to Calculate Liquidation Price of USDⓈ-M Contracts" (b3c689c1f50a44ca…),
    # cross-margin example, as quoted by freqtrade tests/exchange/test_binance.py
    # ::test_liquidation_price_binance ("From calc example").
    # WB = 1,535,443.01; BTC long 109.488 @ 32,481.98 (mark 31,967.27, MMR 2.5%, cum 16,300);
    # ETH long 3,683.979 @ 1,456.84 (mark 1,335.18, MMR 10%, cum 135,365).
    # ETH: TMM1 = 71,200.811444 (quoted rounded, 71,200.81144), UPNL1 = -56,354.57
    # -> LP 1,153.26; BTC: LP 26,316.89.
    pf = portfolio(
        "1535443.01",
        position(
            "BTCUSDT",
            "long",
            "109.488",
            "32481.98",
            "1",
            margin_mode="cross",
            mark_price="31967.27",
            tiers=one_tier("0.025", "16300"),
        ),
        position(
            "ETHUSDT",
            "long",
            "3683.979",
            "1456.84",
            "1",
            margin_mode="cross",
            mark_price="1335.18",
            tiers=one_tier("0.10", "135365"),
        ),
    )
    result = evaluate(pf, book)
    btc, eth = result.by_id("btcusdt"), result.by_id("ethusdt")
    assert btc.maintenance_margin == Decimal("71200.811444")
    assert eth.maintenance_margin == Decimal("356512.508122")
    assert btc.liquidation_price is not None and eth.liquidation_price is not None
    assert btc.liquidation_price.quantize(CENT) == Decimal("26316.89")
    assert eth.liquidation_price.quantize(CENT) == Decimal("1153.26")


# Binance FAQ, "Maintenance Amount" section: the old BTCUSDT brackets
# (<=50k 0.4% cum 0; 50k-250k 0.5% cum 50; 250k-1M 1% cum 1,300).
OLD_BTCUSDT_BRACKETS = {
    "tiers": [
        {
            "floor": "0",
            "cap": "50000",
            "mmr": "0.004",
            "maintenance_amount": "0",
            "max_leverage": "125",
        },
        {
            "floor": "50000",
            "cap": "250000",
            "mmr": "0.005",
            "maintenance_amount": "50",
            "max_leverage": "100",
        },
        {
            "floor": "250000",
            "cap": "1000000",
            "mmr": "0.01",
            "maintenance_amount": "1300",
            "max_leverage": "50",
        },
    ]
}


def test_binance_bracket_lookup_and_maintenance_amount(book: TierBook) -> None:
    # Binance FAQ, "Maintenance Amount" section, on OLD_BTCUSDT_BRACKETS:
    # "if the position size ... is 264,000 USDT, then the maintenance margin rate would be 1%";
    # "Level 3 = 250,000 x (1% - 0.5%) + 50 = 1,300". MM = 264,000 x 1% - 1,300 = 1,340
    # = 50,000 x 0.4% + 200,000 x 0.5% + 14,000 x 1% (the tiered sum).
    pf = portfolio(
        "100000", position("BTCUSDT", "long", "4.4", "60000", "10", tiers=OLD_BTCUSDT_BRACKETS)
    )
    assert evaluate(pf, book).positions[0].maintenance_margin == Decimal("1340")


def test_binance_liquidation_uses_the_bracket_at_the_liquidation_price(book: TierBook) -> None:
    # Binance FAQ: "If your position (calculated at the liquidation price) and the current
    # position (calculated at the opening price) are of different levels, ... substitute the
    # maintenance margin rate and amount of the level at the liquidation price."
    # Short 10 BTC @ 24,000 x5 in OLD_BTCUSDT_BRACKETS: notional 240,000 (bracket 2) at entry.
    # Isolated wallet 48,000. Bracket 2 line: (48,000 + 240,000 + 50) / (10 x 1.005) = 28,661.19
    # -> notional 286,612 is in bracket 3, so Binance solves again with bracket 3:
    # (48,000 + 240,000 + 1,300) / (10 x 1.01) = 28,643.56, which lies in bracket 3.
    table = build(TierTable, OLD_BTCUSDT_BRACKETS)
    pf = portfolio("100000", position("BTCUSDT", "short", "10", "24000", "5", tiers=table))
    liquidation = evaluate(pf, book).positions[0].liquidation_price
    assert liquidation is not None
    assert liquidation.quantize(CENT) == Decimal("28643.56")


def test_bybit_uta_isolated_long_with_extra_margin(book: TierBook) -> None:
    # Bybit help "Trading Rules: Liquidation Process (UTA)", isolated USDT perpetual example,
    # as quoted by public code citing the page: 1 BTC long @ 40,000, 50x, extra margin 3,000,
    # MMR 0.5%, taker fee 0.055%, deduction 0 -> LP 36,380.25; MM = 40,000 x 0.5% + 21.56
    # (fee to close = 1 x 39,200 bankruptcy x 0.055%) = 221.56.
    pf = portfolio(
        "10000",
        position(
            "BTCUSDT", "long", "1", "40000", "50", extra_margin="3000", tiers=one_tier("0.005")
        ),
        exchange="bybit",
    )
    result = evaluate(pf, book).positions[0]
    assert result.liquidation_price is not None
    assert result.liquidation_price.quantize(CENT) == Decimal("36380.25")
    assert result.maintenance_margin == Decimal("221.56")


def test_bybit_tiered_maintenance_margin_with_deduction(book: TierBook) -> None:
    # Bybit help "Maintenance Margin (USDT Contract)": XYZUSDT tiers 2% / 2.5% / 3% / 3.5% / 4%
    # every 1,000 USDT; 100 contracts long @ 35 USDT at 10x -> position value 3,500,
    # MM = 3,500 x 3.5% - 30 = 92.5 (the article states MM without the fee to close, so
    # the taker fee is set to zero here to compare like with like).
    rates = ["0.02", "0.025", "0.03", "0.035", "0.04"]
    deductions = ["0", "5", "15", "30", "50"]
    tiers = [
        {
            "floor": str(1000 * n),
            "cap": str(1000 * (n + 1)),
            "mmr": rate,
            "maintenance_amount": deduction,
            "max_leverage": "10",
        }
        for n, (rate, deduction) in enumerate(zip(rates, deductions, strict=True))
    ]
    pf = portfolio(
        "1000",
        position("XYZUSDT", "long", "100", "35", "10", tiers={"tiers": tiers}),
        exchange="bybit",
        taker_fee="0",
    )
    assert evaluate(pf, book).positions[0].maintenance_margin == Decimal("92.5")


@pytest.mark.parametrize(
    ("side", "expected"),
    [("long", Decimal("3977.90")), ("short", Decimal("4021.90"))],
    ids=["long", "short"],
)
def test_okx_isolated_liquidation_with_liquidation_fee(
    book: TierBook, side: str, expected: Decimal
) -> None:
    # OKX isolated USDT swap: liquidation when (margin + upl) / (value x (mmr + fee)) = 100%,
    # i.e. LP_long = (M - q E) / (q (mmr + fee - 1)), LP_short = (M + q E) / (q (mmr + fee + 1)).
    # Numbers from a public OKX risk-module unit test: entry 4,000, size 0.5, margin 20,
    # mmr 0.4%, fee 0.05% -> 3,977.90 long, 4,021.90 short.
    pf = portfolio(
        "1000",
        position(
            "ETHUSDT",
            side,
            "0.5",
            "4000",
            "100",
            isolated_margin="20",
            tiers=one_tier("0.004", by_qty=True),
        ),
        exchange="okx",
        taker_fee="0.0005",
    )
    liquidation = evaluate(pf, book).positions[0].liquidation_price
    assert liquidation is not None
    assert liquidation.quantize(CENT) == expected
