"""Each reported figure is the one exchange field it is named after.

Regression tests for the figures that meant something else: Bybit's bankruptcy
price and isolated initial margin, OKX's maintenance margin, and Bybit's
`isolated_margin` input read back from the output. The liquidation prices are
asserted beside them: the fixes do not move any.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.margin import PositionResult, evaluate
from engine.tiers import TierBook
from tests.engine.builders import one_tier, portfolio, position

CENT = Decimal("0.01")


def _one(book: TierBook, exchange: str, wallet: str = "100000", **fields: str) -> PositionResult:
    pos = position(
        fields.pop("symbol", "BTCUSDT"),
        fields.pop("side", "long"),
        fields.pop("qty", "1"),
        fields.pop("entry", "60000"),
        fields.pop("leverage", "50"),
        tiers=fields.pop("tiers", one_tier("0.005")),
        **fields,
    )
    return evaluate(portfolio(wallet, pos, exchange=exchange), book).positions[0]


def _cents(value: Decimal | None) -> Decimal:
    assert value is not None
    return value.quantize(CENT)


@pytest.mark.parametrize(
    ("side", "extra", "bankruptcy", "liquidation"),
    [
        # 60,000 x (1 - 1/50) = 58,800 (was 58,767.66: 58,800 less the 32.34 fee to close).
        # LP: 1,232.34 + (P - 60,000) = 0.005 P + 32.34 -> P = 58,800 / 0.995 = 59,095.48
        ("long", "0", Decimal("58800.00"), Decimal("59095.48")),
        # 60,000 x (1 + 1/50) = 61,200. LP: 1,233.66 - (P - 60,000) = 0.005 P + 33.66
        # -> P = 61,200 / 1.005 = 60,895.52
        ("short", "0", Decimal("61200.00"), Decimal("60895.52")),
        # 58,800 - 1,000 / (1 - 0.00055) = 58,800 - 1,000.55 = 57,799.45;
        # LP = 57,799.45 / 0.995 = 58,089.90
        ("long", "1000", Decimal("57799.45"), Decimal("58089.90")),
    ],
    ids=["long", "short", "long-extra"],
)
def test_bybit_bankruptcy_price_keeps_the_fee_to_close(
    book: TierBook, side: str, extra: str, bankruptcy: Decimal, liquidation: Decimal
) -> None:
    # Bybit "What is Bankruptcy Price?": long = entry x (1 - 1/leverage); the fee to close
    # (1 x 58,800 x 0.055% = 32.34) is held in the margin to pay for the close, not lost.
    result = _one(book, "bybit", side=side, extra_margin=extra)
    assert _cents(result.bankruptcy_price) == bankruptcy
    assert _cents(result.liquidation_price) == liquidation


def test_bybit_isolated_initial_margin_stays_at_the_entry(book: TierBook) -> None:
    # Bybit "The New Margin Calculation" (from 2025-09-02), isolated: Position IM "No change"
    # = 1 x 60,000 / 10 + 1 x 60,000 x (1 - 1/10) x 0.055% = 6,000 + 29.70 = 6,029.70
    # (was 5,529.70, at the 55,000 mark). MM at the mark: 55,000 x 0.5% + 29.70 = 304.70.
    result = _one(book, "bybit", leverage="10", mark_price="55000")
    assert result.initial_margin == Decimal("6029.70")
    assert result.opening_margin == Decimal("6000")
    assert result.maintenance_margin == Decimal("304.70")
    assert result.fee_to_close == Decimal("29.70")
    assert _cents(result.liquidation_price) == Decimal("54271.36")


@pytest.mark.parametrize(
    ("exchange", "mode", "initial"),
    [
        ("bybit", "cross", Decimal("5529.70")),  # cross: 55,000 / 10 + 29.70
        ("binance", "isolated", Decimal("5500")),  # positionInitialMargin, at the mark
        ("okx", "isolated", Decimal("5500")),  # imr, at the mark
    ],
    ids=["bybit-cross", "binance", "okx"],
)
def test_initial_margin_at_the_mark_elsewhere(
    book: TierBook, exchange: str, mode: str, initial: Decimal
) -> None:
    result = _one(book, exchange, leverage="10", mark_price="55000", margin_mode=mode)
    assert result.initial_margin == initial


def test_okx_maintenance_margin_is_mmr_and_the_liquidation_fee_apart(book: TierBook) -> None:
    # OKX `mmr` = value x mmr = 3,005 x 0.4% = 12.02 (was 13.5225, the fee included);
    # liquidation fee = 3,005 x 0.05% = 1.5025. Balance = 3,000 / 100 - 5 = 25.
    # Margin ratio keeps the fee: (12.02 + 1.5025) / 25 = 0.5409; OKX mgnRatio = 25 / 13.5225.
    pf = portfolio(
        "10000",
        position(
            "ETHUSDT",
            "short",
            "1",
            "3000",
            "100",
            mark_price="3005",
            tiers=one_tier("0.004", by_qty=True),
        ),
        exchange="okx",
        taker_fee="0.0005",
    )
    evaluation = evaluate(pf, book)
    result = evaluation.positions[0]
    assert result.maintenance_margin == Decimal("12.02")
    assert result.liquidation_fee == Decimal("1.5025")
    assert result.margin_ratio == Decimal("0.5409")
    assert result.mgn_ratio == Decimal(25) / Decimal("13.5225")
    assert _cents(result.liquidation_price) == Decimal("3016.43")
    assert evaluation.account.maintenance_margin == Decimal("12.02")
    assert evaluation.account.liquidation_fee == Decimal("1.5025")
    # account: equity 10,000 - 5; the ratio keeps the fee
    assert evaluation.account.margin_ratio == Decimal("13.5225") / Decimal(9995)


@pytest.mark.parametrize("exchange", ["binance", "bybit"])
def test_only_okx_has_a_liquidation_fee_and_a_mgn_ratio(book: TierBook, exchange: str) -> None:
    result = _one(book, exchange, leverage="10")
    assert result.liquidation_fee is None and result.mgn_ratio is None


def test_only_bybit_holds_a_fee_to_close(book: TierBook) -> None:
    assert _one(book, "binance", leverage="10").fee_to_close is None
    assert _one(book, "okx", leverage="10").fee_to_close is None


def test_bybit_isolated_wallet_fed_back_as_isolated_margin_is_the_same_wallet(
    book: TierBook,
) -> None:
    # 1 BTC long @ 20,000 x50: wallet = 400 + 1 x 19,600 x 0.055% = 410.78.
    # LP: 410.78 + (P - 20,000) = 0.005 P + 10.78 -> P = 19,600 / 0.995 = 19,698.49.
    # Fed back as isolated_margin the LP was 19,687.66 (the 10.78 added a second time).
    first = _one(book, "bybit", entry="20000")
    assert first.isolated_wallet == Decimal("410.78")
    again = _one(book, "bybit", entry="20000", isolated_margin=str(first.isolated_wallet))
    assert again.isolated_wallet == first.isolated_wallet
    assert _cents(again.liquidation_price) == _cents(first.liquidation_price) == Decimal("19698.49")
