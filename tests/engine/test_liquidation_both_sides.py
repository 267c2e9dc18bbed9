"""The solver against an independent bisection of the raw liquidation condition.

Random Binance cross accounts in hedge mode: a long and a short on one symbol
(often nearly flat, where the account can liquidate on either side of the mark),
beside none, one or two legs on a second symbol, some on tables given as input
whose maintenance jumps at a boundary. For every symbol, with the other symbols
held at their marks, the condition is Binance's, read straight from the tier
tables (no engine code):

    g(P) = wallet + sum of every leg's PnL - sum of every leg's (notional x mmr - cum)

each leg's bracket chosen by its own notional at P. g is linear between the
prices where some leg's notional crosses a cap (and may jump there), so scanning
both sides of those prices outward from the mark brackets the nearest sign
change on each side exactly, and a bisection narrows it. The engine must report
that crossing below the mark and that one above it (or none), and the nearer of
the two as the liquidation price.

ISOCROSS_SOLVER_EXAMPLES sets the number of examples: 2,000 by default (about
10 s on one core), more for a longer run, e.g.
`ISOCROSS_SOLVER_EXAMPLES=20000 pytest tests/engine/test_liquidation_both_sides.py`.
The minimum counts below make sure the examples reached crossings on both sides
rather than passing vacuously.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from engine.margin import PositionResult, evaluate
from engine.models import Exchange, Portfolio, Side, TierTable, build
from tests.engine.strategies import SYMBOLS, book, decimals, position_data

EXAMPLES = int(os.environ.get("ISOCROSS_SOLVER_EXAMPLES", "2000"))
# crossings checked, at least: 2,000 examples check some 450-1,300 of each side and
# about 130 hedges with a crossing on both sides
MINIMUM = {
    "hedge below": EXAMPLES // 10,
    "hedge above": EXAMPLES // 10,
    "hedge both": EXAMPLES // 40,
    "beside below": EXAMPLES // 10,
    "beside above": EXAMPLES // 10,
}
TOLERANCE = Decimal("1e-9")
_BISECTIONS = 50
_NEAR = Decimal("1e-20")  # relative: a price this near a kink lies on its side of it


@dataclass(frozen=True)
class _Leg:
    """One cross position as the oracle sees it: raw figures and its tier table."""

    symbol: str
    signed_qty: Decimal
    entry: Decimal
    mark: Decimal
    caps: tuple[Decimal, ...]
    rates: tuple[Decimal, ...]
    amounts: tuple[Decimal, ...]

    def pnl(self, price: Decimal) -> Decimal:
        return self.signed_qty * (price - self.entry)

    def maintenance(self, price: Decimal) -> Decimal:
        notional = abs(self.signed_qty) * price
        tier = min(bisect_left(self.caps, notional), len(self.caps) - 1)
        return notional * self.rates[tier] - self.amounts[tier]

    def kinks(self) -> list[Decimal]:
        """Prices at which this leg's notional reaches a cap: where g may bend or jump."""
        return [cap / abs(self.signed_qty) for cap in self.caps[:-1]]


def _oracle_legs(pf: Portfolio) -> list[_Leg]:
    legs = []
    for p in pf.positions:
        table: TierTable = p.tiers or book().table(Exchange.BINANCE, p.symbol)
        legs.append(
            _Leg(
                p.symbol,
                p.qty if p.side is Side.LONG else -p.qty,
                p.entry_price,
                p.mark,
                tuple(t.cap for t in table.tiers),
                tuple(t.mmr for t in table.tiers),
                tuple(t.maintenance_amount for t in table.tiers),
            )
        )
    return legs


def _condition(wallet: Decimal, legs: Sequence[_Leg], symbol: str) -> Callable[[Decimal], Decimal]:
    """g(P) for `symbol`'s price P, every other symbol at its mark."""
    others = [leg for leg in legs if leg.symbol != symbol]
    held = wallet + sum((leg.pnl(leg.mark) - leg.maintenance(leg.mark) for leg in others), 0)
    moving = [leg for leg in legs if leg.symbol == symbol]
    return lambda p: held + sum((leg.pnl(p) - leg.maintenance(p) for leg in moving), Decimal(0))


def _bisect(g: Callable[[Decimal], Decimal], a: Decimal, b: Decimal) -> Decimal:
    """A sign change of g between a and b (g(a) and g(b) of opposite signs, or g(b) = 0)."""
    if g(b) == 0:
        return b
    positive_at_a = g(a) > 0
    for _ in range(_BISECTIONS):
        mid = (a + b) / 2
        value = g(mid)
        if value == 0:
            return mid
        if (value > 0) == positive_at_a:
            a = mid
        else:
            b = mid
    return (a + b) / 2


def _first_crossing(g: Callable[[Decimal], Decimal], points: Sequence[Decimal]) -> Decimal | None:
    """The sign change of g nearest points[0], scanning the intervals points[i], points[i+1]."""
    values = [g(p) > 0 for p in points]
    for n, (a, b) in enumerate(pairwise(points)):
        if values[n] != values[n + 1] or g(b) == 0:
            return _bisect(g, a, b)
    return None


def _oracle(
    wallet: Decimal, legs: Sequence[_Leg], symbol: str
) -> tuple[Decimal | None, Decimal | None]:
    """The nearest crossings below (down to a price of 0) and above the mark."""
    g = _condition(wallet, legs, symbol)
    mark = next(leg.mark for leg in legs if leg.symbol == symbol)
    kinks = sorted({k for leg in legs if leg.symbol == symbol for k in leg.kinks()})
    # g is linear on (kink, next kink] and may jump at a kink: look just inside both
    # pieces (at the kink itself, rounding in notional = qty x price may pick either)
    sides = [p for k in kinks for p in (k * (1 - _NEAR), k * (1 + _NEAR))]
    lowest = min([mark, *kinks]) * Decimal("1e-12")  # linear below the lowest kink
    below = _first_crossing(g, [mark, *reversed([p for p in sides if p < mark]), lowest])
    far = [max([mark, *kinks]) * 2**n for n in range(1, 60, 4)]  # linear past the last kink
    above = _first_crossing(g, [mark, *[p for p in sides if p > mark], *far])
    return below, above


def _close(engine: Decimal | None, oracle: Decimal | None) -> bool:
    if engine is None or oracle is None:
        return engine is oracle
    return abs(engine - oracle) <= TOLERANCE * max(oracle, Decimal(1))


@st.composite
def _input_table(draw: st.DrawFn) -> dict[str, Any]:
    """A table given as input: rising rates, caps from 10k, cum that may not keep MM continuous."""
    caps = sorted(draw(st.sets(st.integers(1, 400), min_size=2, max_size=5)))
    rates = sorted(draw(st.lists(decimals(1, 100, 1), min_size=len(caps), max_size=len(caps))))
    continuous = draw(st.booleans())
    tiers: list[dict[str, str]] = []
    floor = cum = Decimal(0)
    for n, (cap, rate) in enumerate(zip(caps, rates, strict=True)):
        mmr = rate / 1000
        if continuous and n:
            cum += floor * (mmr - Decimal(tiers[-1]["mmr"]))
        tiers.append(
            {
                "floor": str(floor),
                "cap": str(Decimal(cap) * 10_000),
                "mmr": str(mmr),
                "maintenance_amount": str(cum),
                "max_leverage": "125",
            }
        )
        floor = Decimal(cap) * 10_000
    return {"tiers": tiers}


@st.composite
def _hedged_accounts(draw: st.DrawFn) -> tuple[Portfolio, str]:
    """A hedge-mode cross account: a hedged pair on one symbol, maybe legs on another."""
    first, second = draw(
        st.lists(st.sampled_from(SYMBOLS[Exchange.BINANCE]), min_size=2, max_size=2, unique=True)
    )
    tiers = draw(st.none() | _input_table())
    long = {**draw(position_data(Exchange.BINANCE, "cross", first)), "side": "long", "id": "l"}
    cover = draw(
        st.sampled_from([Decimal(1), Decimal("0.99")]) | decimals(50, 150, 2).map(lambda x: x / 100)
    )
    short = {
        **long,
        "id": "s",
        "side": "short",
        "qty": max(Decimal("0.001"), (long["qty"] * cover).quantize(Decimal("0.001"))),
        "entry_price": long["entry_price"] * draw(decimals(95, 105, 2)) / 100,
        "leverage": 1,
    }
    if tiers is not None:
        long, short = {**long, "tiers": tiers, "leverage": 1}, {**short, "tiers": tiers}
    beside: list[dict[str, Any]] = []
    for n, side in enumerate(draw(st.sampled_from([(), ("long",), ("short",), ("long", "short")]))):
        leg = draw(position_data(Exchange.BINANCE, "cross", second))
        beside.append(
            {
                **leg,
                "side": side,
                "id": f"b{n}",
                "mark_price": beside[0]["mark_price"] if beside else leg["mark_price"],
            }
        )
    pf = build(
        Portfolio,
        {"wallet_balance": "1", "position_mode": "hedge", "positions": [long, short, *beside]},
    )
    # a wallet near what maintenance needs at the marks, so crossings sit close on both sides
    legs = _oracle_legs(pf)
    need = sum((leg.maintenance(leg.mark) - leg.pnl(leg.mark) for leg in legs), Decimal(0))
    wallet = max(Decimal(1), (need * draw(decimals(90, 250, 2)) / 100).quantize(Decimal("0.01")))
    return pf.model_copy(update={"wallet_balance": wallet}), first


def test_the_nearest_crossing_on_each_side_matches_a_bisection_of_the_raw_condition() -> None:
    checked: Counter[str] = Counter()

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_hedged_accounts())
    def check(account: tuple[Portfolio, str]) -> None:
        pf, hedged = account
        legs = _oracle_legs(pf)
        result = evaluate(pf, book())
        for symbol in {p.symbol for p in pf.positions}:
            g = _condition(pf.wallet_balance, legs, symbol)
            assume(g(next(leg.mark for leg in legs if leg.symbol == symbol)) != 0)
            below, above = _oracle(pf.wallet_balance, legs, symbol)
            for found in _results(result.positions, symbol):
                assert _close(found.liquidation_below, below), (found.liquidation_below, below)
                assert _close(found.liquidation_above, above), (found.liquidation_above, above)
                assert found.liquidation_price in (found.liquidation_below, found.liquidation_above)
                _assert_nearest(found)
            kind = "hedge" if symbol == hedged else "beside"
            for side, price in (("below", below), ("above", above)):
                if price is not None:
                    event(f"{kind}: a crossing {side}")
                    checked[f"{kind} {side}"] += 1
            if below is not None and above is not None:
                event(f"{kind}: crossings on both sides")
                checked[f"{kind} both"] += 1

    check()
    assert all(checked[kind] >= least for kind, least in MINIMUM.items()), checked


def _results(positions: Sequence[PositionResult], symbol: str) -> list[PositionResult]:
    return [r for r in positions if r.position.symbol == symbol]


def _assert_nearest(found: PositionResult) -> None:
    below, above, mark = found.liquidation_below, found.liquidation_above, found.mark_price
    if below is not None and above is not None:
        nearest = below if mark - below <= above - mark else above
        assert found.liquidation_price == nearest
