"""What an alert is about, how risky it is now, and the marks at which to look again.

A *subject* is what one alert speaks for: an isolated position, or a
portfolio's whole cross account (its positions share one wallet, so they are
liquidated together and alerted together).

A subject's *bands* say, per symbol, the marks between which its alert state
cannot change: outside `(low, high)` the next level may be reached (or the
current one re-armed), so the subject must be evaluated again. This is what
lets a price tick touch only the subjects it concerns.

* An isolated position, or a cross account whose cross positions are one
  symbol on one side, moves with that one price: its band ends are exact, the
  prices at which the distance or the margin ratio reaches a threshold (the
  distance thresholds are prices directly, liquidation / (1 -/+ d); the ratio
  thresholds come from the same solver as the liquidation price).
* Any other cross account moves with several prices at once. Its band is a
  relative move `delta` of every mark within which no threshold can be crossed,
  whatever the marks do together: each test is a margin slack f (for instance
  ratio * equity - maintenance) whose change under moves of at most delta is
  bounded by delta * sum(|qty| * ratio + steepest maintenance slope) * price, so
  delta = |f| / that sum keeps every test on its side.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from engine.alerts import Criteria, Level, Risk, Thresholds, next_level
from engine.curves import Curve, value_at
from engine.legs import Leg, Prepared
from engine.liquidation import (
    cross_prices,
    cross_totals,
    isolated_liquidation,
    isolated_price_at_ratio,
)
from engine.margin import Evaluation, PositionResult, Status
from engine.models import Portfolio
from engine.numbers import ONE, ZERO

__all__ = [
    "CROSS_KEY",
    "MAX_BAND",
    "Band",
    "Subject",
    "assess",
    "bands",
    "closest",
    "moves_with_one_price",
    "subjects_of",
]

CROSS_KEY = "cross"
MAX_BAND = Decimal("0.5")  # look again after a 50% move even when nothing is near


@dataclass(frozen=True, slots=True)
class Subject:
    key: str  # "BTCUSDT:long" for an isolated position, "cross" for the cross account
    position_ids: tuple[str, ...]
    symbols: tuple[str, ...]

    @property
    def cross(self) -> bool:
        return self.key == CROSS_KEY


@dataclass(frozen=True, slots=True)
class Band:
    """Evaluate again once the symbol's mark is <= low or >= high (None: never on that side)."""

    symbol: str
    low: Decimal | None
    high: Decimal | None

    @classmethod
    def now(cls, symbol: str) -> Band:
        """Due at the next mark, whatever it is."""
        return cls(symbol, None, ZERO)


def subjects_of(portfolio: Portfolio) -> tuple[Subject, ...]:
    """One subject per isolated position, one for all cross positions together."""
    found: list[Subject] = []
    cross_ids: list[str] = []
    cross_symbols: set[str] = set()
    for position in portfolio.positions:
        if position.is_cross:
            cross_ids.append(position.id)
            cross_symbols.add(position.symbol)
        else:
            key = f"{position.symbol}:{position.side.value}"
            found.append(Subject(key, (position.id,), (position.symbol,)))
    if cross_ids:
        found.append(Subject(CROSS_KEY, tuple(cross_ids), tuple(sorted(cross_symbols))))
    return tuple(found)


def moves_with_one_price(portfolio: Portfolio, subject: Subject) -> bool:
    """One symbol on one side: its band ends are exact prices that do not depend on the
    marks. Otherwise the band is a move around the current marks (see the module doc)."""
    wanted = set(subject.position_ids)
    sides = {p.side for p in portfolio.positions if p.id in wanted}
    return len(subject.symbols) == 1 and len(sides) == 1


def closest(evaluation: Evaluation, subject: Subject) -> PositionResult:
    """The subject's position nearest its liquidation price (the one an alert names)."""
    results = [evaluation.by_id(pid) for pid in subject.position_ids]

    def nearness(result: PositionResult) -> tuple[int, Decimal]:
        if result.status is Status.LIQUIDATED:
            return (0, ZERO)
        if result.distance_to_liquidation is None:
            return (2, ZERO)
        return (1, abs(result.distance_to_liquidation))

    return min(results, key=nearness)


def assess(evaluation: Evaluation, subject: Subject) -> Risk:
    """The subject's distance, margin ratio and whether it is past liquidation."""
    if not subject.cross:
        result = evaluation.by_id(subject.position_ids[0])
        return Risk(
            distance=result.distance_to_liquidation,
            margin_ratio=result.margin_ratio,
            liquidated=result.status is Status.LIQUIDATED,
        )
    results = [evaluation.by_id(pid) for pid in subject.position_ids]
    ratio = evaluation.account.cross_margin_ratio
    distances = [
        abs(r.distance_to_liquidation) for r in results if r.distance_to_liquidation is not None
    ]
    return Risk(
        distance=min(distances, default=None),
        margin_ratio=ratio,
        liquidated=ratio is None or any(r.status is Status.LIQUIDATED for r in results),
    )


def bands(
    prepared: Prepared,
    subject: Subject,
    state: Level | None,
    thresholds: Thresholds,
    *,
    rearm: bool = True,
) -> tuple[Band, ...]:
    """Where to look again, given the level remembered (`rearm=False`: only upward)."""
    up = next_level(state)
    tests = (
        thresholds.reach(up) if up is not None else None,
        thresholds.hold(state) if state is not None and rearm else None,
    )
    legs = _legs(prepared, subject)
    if moves_with_one_price(prepared.portfolio, subject):
        return (_exact_band(prepared, subject, legs, tests),)
    delta = _cross_delta(prepared, legs, [t for t in tests if t is not None])
    marks = {leg.position.symbol: leg.mark for leg in legs}
    return tuple(
        Band(symbol, marks[symbol] * (ONE - delta), marks[symbol] * (ONE + delta))
        for symbol in subject.symbols
    )


def _legs(prepared: Prepared, subject: Subject) -> list[Leg]:
    wanted = set(subject.position_ids)
    return [leg for leg in prepared.legs if leg.position.id in wanted]


def _exact_band(
    prepared: Prepared,
    subject: Subject,
    legs: list[Leg],
    tests: tuple[Criteria | None, Criteria | None],
) -> Band:
    """Prices where the risk of a one-price subject reaches the up test and leaves the
    hold test. For a long the risk grows as the price falls, so the up price is the
    higher of the distance and the ratio price (whichever comes first on the way down)."""
    long = legs[0].signed_qty > ZERO

    def price(ratio: Decimal) -> Decimal | None:
        if not subject.cross:
            return isolated_price_at_ratio(legs[0], ratio)
        return cross_prices(legs, cross_totals(prepared), ratio)[0]

    liquidation = isolated_liquidation(legs[0]) if not subject.cross else price(ONE)

    def crossing(test: Criteria | None) -> Decimal | None:
        if test is None:
            return None
        candidates = [p for p in (price(test.ratio),) if p is not None]
        if liquidation is not None:
            candidates.append(liquidation / (ONE - test.distance if long else ONE + test.distance))
        if not candidates:
            return None
        return max(candidates) if long else min(candidates)

    up, back = crossing(tests[0]), crossing(tests[1])
    symbol = subject.symbols[0]
    return Band(symbol, up, back) if long else Band(symbol, back, up)


def _steepest(curve: Curve) -> Decimal:
    """The largest slope of a maintenance curve: how fast MM can grow with the price."""
    return max(abs(curve.slope(index)) for index in range(curve.last() + 1))


def _cross_delta(prepared: Prepared, legs: list[Leg], tests: Sequence[Criteria]) -> Decimal:
    """The relative move of all marks together within which no test changes its answer."""
    totals = cross_totals(prepared)
    equity, maintenance = totals.equity, totals.maintenance
    steep = {id(leg): _steepest(leg.curve) for leg in legs}
    by_symbol: dict[str, list[Leg]] = defaultdict(list)
    for leg in legs:
        by_symbol[leg.position.symbol].append(leg)
    slacks: list[tuple[Decimal, Decimal]] = []
    for test in tests:
        weight = sum(((test.ratio * abs(g.signed_qty) + steep[id(g)]) * g.mark for g in legs), ZERO)
        slacks.append((test.ratio * equity - maintenance, weight))
        if test.distance == ZERO:
            continue
        for own in by_symbol.values():
            liquidation = cross_prices(own, totals)[0]
            if liquidation is None:
                continue
            slacks.append(_moved_slack(legs, own, steep, equity, maintenance, liquidation, test))
    delta = MAX_BAND
    for slack, weight in slacks:
        if weight > ZERO:
            delta = min(delta, abs(slack) / weight)
    return delta


def _moved_slack(
    legs: list[Leg],
    own: list[Leg],
    steep: dict[int, Decimal],
    equity: Decimal,
    maintenance: Decimal,
    liquidation: Decimal,
    test: Criteria,
) -> tuple[Decimal, Decimal]:
    """Equity minus maintenance after the symbol moved `test.distance` toward its
    liquidation price (negative: the distance is already inside the test), and the
    bound on how fast it changes with a move of every mark."""
    mark = own[0].mark
    moved = mark * (ONE + test.distance if liquidation > mark else ONE - test.distance)
    slack = equity - maintenance
    for leg in own:
        slack += leg.signed_qty * (moved - mark) - (value_at(leg.curve, moved) - leg.maintenance)
    own_ids = {id(leg) for leg in own}

    def reach(leg: Leg) -> Decimal:
        return max(leg.mark, moved) if id(leg) in own_ids else leg.mark

    weight = sum(((abs(g.signed_qty) + steep[id(g)]) * reach(g) for g in legs), ZERO)
    return slack, weight
