"""The picture behind /chart: account equity against one market's price, isolated vs cross.

`build_chart` computes what is drawn — the two equity curves and the marked
prices (entry, mark, each liquidation price in each mode, a what-if price)
and the current maintenance level — from the engine alone; `bot.views.chart_render`
turns that model into a PNG. Keeping them apart lets tests check the marked
prices against `engine.evaluate` without reading pixels.

Each curve point is `engine.scenarios.run_scenario` at that price: the
account's equity after a jump there, with liquidations taken as the engine
takes them (an isolated position loses its margin; a cross account its
wallet). Floats are fine here: a chart is drawn, never read to the cent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from engine.margin import Evaluation, PositionResult, evaluate
from engine.models import MarginMode, Portfolio
from engine.scenarios import Shock, ShockKind, as_mode, run_scenario, shocked_marks
from engine.tiers import TierBook

__all__ = ["ChartModel", "Marker", "MarkerKind", "build_chart", "closest_position"]

SAMPLES = 48  # evenly spaced prices; the liquidation cliffs get their own points
_HUNDRED = Decimal(100)
_EDGE = Decimal("1e-9")  # a hair either side of a liquidation price, to draw the cliff


class MarkerKind(StrEnum):
    ENTRY = "entry"
    MARK = "mark"
    LIQ_ISOLATED = "liq_isolated"
    LIQ_CROSS = "liq_cross"
    SHOCK = "shock"  # the what-if price


@dataclass(frozen=True, slots=True)
class Marker:
    kind: MarkerKind
    price: Decimal  # the engine's figure, exact
    position_id: str

    @property
    def x(self) -> float:
        return float(self.price)


@dataclass(frozen=True, slots=True)
class ChartModel:
    symbol: str
    position_id: str
    prices: tuple[float, ...]
    isolated: tuple[float, ...]  # account equity, every position isolated
    cross: tuple[float, ...]  # account equity, every position cross
    markers: tuple[Marker, ...]
    maintenance: float  # the cross account's maintenance margin at today's marks
    co_move: bool  # every other market moves by the same percentage as this one

    def marker(self, kind: MarkerKind, position_id: str | None = None) -> Marker | None:
        wanted = position_id or self.position_id
        return next((m for m in self.markers if m.kind is kind and m.position_id == wanted), None)


def closest_position(evaluation: Evaluation) -> PositionResult:
    """The position nearest its liquidation price; the first one when none has a price."""
    return evaluation.closest() or evaluation.positions[0]


def build_chart(
    portfolio: Portfolio, book: TierBook, position_id: str, shocks: Sequence[Shock] = ()
) -> ChartModel:
    """The chart of `position_id`'s market, after `shocks` (a /whatif's) if any.

    Other markets stay at their (shocked) marks; with an `all` shock they
    move by the same percentage as this one, as the what-if assumed.
    """
    target = next(p for p in portfolio.positions if p.id == position_id)
    symbol, mark = target.symbol, target.mark
    co_move = any(s.symbol is None for s in shocks)
    kept = tuple(s for s in shocks if s.symbol not in (None, symbol))
    isolated = evaluate(as_mode(portfolio, MarginMode.ISOLATED), book)
    cross = evaluate(as_mode(portfolio, MarginMode.CROSS), book)
    markers = _markers(isolated, cross, symbol, shocks, portfolio)
    prices = _prices(mark, markers)
    iso_curve, cross_curve = [], []
    for price in prices:
        outcome = run_scenario(portfolio, book, (*kept, _move(symbol, mark, price, co_move)))
        iso_curve.append(float(outcome.isolated.equity_after))
        cross_curve.append(float(outcome.cross.equity_after))
    return ChartModel(
        symbol=symbol,
        position_id=position_id,
        prices=tuple(float(p) for p in prices),
        isolated=tuple(iso_curve),
        cross=tuple(cross_curve),
        markers=markers,
        maintenance=float(cross.account.cross_maintenance_margin),
        co_move=co_move,
    )


def _move(symbol: str, mark: Decimal, price: Decimal, co_move: bool) -> Shock:
    if co_move:
        return Shock(None, ShockKind.PERCENT, (price / mark - 1) * _HUNDRED)
    return Shock(symbol, ShockKind.PRICE, price)


def _markers(
    isolated: Evaluation,
    cross: Evaluation,
    symbol: str,
    shocks: Sequence[Shock],
    portfolio: Portfolio,
) -> tuple[Marker, ...]:
    markers: list[Marker] = []
    for iso, crs in zip(isolated.positions, cross.positions, strict=True):
        if iso.position.symbol != symbol:
            continue
        pid = iso.position.id
        markers.append(Marker(MarkerKind.ENTRY, iso.position.entry_price, pid))
        if not any(m.kind is MarkerKind.MARK and m.price == iso.mark_price for m in markers):
            markers.append(Marker(MarkerKind.MARK, iso.mark_price, pid))  # one per price
        if iso.liquidation_price is not None and iso.liquidation_price > 0:
            markers.append(Marker(MarkerKind.LIQ_ISOLATED, iso.liquidation_price, pid))
        if crs.liquidation_price is not None and crs.liquidation_price > 0:
            markers.append(Marker(MarkerKind.LIQ_CROSS, crs.liquidation_price, pid))
    if shocks:
        after = shocked_marks(portfolio, shocks)[symbol]
        markers.append(Marker(MarkerKind.SHOCK, after, markers[0].position_id))
    return tuple(markers)


def _prices(mark: Decimal, markers: Sequence[Marker]) -> list[Decimal]:
    """Evenly spaced prices over every marker and +-20% of the mark, plus the cliffs and
    the marked prices themselves (so the curves pass exactly through them)."""
    xs = [m.price for m in markers] + [mark * Decimal("0.8"), mark * Decimal("1.2")]
    low, high = min(xs) * Decimal("0.92"), max(xs) * Decimal("1.08")
    step = (high - low) / (SAMPLES - 1)
    prices = {low + step * i for i in range(SAMPLES)}
    for marker in markers:
        prices.add(marker.price)
        if marker.kind in (MarkerKind.LIQ_ISOLATED, MarkerKind.LIQ_CROSS):
            prices.update({marker.price * (1 - _EDGE), marker.price * (1 + _EDGE)})
    return sorted(p for p in prices if p > 0)
