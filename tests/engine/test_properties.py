"""Invariants of the margin math, checked on thousands of generated positions."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from engine.curves import value_at
from engine.legs import prepare
from engine.margin import PositionResult, Status, evaluate
from engine.models import Exchange
from engine.scenarios import Shock, ShockKind, run_scenario
from tests.engine.strategies import (
    book,
    decimals,
    exchanges,
    portfolio_of,
    position_data,
    two_symbols,
)

MANY = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TOLERANCE = Decimal("1e-9")
WALLET = Decimal(10**7)  # the wallet behind a position evaluated alone


def _close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b), Decimal(1))


def _alone(exchange: Exchange, raw: dict[str, Any], wallet: Decimal = WALLET) -> PositionResult:
    """The position `raw`, alone in a portfolio on `exchange`, as the engine evaluates it."""
    return evaluate(portfolio_of(exchange, wallet, raw), book()).positions[0]


def _nearer(side: str, a: Decimal, b: Decimal) -> bool:
    """Whether liquidation price `a` lies nearer the mark than `b`: above it for a long
    (liquidated below the mark), below it for a short."""
    return a > b if side == "long" else a < b


@MANY
@given(st.data())
def test_isolated_balance_equals_maintenance_at_the_liquidation_price(data: st.DataObject) -> None:
    exchange = data.draw(exchanges)
    pf = portfolio_of(exchange, WALLET, data.draw(position_data(exchange)))
    leg = prepare(pf, book()).legs[0]
    liquidation = evaluate(pf, book()).positions[0].liquidation_price
    if liquidation is None:
        return  # a 1x long on a fee-free exchange: nothing to check
    assert leg.isolated_wallet is not None
    balance = leg.isolated_wallet + leg.signed_qty * (liquidation - leg.position.entry_price)
    assert _close(balance, value_at(leg.curve, liquidation))


CROSS_CHECKS_PER_EXCHANGE = 100  # legs checked; 1,000 examples give 300-570 per exchange


def test_cross_account_balance_equals_maintenance_at_each_liquidation_price() -> None:
    checked: Counter[Exchange] = Counter()

    @MANY
    @given(st.data())
    def check(data: st.DataObject) -> None:
        exchange = data.draw(exchanges)
        symbols = data.draw(two_symbols(exchange))  # one-way mode: one position per symbol
        first = data.draw(position_data(exchange, "cross", symbols[0]))
        second = {**data.draw(position_data(exchange, "cross", symbols[1])), "id": "q"}
        # a wallet around the positions' initial margin: liquidation prices exist
        margin = sum(p["qty"] * p["entry_price"] / p["leverage"] for p in (first, second))
        wallet = max(Decimal(1), (margin * data.draw(decimals(0, 3, 2))).quantize(Decimal("0.01")))
        pf = portfolio_of(exchange, wallet, first, second)
        prepared = prepare(pf, book())
        result = evaluate(pf, book())
        for moved, held in ((0, 1), (1, 0)):
            liquidation = result.positions[moved].liquidation_price
            if liquidation is None:
                event("no liquidation price")
                continue
            leg, other = prepared.legs[moved], prepared.legs[held]
            balance = (
                wallet
                + other.unrealized_pnl
                + leg.signed_qty * (liquidation - leg.position.entry_price)
            )
            maintenance = other.maintenance + value_at(leg.curve, liquidation)
            assert _close(balance, maintenance)
            event(f"checked on {exchange.value}")
            checked[exchange] += 1

    check()
    # the property must have been tested, not skipped, on every exchange
    assert all(checked[ex] >= CROSS_CHECKS_PER_EXCHANGE for ex in Exchange), checked


@MANY
@given(st.data(), decimals(1, 100_000, 2))
def test_adding_isolated_margin_moves_the_liquidation_price_away(
    data: st.DataObject, added: Decimal
) -> None:
    exchange = data.draw(exchanges)
    raw = data.draw(position_data(exchange))
    before = _alone(exchange, raw)
    after = _alone(exchange, {**raw, "extra_margin": added})
    if before.liquidation_price is None:
        assert after.liquidation_price is None
        return
    if after.liquidation_price is None:
        return  # so much margin that nothing liquidates it
    assert _nearer(raw["side"], before.liquidation_price, after.liquidation_price)


@MANY
@given(st.data())
def test_higher_leverage_at_the_same_quantity_moves_liquidation_closer(
    data: st.DataObject,
) -> None:
    exchange = data.draw(exchanges)
    raw = data.draw(position_data(exchange))
    raw["leverage"] = max(raw["leverage"], 2)
    lower = {**raw, "leverage": raw["leverage"] - 1}
    high, low = _alone(exchange, raw), _alone(exchange, lower)
    assert high.liquidation_price is not None
    if low.liquidation_price is None:
        return
    assert _nearer(raw["side"], high.liquidation_price, low.liquidation_price)


@MANY
@given(st.data(), decimals(0, 1_000_000, 2))
def test_one_cross_position_with_a_larger_wallet_is_at_least_as_far_as_isolated(
    data: st.DataObject, surplus: Decimal
) -> None:
    exchange = data.draw(exchanges)
    raw = data.draw(position_data(exchange))
    isolated = _alone(exchange, raw)
    assert isolated.isolated_margin is not None
    wallet = isolated.isolated_margin + surplus
    cross = _alone(exchange, {**raw, "margin_mode": "cross"}, wallet)
    if cross.liquidation_price is None:
        return  # the wallet covers every price
    assert isolated.liquidation_price is not None
    assert not _nearer(raw["side"], cross.liquidation_price, isolated.liquidation_price)


@MANY
@given(st.data(), st.sampled_from(["isolated", "cross"]))
def test_a_shock_past_the_liquidation_price_liquidates_and_one_short_does_not(
    data: st.DataObject, mode: str
) -> None:
    exchange = data.draw(exchanges)
    raw = data.draw(position_data(exchange, mode))
    wallet = Decimal(raw["qty"]) * Decimal(raw["entry_price"]) / Decimal(raw["leverage"]) * 2
    pf = portfolio_of(exchange, wallet, raw)
    result = evaluate(pf, book()).positions[0]
    if result.status is not Status.OK or result.liquidation_price is None:
        return
    liquidation = result.liquidation_price
    step = liquidation * Decimal("0.0001")
    sign = 1 if raw["side"] == "long" else -1
    symbol = raw["symbol"]
    past = run_scenario(pf, book(), [Shock(symbol, ShockKind.PRICE, liquidation - sign * step)])
    short = run_scenario(pf, book(), [Shock(symbol, ShockKind.PRICE, liquidation + sign * step)])
    assert past.as_is.positions[0].liquidated
    assert not short.as_is.positions[0].liquidated
