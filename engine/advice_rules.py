"""The conditions the mode advice weighs, one function each, every one backed by figures.

A rule reads `Facts` (the portfolio evaluated all isolated and all cross, the
odds, the linked groups, the profile) and returns reasons. Weights say how
strongly a reason favours its mode; the advice adds them up per group of
linked positions (`engine.advice`). The thresholds live in `Policy`, so a
test or a future setting can name them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from engine.hedges import Group
from engine.margin import PositionResult, Status
from engine.market import Source
from engine.models import MarginMode, Position, Side
from engine.odds import PositionOdds
from engine.profile import Experience, RiskProfile, Style
from engine.reasons import Figure, Reason, ReasonCode, Unit

__all__ = ["RULES", "Facts", "Policy", "PositionFacts"]

ISO, CROSS = MarginMode.ISOLATED, MarginMode.CROSS


@dataclass(frozen=True, slots=True)
class Policy:
    high_leverage: Decimal = Decimal(20)  # at or above: one fast move liquidates
    beginner_high_leverage: Decimal = Decimal(10)
    trend_leverage: Decimal = Decimal(5)  # at or below: a trend position, not a bet
    strong_correlation: Decimal = Decimal("0.7")  # BTC/ETH weekly returns: about 0.77
    min_offset: Decimal = Decimal("0.5")  # the smaller side offsets half the larger
    experimental_share: Decimal = Decimal("0.05")  # margin at or under 5% of the wallet
    volatile: Decimal = Decimal("0.9")  # annualised; SOL and DOGE sit above, BTC near 0.47
    small_share: Decimal = Decimal("0.25")  # isolation keeps 75% or more out of reach
    large_share: Decimal = Decimal("0.5")  # isolation keeps half or less out of reach
    likely: Decimal = Decimal("0.5")  # a week's odds at or above: more likely than not
    many_markets: int = 3
    material_move: Decimal = Decimal("0.02")  # a switch that moves liquidation 2% of the mark


@dataclass(frozen=True, slots=True)
class PositionFacts:
    position: Position
    isolated: PositionResult  # evaluated with every position isolated
    cross: PositionResult  # evaluated with every position cross
    odds: PositionOdds
    share: Decimal  # isolated margin / wallet
    group: Group

    @property
    def id(self) -> str:
        return self.position.id

    @property
    def long(self) -> bool:
        return self.position.side is Side.LONG


@dataclass(frozen=True, slots=True)
class Facts:
    wallet: Decimal
    positions: tuple[PositionFacts, ...]
    groups: tuple[Group, ...]
    profile: RiskProfile
    policy: Policy

    def unhedged(self) -> list[PositionFacts]:
        return [p for p in self.positions if not p.group.hedged]


def _money(value: Decimal) -> Figure:
    return Figure(value, Unit.MONEY)


def _fraction(value: Decimal | None) -> Figure:
    return Figure(value, Unit.FRACTION)


def _liq(facts: PositionFacts, mode: MarginMode) -> Figure:
    result = facts.isolated if mode is ISO else facts.cross
    return Figure(result.liquidation_price, Unit.PRICE, long=facts.long)


def _max_loss(facts: PositionFacts, wallet: Decimal) -> dict[str, Figure]:
    return {
        "symbol": Figure(facts.position.symbol, Unit.TEXT),
        "isolated_max_loss": _money(facts.isolated.isolated_margin or Decimal(0)),
        "cross_max_loss": _money(wallet),
    }


def hedged(facts: Facts) -> list[Reason]:
    reasons = []
    for group in facts.groups:
        if not group.hedged or group.weakest_link is None:
            continue
        legs = [p for p in facts.positions if p.id in group.position_ids]
        if not all(_cross_helps(p) for p in legs):
            continue  # a wallet too small to carry the hedge: sharing it is no argument
        reasons.append(
            Reason(
                ReasonCode.HEDGED,
                CROSS,
                3,
                group.position_ids,
                {
                    "symbols": Figure(", ".join(group.symbols), Unit.TEXT),
                    "correlation": Figure(group.weakest_link.value, Unit.COEFFICIENT),
                    "source": Figure(group.weakest_link.source.value, Unit.TEXT),
                    "offset": _fraction(group.offset),
                    "isolated_distance": _fraction(_nearest(legs, ISO)),
                    "cross_distance": _fraction(_nearest(legs, CROSS)),
                },
            )
        )
    return reasons


def _cross_helps(facts: PositionFacts) -> bool:
    """Cross moves this position's liquidation further away (or removes it).

    Not so when the wallet is smaller than the position's isolated margin:
    then sharing it brings liquidation closer, and no rule should favour it.
    """
    if facts.cross.status is Status.LIQUIDATED:
        return False
    iso, crs = facts.isolated.distance_to_liquidation, facts.cross.distance_to_liquidation
    if crs is None:
        return True
    return iso is not None and crs > iso


def _nearest(legs: Sequence[PositionFacts], mode: MarginMode) -> Decimal | None:
    results = [p.isolated if mode is ISO else p.cross for p in legs]
    distances = [d for r in results if (d := r.distance_to_liquidation) is not None]
    return min(distances, default=None)


def high_leverage(facts: Facts) -> list[Reason]:
    beginner = facts.profile.experience is Experience.BEGINNER
    limit = facts.policy.beginner_high_leverage if beginner else facts.policy.high_leverage
    return [
        Reason(
            ReasonCode.HIGH_LEVERAGE,
            ISO,
            2,
            (p.id,),
            {
                **_max_loss(p, facts.wallet),
                "leverage": Figure(p.position.leverage, Unit.LEVERAGE),
                "threshold": Figure(limit, Unit.LEVERAGE),
                "isolated_day_odds": Figure(p.odds.isolated.day, Unit.PROBABILITY),
            },
        )
        for p in facts.positions
        if p.position.leverage >= limit
    ]


def experimental(facts: Facts) -> list[Reason]:
    policy = facts.policy
    return [
        Reason(
            ReasonCode.EXPERIMENTAL,
            ISO,
            2,
            (p.id,),
            {
                **_max_loss(p, facts.wallet),
                "share": _fraction(p.share),
                "volatility": _fraction(p.odds.volatility.annual),
                "source": Figure(p.odds.volatility.source.value, Unit.TEXT),
            },
        )
        for p in facts.unhedged()
        if p.share <= policy.experimental_share
        and (
            p.odds.volatility.annual >= policy.volatile
            or p.odds.volatility.source is Source.GENERIC
        )
    ]


def protects_wallet(facts: Facts) -> list[Reason]:
    return [
        Reason(
            ReasonCode.PROTECTS_WALLET,
            ISO,
            1,
            (p.id,),
            {**_max_loss(p, facts.wallet), "share": _fraction(p.share)},
        )
        for p in facts.unhedged()
        if p.share <= facts.policy.small_share
    ]


def little_to_protect(facts: Facts) -> list[Reason]:
    return [
        Reason(
            ReasonCode.LITTLE_TO_PROTECT,
            CROSS,
            1,
            (p.id,),
            {
                "symbol": Figure(p.position.symbol, Unit.TEXT),
                "share": _fraction(p.share),
                "isolated_liquidation": _liq(p, ISO),
                "cross_liquidation": _liq(p, CROSS),
                "isolated_distance": _fraction(p.isolated.distance_to_liquidation),
                "cross_distance": _fraction(p.cross.distance_to_liquidation),
            },
        )
        for p in facts.unhedged()
        if p.share >= facts.policy.large_share and _cross_helps(p)
    ]


def survival(facts: Facts) -> list[Reason]:
    return [
        Reason(
            ReasonCode.SURVIVAL,
            CROSS,
            1,
            (p.id,),
            {
                "symbol": Figure(p.position.symbol, Unit.TEXT),
                "isolated_week_odds": Figure(p.odds.isolated.week, Unit.PROBABILITY),
                "cross_week_odds": Figure(p.odds.cross.week, Unit.PROBABILITY),
                "isolated_liquidation": _liq(p, ISO),
                "cross_liquidation": _liq(p, CROSS),
            },
        )
        for p in facts.positions
        if p.odds.isolated.week >= facts.policy.likely
        and p.odds.cross.week * 2 <= p.odds.isolated.week
    ]


def many_markets(facts: Facts) -> list[Reason]:
    loose = facts.unhedged()
    symbols = {p.position.symbol for p in loose}
    if len(symbols) < facts.policy.many_markets:
        return []
    return [
        Reason(
            ReasonCode.MANY_MARKETS,
            ISO,
            1,
            tuple(p.id for p in loose),
            {
                "markets": Figure(len(symbols), Unit.COUNT),
                "positions": Figure(len(loose), Unit.COUNT),
            },
        )
    ]


def profile_reasons(facts: Facts) -> list[Reason]:
    """What the trader said about themselves, as reasons (nothing when they said nothing)."""
    profile, reasons = facts.profile, []
    if profile.experience is Experience.BEGINNER:
        reasons.append(Reason(ReasonCode.BEGINNER, ISO, 1))
    style = Figure(profile.style.value if profile.style else "", Unit.TEXT)
    if profile.style is Style.SCALPING:
        reasons.append(Reason(ReasonCode.SHORT_TERM, ISO, 1, (), {"style": style}))
    if profile.style in {Style.HEDGING, Style.ARBITRAGE}:
        reasons.append(Reason(ReasonCode.HEDGING_STYLE, CROSS, 1, (), {"style": style}))
    if profile.style is Style.TREND:
        reasons.extend(_long_term(facts))
    if not profile.complete:
        reasons.append(Reason(ReasonCode.NO_PROFILE, None, 0))
    return reasons + _loss_limit(facts)


def _long_term(facts: Facts) -> list[Reason]:
    return [
        Reason(
            ReasonCode.LONG_TERM,
            CROSS,
            2,
            (p.id,),
            {
                "symbol": Figure(p.position.symbol, Unit.TEXT),
                "leverage": Figure(p.position.leverage, Unit.LEVERAGE),
                "isolated_distance": _fraction(p.isolated.distance_to_liquidation),
                "cross_distance": _fraction(p.cross.distance_to_liquidation),
            },
        )
        for p in facts.positions
        if p.position.leverage <= facts.policy.trend_leverage and _cross_helps(p)
    ]


def _loss_limit(facts: Facts) -> list[Reason]:
    limit = facts.profile.max_trade_loss
    if limit is None or limit >= 1:
        return []
    reasons = []
    for p in facts.unhedged():
        figures = {
            **_max_loss(p, facts.wallet),
            "limit": _fraction(limit),
            "share": _fraction(p.share),
        }
        reasons.append(Reason(ReasonCode.LOSS_LIMIT, ISO, 1, (p.id,), figures))
        if p.share > limit:
            reasons.append(Reason(ReasonCode.MARGIN_ABOVE_LIMIT, None, 0, (p.id,), figures))
    return reasons


def wallet_at_risk(facts: Facts) -> list[Reason]:
    total = sum((p.isolated.isolated_margin or Decimal(0) for p in facts.positions), Decimal(0))
    share = total / facts.wallet if facts.wallet > 0 else None
    reasons = [
        Reason(
            ReasonCode.WALLET_AT_RISK,
            None,
            0,
            (),
            {
                "isolated_total": _money(total),
                "isolated_share": _fraction(share),
                "wallet": _money(facts.wallet),
                "positions": Figure(len(facts.positions), Unit.COUNT),
                "markets": Figure(len({p.position.symbol for p in facts.positions}), Unit.COUNT),
            },
        )
    ]
    if total > facts.wallet:  # the wallet balance counts isolated margin on every exchange
        figures = {"isolated_total": _money(total), "wallet": _money(facts.wallet)}
        reasons.append(Reason(ReasonCode.WALLET_BELOW_MARGIN, None, 0, (), figures))
    return reasons


RULES: tuple[Callable[[Facts], list[Reason]], ...] = (
    hedged,
    high_leverage,
    experimental,
    protects_wallet,
    little_to_protect,
    survival,
    many_markets,
    profile_reasons,
    wallet_at_risk,
)
