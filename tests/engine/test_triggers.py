"""Subjects, their risk, and the bands of marks inside which their alert state holds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.alerts import Level, Step, Thresholds, step
from engine.legs import prepare
from engine.margin import evaluate
from engine.models import Exchange, Portfolio
from engine.remedies import other_mode_liquidation, qty_to_close
from engine.tiers import TierBook
from engine.triggers import Band, Subject, assess, bands, closest, subjects_of
from tests.engine.builders import portfolio, position
from tests.engine.strategies import book as shipped_book
from tests.engine.strategies import decimals, portfolio_of, position_data

TH = Thresholds()


def at(pf: Portfolio, **marks: Decimal) -> Portfolio:
    positions = tuple(
        p.model_copy(update={"mark_price": marks.get(p.symbol, p.mark)}) for p in pf.positions
    )
    return pf.model_copy(update={"positions": positions})


def state_at(pf: Portfolio, book: TierBook, subject: Subject, state: Level | None) -> Step:
    return step(state, assess(evaluate(pf, book), subject), TH)


def test_subjects_are_isolated_positions_and_one_cross_account(book: TierBook) -> None:
    pf = portfolio(
        "10000",
        position("BTCUSDT", "long", "0.5", "62000", "10", id="1"),
        position("ETHUSDT", "short", "3", "3100", "20", id="2", margin_mode="cross"),
        position("SOLUSDT", "long", "10", "150", "5", id="3", margin_mode="cross"),
    )
    assert subjects_of(pf) == (
        Subject("BTCUSDT:long", ("1",), ("BTCUSDT",)),
        Subject("cross", ("2", "3"), ("ETHUSDT", "SOLUSDT")),
    )
    evaluation = evaluate(pf, book)
    cross = subjects_of(pf)[1]
    risk = assess(evaluation, cross)
    assert risk.margin_ratio == evaluation.account.cross_margin_ratio
    distances = [evaluation.by_id(i).distance_to_liquidation for i in ("2", "3")]
    assert risk.distance == min(abs(d) for d in distances if d is not None)
    assert closest(evaluation, cross).position.id in {"2", "3"}


def test_an_isolated_long_band_is_the_warning_price_from_its_liquidation_price(
    book: TierBook,
) -> None:
    # BTC long 0.5 @ 62,000 x5 isolated on Binance: wallet 6,200, MM = 0.002 P (tier 1, 0.4%).
    # Liquidation: 6,200 + 0.5 (P - 62,000) = 0.002 P -> P = 24,800 / 0.498 = 49,799.196...
    # Warning at 10% distance: P = L / 0.9 = 55,332.44...; ratio 70%: 0.002 P = 0.7 (0.5 P - 24,800)
    # -> P = 17,360 / 0.348 = 49,885.05..., reached later on the way down: distance first.
    pf = portfolio("10000", position("BTCUSDT", "long", "0.5", "62000", "5", id="1"))
    subject = subjects_of(pf)[0]
    (band,) = bands(prepare(pf, book), subject, None, TH)
    liquidation = Decimal(24800) / Decimal("0.498")
    assert band.high is None  # nothing to re-arm
    assert band.low is not None and abs(band.low - liquidation / Decimal("0.9")) < Decimal("1e-18")
    # in warning: look again at danger (5%: L / 0.95) or once clear of 15% (L / 0.85)
    (band,) = bands(prepare(pf, book), subject, Level.WARNING, TH)
    assert band.low is not None and abs(band.low - liquidation / Decimal("0.95")) < Decimal("1e-18")
    assert band.high is not None and abs(band.high - liquidation / Decimal("0.85")) < Decimal(
        "1e-18"
    )
    assert bands(prepare(pf, book), subject, Level.DANGER, TH, rearm=False)[0].high is None


def _inside(band: Band, mark: Decimal, fraction: Decimal) -> Decimal:
    low = band.low if band.low is not None else mark / 4
    high = band.high if band.high is not None else mark * 4
    return low + (high - low) * fraction


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    exchange=st.sampled_from([Exchange.BINANCE, Exchange.BYBIT, Exchange.OKX]),
    data=st.data(),
    mode=st.sampled_from(["isolated", "cross"]),
)
def test_inside_an_exact_band_nothing_changes_and_past_its_ends_something_does(
    exchange: Exchange, data: st.DataObject, mode: str
) -> None:
    book = shipped_book()
    spec: dict[str, Any] = data.draw(position_data(exchange, mode))
    wallet = spec["qty"] * spec["entry_price"] * data.draw(decimals(1, 3, 2))
    pf = portfolio_of(exchange, wallet, spec)
    subject = subjects_of(pf)[0]
    state = state_at(pf, book, subject, None).state
    (band,) = bands(prepare(pf, book), subject, state, TH)
    mark = pf.positions[0].mark
    for fraction in (Decimal("0.001"), Decimal("0.5"), Decimal("0.999")):
        inside = _inside(band, mark, fraction)
        if inside > 0:
            assert state_at(at(pf, **{subject.symbols[0]: inside}), book, subject, state) == Step(
                None, state
            )
    if band.low is not None and band.low > 0:
        past = at(pf, **{subject.symbols[0]: band.low * Decimal("0.999999")})
        assert state_at(past, book, subject, state) != Step(None, state)
    if band.high is not None:
        past = at(pf, **{subject.symbols[0]: band.high * Decimal("1.000001")})
        assert state_at(past, book, subject, state) != Step(None, state)


@settings(max_examples=40, deadline=None)
@given(
    moves=st.lists(decimals(-1000, 1000, 0), min_size=3, max_size=3),
    wallet=decimals(2500, 20000, 0),
)
def test_any_joint_move_inside_a_cross_band_keeps_the_accounts_state(
    moves: list[Decimal], wallet: Decimal
) -> None:
    book = shipped_book()
    pf = portfolio(
        str(wallet),
        position("BTCUSDT", "long", "0.5", "62000", "20", id="1", margin_mode="cross"),
        position("ETHUSDT", "short", "6", "3100", "20", id="2", margin_mode="cross"),
        position("SOLUSDT", "long", "40", "150", "10", id="3", margin_mode="cross"),
    )
    subject = subjects_of(pf)[0]
    state = state_at(pf, book, subject, None).state
    found = bands(prepare(pf, book), subject, state, TH)
    assert [b.symbol for b in found] == ["BTCUSDT", "ETHUSDT", "SOLUSDT"]
    marks = {}
    for band, move in zip(found, moves, strict=True):
        assert band.low is not None and band.high is not None
        middle = (band.low + band.high) / 2
        marks[band.symbol] = middle + (band.high - middle) * move / 1001
    assert state_at(at(pf, **marks), book, subject, state) == Step(None, state)


def test_a_cross_band_narrows_as_the_account_nears_a_threshold(book: TierBook) -> None:
    def width(wallet: str) -> Decimal:
        pf = portfolio(
            wallet,
            position("BTCUSDT", "long", "0.5", "62000", "20", id="1", margin_mode="cross"),
            position("ETHUSDT", "short", "6", "3100", "20", id="2", margin_mode="cross"),
        )
        band = bands(prepare(pf, book), subjects_of(pf)[0], None, TH)[0]
        assert band.low is not None and band.high is not None
        return (band.high - band.low) / 2 / Decimal(62000)

    assert width("4000") < width("8000") < width("40000")


def test_closing_part_of_a_cross_position_reaches_the_distance_asked(book: TierBook) -> None:
    pf = portfolio(
        "5000",
        position("BTCUSDT", "long", "1", "62000", "20", id="1", margin_mode="cross"),
        position("ETHUSDT", "long", "5", "3100", "20", id="2", margin_mode="cross"),
    )
    pf = at(pf, BTCUSDT=Decimal(60000))
    close = qty_to_close(pf, book, "1", Decimal("0.10"))
    assert close is not None and Decimal(0) < close < 1
    reduced = pf.positions[0].model_copy(update={"qty": 1 - close})
    realised = close * (Decimal(60000) - Decimal(62000))
    after = pf.model_copy(
        update={"positions": (reduced, pf.positions[1]), "wallet_balance": 5000 + realised}
    )
    distance = evaluate(after, book).by_id("1").distance_to_liquidation
    assert distance is not None and distance >= Decimal("0.10")
    assert qty_to_close(pf, book, "1", Decimal("0.0001")) == 0  # already far enough


def test_isolated_positions_get_no_close_fix_but_a_cross_price(book: TierBook) -> None:
    pf = portfolio("10000", position("BTCUSDT", "long", "0.5", "62000", "10", id="1"))
    assert qty_to_close(pf, book, "1", Decimal("0.1")) is None
    cross = other_mode_liquidation(pf, book, "1")
    # cross with the whole 10,000 behind it: 10,000 + 0.5 (P - 62,000) = 0.002 P -> 42,168.67
    assert cross is not None and abs(cross - Decimal(21000) / Decimal("0.498")) < Decimal("1e-9")


@settings(max_examples=30, deadline=None)
@given(moves=st.lists(decimals(-1000, 1000, 0), min_size=1, max_size=1))
def test_a_hedged_cross_symbol_is_banded_by_its_joint_move(moves: list[Decimal]) -> None:
    # hedge mode, both sides of BTC in cross: the risk is not monotone in the price,
    # so the band is the safe move around the mark, not a pair of exact prices
    book = shipped_book()
    pf = portfolio(
        "3000",
        position("BTCUSDT", "long", "1", "62000", "20", id="1", margin_mode="cross"),
        position("BTCUSDT", "short", "0.6", "61000", "20", id="2", margin_mode="cross"),
        position_mode="hedge",
    )
    pf = at(pf, BTCUSDT=Decimal(60500))
    subject = subjects_of(pf)[0]
    state = state_at(pf, book, subject, None).state
    (band,) = bands(prepare(pf, book), subject, state, TH)
    assert band.low is not None and band.high is not None
    assert band.low < Decimal(60500) < band.high
    middle = (band.low + band.high) / 2
    inside = middle + (band.high - middle) * moves[0] / 1001
    assert state_at(at(pf, BTCUSDT=inside), book, subject, state) == Step(None, state)
