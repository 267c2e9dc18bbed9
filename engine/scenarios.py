"""Price shocks: what a sudden move does to the same portfolio as it is, all isolated, all cross.

A shock is a jump from the current marks to the shocked ones. A position is
liquidated when, at the shocked mark, its balance is at or below its
maintenance (isolated: its own; cross: the shared account's). Losses count
what a liquidation takes: an isolated position loses its whole margin; a
liquidated cross account loses its whole cross margin balance (the exchange
keeps what is left of it as the liquidation clearance).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from engine.errors import InvalidInput
from engine.margin import Evaluation, Status, evaluate
from engine.models import MarginMode, Portfolio, Position
from engine.numbers import ONE, ZERO
from engine.tiers import TierBook

__all__ = [
    "ModeOutcome",
    "PositionOutcome",
    "ScenarioResult",
    "Shock",
    "ShockKind",
    "as_mode",
    "run_scenario",
    "shocked_marks",
]

_HUNDRED = Decimal(100)


class ShockKind(StrEnum):
    PERCENT = "percent"  # change of the mark, in percent: -15 is a 15% fall
    DELTA = "delta"  # signed change of the mark, in quote currency
    PRICE = "price"  # the mark becomes this price


@dataclass(frozen=True, slots=True)
class Shock:
    """A move of one symbol's mark, or of every symbol's when `symbol` is None."""

    symbol: str | None
    kind: ShockKind
    value: Decimal

    def apply(self, mark: Decimal) -> Decimal:
        if self.kind is ShockKind.PERCENT:
            return mark * (ONE + self.value / _HUNDRED)
        if self.kind is ShockKind.DELTA:
            return mark + self.value
        return self.value


@dataclass(frozen=True, slots=True)
class PositionOutcome:
    position_id: str
    symbol: str
    mark_before: Decimal
    mark_after: Decimal
    liquidation_price: Decimal | None  # before the shock, in this mode
    liquidated: bool
    loss: Decimal  # what the position takes from equity; negative is a gain


@dataclass(frozen=True, slots=True)
class ModeOutcome:
    mode: MarginMode | None  # None: the portfolio's own modes
    positions: tuple[PositionOutcome, ...]
    equity_before: Decimal
    equity_after: Decimal
    cross_liquidated: bool

    @property
    def loss(self) -> Decimal:
        return self.equity_before - self.equity_after

    @property
    def liquidated_count(self) -> int:
        return sum(1 for p in self.positions if p.liquidated)


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    shocks: tuple[Shock, ...]
    as_is: ModeOutcome
    isolated: ModeOutcome
    cross: ModeOutcome


def shocked_marks(portfolio: Portfolio, shocks: Iterable[Shock]) -> dict[str, Decimal]:
    """The mark of every symbol after the shocks; a symbol's own shock beats `all`."""
    shocks = tuple(shocks)
    everything = [s for s in shocks if s.symbol is None]
    by_symbol = {s.symbol: s for s in shocks if s.symbol is not None}
    marks: dict[str, Decimal] = {}
    for position in portfolio.positions:
        shock = by_symbol.get(position.symbol) or (everything[-1] if everything else None)
        mark = position.mark if shock is None else shock.apply(position.mark)
        if mark <= ZERO:
            raise InvalidInput(field="shock", reason="price_not_positive", symbol=position.symbol)
        marks[position.symbol] = mark
    return marks


def as_mode(portfolio: Portfolio, mode: MarginMode) -> Portfolio:
    """The same positions, every one in `mode`; cross positions keep no isolated wallet."""
    positions = tuple(_in_mode(p, mode) for p in portfolio.positions)
    return portfolio.model_copy(update={"positions": positions})


def _in_mode(position: Position, mode: MarginMode) -> Position:
    if position.margin_mode is mode:
        return position
    return position.model_copy(update={"margin_mode": mode})


def run_scenario(portfolio: Portfolio, book: TierBook, shocks: Sequence[Shock]) -> ScenarioResult:
    """The shocks applied to the portfolio as it is, all isolated, and all cross."""
    marks = shocked_marks(portfolio, shocks)
    return ScenarioResult(
        shocks=tuple(shocks),
        as_is=_outcome(portfolio, book, marks, None),
        isolated=_outcome(
            as_mode(portfolio, MarginMode.ISOLATED), book, marks, MarginMode.ISOLATED
        ),
        cross=_outcome(as_mode(portfolio, MarginMode.CROSS), book, marks, MarginMode.CROSS),
    )


def with_marks(portfolio: Portfolio, marks: Mapping[str, Decimal]) -> Portfolio:
    positions = tuple(
        p.model_copy(update={"mark_price": marks.get(p.symbol, p.mark)})
        for p in portfolio.positions
    )
    return portfolio.model_copy(update={"positions": positions})


def _outcome(
    portfolio: Portfolio, book: TierBook, marks: Mapping[str, Decimal], mode: MarginMode | None
) -> ModeOutcome:
    before = evaluate(portfolio, book)
    after = evaluate(with_marks(portfolio, marks), book)
    cross_liquidated = _cross_liquidated(after)
    outcomes = []
    equity_after = portfolio.wallet_balance
    for now, then in zip(before.positions, after.positions, strict=True):
        liquidated = then.status is Status.LIQUIDATED
        if then.isolated_margin is not None:
            value_after = -then.isolated_margin if liquidated else then.unrealized_pnl
        else:
            value_after = ZERO if cross_liquidated else then.unrealized_pnl
        equity_after += value_after
        outcomes.append(
            PositionOutcome(
                position_id=now.position.id,
                symbol=now.position.symbol,
                mark_before=now.mark_price,
                mark_after=then.mark_price,
                liquidation_price=now.liquidation_price,
                liquidated=liquidated,
                loss=now.unrealized_pnl - value_after,
            )
        )
    if cross_liquidated:
        equity_after -= after.account.cross_wallet  # the shared wallet goes with the account
    return ModeOutcome(
        mode=mode,
        positions=tuple(outcomes),
        equity_before=before.account.equity,
        equity_after=equity_after,
        cross_liquidated=cross_liquidated,
    )


def _cross_liquidated(evaluation: Evaluation) -> bool:
    account = evaluation.account
    has_cross = any(p.isolated_margin is None for p in evaluation.positions)
    if not has_cross:
        return False
    return account.cross_equity <= account.cross_maintenance_margin
