"""A portfolio's figures as an exchange would show them: per position and per account.

Margin ratio here is always what the liquidation condition requires (the
maintenance margin, plus OKX's liquidation fee) / margin balance (Binance's and
Bybit's convention: 100% means liquidation). OKX displays the reciprocal,
reported beside it as `mgn_ratio`; the same risk read the other way up. Each
other figure is one exchange field (README, "Machine interface").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from engine.legs import Leg, Prepared, prepare
from engine.liquidation import (
    CrossTotals,
    cross_crossings,
    cross_totals,
    isolated_bankruptcy,
    isolated_crossings,
)
from engine.models import Portfolio, Position
from engine.numbers import ONE, ZERO
from engine.solver import Crossings
from engine.tiers import TierBook

__all__ = [
    "AccountResult",
    "Evaluation",
    "PositionResult",
    "Status",
    "evaluate",
    "evaluate_prepared",
]


class Status(StrEnum):
    OK = "ok"
    LIQUIDATED = "liquidated"  # the mark is already at or past the liquidation price
    NO_LIQUIDATION = "no_liquidation"  # no positive price liquidates it


@dataclass(frozen=True, slots=True)
class PositionResult:
    position: Position
    mark_price: Decimal
    notional: Decimal
    initial_margin: Decimal  # Binance positionInitialMargin, Bybit positionIM, OKX imr
    opening_margin: Decimal  # entry notional / leverage
    isolated_wallet: Decimal | None  # Binance isolatedWallet, Bybit positionBalance, OKX margin
    maintenance_margin: Decimal  # Binance maintMargin, Bybit positionMM, OKX mmr
    liquidation_fee: Decimal | None  # OKX: value x taker fee, beside MM in the condition
    fee_to_close: Decimal | None  # Bybit: held in IM, MM and the isolated wallet
    unrealized_pnl: Decimal
    roe: Decimal
    margin_balance: Decimal
    margin_ratio: Decimal | None  # None when the balance is zero or less
    mgn_ratio: Decimal | None  # OKX's mgnRatio, 1 / margin_ratio; None on other exchanges
    bankruptcy_price: Decimal | None
    liquidation_price: Decimal | None  # the nearer of the two below: the one to watch
    liquidation_below: Decimal | None  # the nearest liquidation price at or below the mark
    liquidation_above: Decimal | None  # the nearest above it (a hedge may have both)
    distance_to_liquidation: Decimal | None  # |mark - liq| / mark; negative once liquidated
    status: Status
    fallback_tiers: bool

    @property
    def isolated_margin(self) -> Decimal | None:
        """`isolated_wallet`, under the name a Position's input gives the same figure."""
        return self.isolated_wallet


@dataclass(frozen=True, slots=True)
class AccountResult:
    wallet_balance: Decimal
    unrealized_pnl: Decimal
    equity: Decimal
    maintenance_margin: Decimal  # the positions' maintenance_margin, summed
    liquidation_fee: Decimal | None  # the positions' liquidation_fee, summed (OKX)
    margin_ratio: Decimal | None  # (maintenance margin + liquidation fee) / equity
    available_balance: Decimal
    cross_wallet: Decimal
    cross_equity: Decimal
    cross_maintenance_margin: Decimal  # what cross equity must stay above (fee included)
    cross_margin_ratio: Decimal | None


@dataclass(frozen=True, slots=True)
class Evaluation:
    positions: tuple[PositionResult, ...]
    account: AccountResult

    def closest(self) -> PositionResult | None:
        """The position nearest its liquidation price (smallest distance), if any has one."""
        candidates = [r for r in self.positions if r.distance_to_liquidation is not None]
        return min(candidates, key=_distance, default=None)

    def by_id(self, position_id: str) -> PositionResult:
        for result in self.positions:
            if result.position.id == position_id:
                return result
        raise KeyError(position_id)


def evaluate(portfolio: Portfolio, book: TierBook) -> Evaluation:
    """Every figure of every position and of the account, at the current marks."""
    return evaluate_prepared(prepare(portfolio, book))


def evaluate_prepared(prepared: Prepared) -> Evaluation:
    totals = cross_totals(prepared)
    cross_ratio = ratio(totals.maintenance, totals.equity)
    cross_results = _cross_prices_by_symbol(prepared, totals)
    results = []
    for leg in prepared.legs:
        if leg.isolated_wallet is None:
            found, bankruptcy = cross_results[leg.position.symbol]
            results.append(_result(prepared, leg, totals.equity, cross_ratio, found, bankruptcy))
        else:
            balance = leg.isolated_wallet + leg.unrealized_pnl
            results.append(
                _result(
                    prepared,
                    leg,
                    balance,
                    ratio(leg.maintenance, balance),
                    isolated_crossings(leg),
                    isolated_bankruptcy(leg),
                )
            )
    return Evaluation(tuple(results), _account(prepared, results, totals, cross_ratio))


def _distance(result: PositionResult) -> Decimal:
    assert result.distance_to_liquidation is not None
    return result.distance_to_liquidation


def ratio(maintenance: Decimal, balance: Decimal) -> Decimal | None:
    """maintenance / balance, or None when the balance is gone."""
    return maintenance / balance if balance > ZERO else None


def _cross_prices_by_symbol(
    prepared: Prepared, totals: CrossTotals
) -> dict[str, tuple[Crossings, Decimal | None]]:
    by_symbol: dict[str, list[Leg]] = defaultdict(list)
    for leg in prepared.legs:
        if leg.isolated_wallet is None:
            by_symbol[leg.position.symbol].append(leg)
    return {symbol: cross_crossings(legs, totals) for symbol, legs in by_symbol.items()}


def _result(
    prepared: Prepared,
    leg: Leg,
    balance: Decimal,
    margin_ratio: Decimal | None,
    crossings: Crossings,
    bankruptcy: Decimal | None,
) -> PositionResult:
    position = leg.position
    liquidation = crossings.nearest
    mark = leg.mark
    opening_margin = position.qty * position.entry_price / position.leverage
    liquidated = (
        balance <= leg.maintenance
        if leg.isolated_wallet is not None
        else (margin_ratio is None or margin_ratio >= 1)
    )
    if liquidated:
        status = Status.LIQUIDATED
    elif liquidation is None:
        status = Status.NO_LIQUIDATION
    else:
        status = Status.OK
    distance = None
    if liquidation is not None:
        # how far the mark may move before liquidation, whichever way that is (hedge
        # legs in cross share one price that can sit on the "wrong" side of a leg);
        # negative once the position is past it
        distance = abs(mark - liquidation) / mark
        if liquidated:
            distance = -distance
    rules = prepared.rules
    return PositionResult(
        position=position,
        mark_price=mark,
        notional=position.qty * mark,
        initial_margin=rules.initial_margin(position, prepared.fee),
        opening_margin=opening_margin,
        isolated_wallet=leg.isolated_wallet,
        maintenance_margin=leg.maintenance - (leg.liquidation_fee or ZERO),
        liquidation_fee=leg.liquidation_fee,
        fee_to_close=leg.fee_to_close if rules.reports_fee_to_close else None,
        unrealized_pnl=leg.unrealized_pnl,
        roe=leg.unrealized_pnl / opening_margin,
        margin_balance=balance,
        margin_ratio=margin_ratio,
        mgn_ratio=_mgn_ratio(margin_ratio) if leg.liquidation_fee is not None else None,
        bankruptcy_price=bankruptcy,
        liquidation_price=liquidation,
        liquidation_below=crossings.below,
        liquidation_above=crossings.above,
        distance_to_liquidation=distance,
        status=status,
        fallback_tiers=leg.table.fallback,
    )


def _mgn_ratio(margin_ratio: Decimal | None) -> Decimal | None:
    """OKX's mgnRatio: balance / (MM + liquidation fee), None where IsoCross's ratio is
    None (no balance) or zero (nothing to maintain)."""
    return ONE / margin_ratio if margin_ratio else None


def _account(
    prepared: Prepared,
    results: Sequence[PositionResult],
    totals: CrossTotals,
    cross_ratio: Decimal | None,
) -> AccountResult:
    wallet = prepared.portfolio.wallet_balance
    upnl = sum((r.unrealized_pnl for r in results), ZERO)
    maintenance = sum((r.maintenance_margin for r in results), ZERO)
    fees = [r.liquidation_fee for r in results if r.liquidation_fee is not None]
    fee = sum(fees, ZERO) if fees else None
    cross_initial = sum((r.initial_margin for r in results if r.isolated_wallet is None), ZERO)
    equity = wallet + upnl
    return AccountResult(
        wallet_balance=wallet,
        unrealized_pnl=upnl,
        equity=equity,
        maintenance_margin=maintenance,
        liquidation_fee=fee,
        margin_ratio=ratio(maintenance + (fee or ZERO), equity),
        available_balance=max(ZERO, totals.equity - cross_initial),
        cross_wallet=totals.wallet,
        cross_equity=totals.equity,
        cross_maintenance_margin=totals.maintenance,
        cross_margin_ratio=cross_ratio,
    )
