"""Which margin mode, for this portfolio and for each position, and why.

`advise` evaluates the portfolio twice (every position isolated, every
position cross), adds each position's liquidation odds, links hedges and
same-market legs into groups, and runs the rules of `engine.advice_rules`.
Each group takes the mode its reasons favour on balance (isolated on a tie:
the smaller maximum loss); the portfolio is ISOLATED, CROSS, or a SPLIT.

The result never claims safety: it states, per mode, the maximum loss, the
nearest liquidation and how many positions fall together, for the bot to say
what a mode changes and what it does not. Reasons and figures are codes and
numbers; the bot words them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from engine.advice_rules import RULES, Facts, Policy, PositionFacts
from engine.errors import EngineError, InvalidInput
from engine.hedges import Group, group_positions
from engine.margin import Evaluation, PositionResult, evaluate
from engine.market import MarketData
from engine.models import MarginMode, Portfolio, Side
from engine.numbers import ZERO
from engine.odds import ModeOdds, PositionOdds, mode_odds, position_odds
from engine.profile import RiskProfile
from engine.reasons import Reason, ReasonCode
from engine.scenarios import as_mode
from engine.tiers import TierBook

__all__ = [
    "AdviceResult",
    "ModeSummary",
    "PositionAdvice",
    "Recommendation",
    "advise",
]

ISO, CROSS = MarginMode.ISOLATED, MarginMode.CROSS
_TOPICS: Mapping[ReasonCode, str] = {
    ReasonCode.HEDGED: "hedging",
    ReasonCode.HEDGING_STYLE: "hedging",
    ReasonCode.HIGH_LEVERAGE: "leverage",
    ReasonCode.SURVIVAL: "liquidation",
    ReasonCode.LITTLE_TO_PROTECT: "liquidation",
    ReasonCode.MARGIN_ABOVE_LIMIT: "addmargin",
}


class Recommendation(StrEnum):
    ISOLATED = "isolated"
    CROSS = "cross"
    SPLIT = "split"  # some positions isolated, the rest cross


@dataclass(frozen=True, slots=True)
class PositionAdvice:
    position_id: str
    symbol: str
    side: Side
    current: MarginMode
    mode: MarginMode  # the recommended one
    odds: PositionOdds  # liquidation price, distance and odds, all isolated and all cross
    isolated_max_loss: Decimal  # the position's margin in isolated mode
    cross_max_loss: Decimal  # the shared wallet in cross mode
    recommended: ModeOdds | None  # in the recommended layout; None if it cannot be evaluated
    reasons: tuple[Reason, ...]  # the reasons about this position alone
    score: int  # its group's balance: positive favours isolated

    @property
    def changes(self) -> bool:
        return self.mode is not self.current


@dataclass(frozen=True, slots=True)
class ModeSummary:
    """What a layout puts at stake: worst loss, nearest liquidation, what falls together."""

    layout: Recommendation
    max_loss: Decimal
    nearest_distance: Decimal | None
    liquidated_together: int  # the most positions one liquidation takes down


@dataclass(frozen=True, slots=True)
class AdviceResult:
    recommendation: Recommendation
    positions: tuple[PositionAdvice, ...]
    reasons: tuple[Reason, ...]  # every reason, portfolio-wide and per position
    groups: tuple[Group, ...]
    summaries: tuple[ModeSummary, ...]  # all isolated, all cross (and the split, if any)
    profile: RiskProfile
    faq_topics: tuple[str, ...]  # ids of the FAQ entries that explain the advice

    @property
    def modes(self) -> dict[str, MarginMode]:
        return {p.position_id: p.mode for p in self.positions}

    @property
    def key(self) -> str:
        """A stable text of the advice, to store and compare ('split:1=isolated,2=cross')."""
        modes = ",".join(f"{p.position_id}={p.mode.value}" for p in self.positions)
        return f"{self.recommendation.value}:{modes}"

    def portfolio_reasons(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if len(r.position_ids) != 1)

    def summary(self, layout: Recommendation) -> ModeSummary | None:
        return next((s for s in self.summaries if s.layout is layout), None)


def advise(
    portfolio: Portfolio,
    book: TierBook,
    market: MarketData,
    profile: RiskProfile | None = None,
    policy: Policy | None = None,
) -> AdviceResult:
    """The mode advice for a portfolio with at least one position."""
    if not portfolio.positions:
        raise InvalidInput(field="positions", reason="empty")
    profile = profile or RiskProfile()
    policy = policy or Policy()
    isolated = evaluate(as_mode(portfolio, ISO), book)
    cross = evaluate(as_mode(portfolio, CROSS), book)
    facts = _facts(portfolio, isolated, cross, market, profile, policy)
    reasons = tuple(reason for rule in RULES for reason in rule(facts))
    scores = _group_scores(facts, reasons)
    modes = {pid: (CROSS if score < 0 else ISO) for pid, score in scores.items()}
    ties = tuple(pid for pid, score in scores.items() if score == 0)
    if ties:
        reasons = (*reasons, Reason(ReasonCode.BALANCED, ISO, 0, ties))
    layout = _layout(modes)
    recommended = _evaluate_layout(portfolio, book, modes)
    positions = tuple(
        _position_advice(p, modes[p.id], scores[p.id], reasons, recommended, facts.wallet)
        for p in facts.positions
    )
    return AdviceResult(
        recommendation=layout,
        positions=positions,
        reasons=reasons,
        groups=facts.groups,
        summaries=_summaries(facts, layout, modes, recommended),
        profile=profile,
        faq_topics=_topics(layout, reasons),
    )


def _facts(
    portfolio: Portfolio,
    isolated: Evaluation,
    cross: Evaluation,
    market: MarketData,
    profile: RiskProfile,
    policy: Policy,
) -> Facts:
    wallet = portfolio.wallet_balance
    odds = position_odds(isolated, cross, market)
    notionals = {r.position.id: r.notional for r in isolated.positions}
    groups = group_positions(
        portfolio.positions,
        notionals,
        market,
        strong_correlation=policy.strong_correlation,
        min_offset=policy.min_offset,
    )
    by_id = {pid: group for group in groups for pid in group.position_ids}
    positions = tuple(
        PositionFacts(
            position=position,
            isolated=iso,
            cross=crs,
            odds=position_odds_for,
            share=(iso.isolated_margin or ZERO) / wallet if wallet > ZERO else Decimal(1),
            group=by_id[position.id],
        )
        for position, iso, crs, position_odds_for in zip(
            portfolio.positions, isolated.positions, cross.positions, odds, strict=True
        )
    )
    return Facts(wallet, positions, groups, profile, policy)


def _group_scores(facts: Facts, reasons: tuple[Reason, ...]) -> dict[str, int]:
    """Each position's score is its whole group's: linked legs share one mode."""
    scores: dict[str, int] = {}
    for group in facts.groups:
        total = sum(
            reason.score()
            for pid in group.position_ids
            for reason in reasons
            if reason.concerns(pid)
        )
        scores.update(dict.fromkeys(group.position_ids, total))
    return {p.id: scores[p.id] for p in facts.positions}


def _layout(modes: Mapping[str, MarginMode]) -> Recommendation:
    chosen = set(modes.values())
    if chosen == {ISO}:
        return Recommendation.ISOLATED
    if chosen == {CROSS}:
        return Recommendation.CROSS
    return Recommendation.SPLIT


def _evaluate_layout(
    portfolio: Portfolio, book: TierBook, modes: Mapping[str, MarginMode]
) -> Evaluation | None:
    """The portfolio with each position in its recommended mode.

    None when the exchange would refuse it, e.g. isolated margins that leave
    the cross positions a negative wallet.
    """
    positions = tuple(
        p.model_copy(update={"margin_mode": modes[p.id]}) for p in portfolio.positions
    )
    try:
        return evaluate(portfolio.model_copy(update={"positions": positions}), book)
    except EngineError:
        return None


def _position_advice(
    facts: PositionFacts,
    mode: MarginMode,
    score: int,
    reasons: tuple[Reason, ...],
    recommended: Evaluation | None,
    wallet: Decimal,
) -> PositionAdvice:
    in_layout: ModeOdds | None = None
    if recommended is not None:
        result: PositionResult = recommended.by_id(facts.id)
        in_layout = mode_odds(result, mode, facts.odds.volatility.annual)
    return PositionAdvice(
        position_id=facts.id,
        symbol=facts.position.symbol,
        side=facts.position.side,
        current=facts.position.margin_mode,
        mode=mode,
        odds=facts.odds,
        isolated_max_loss=facts.isolated.isolated_margin or ZERO,
        cross_max_loss=wallet,
        recommended=in_layout,
        reasons=tuple(r for r in reasons if r.position_ids == (facts.id,)),
        score=score,
    )


def _summaries(
    facts: Facts,
    layout: Recommendation,
    modes: Mapping[str, MarginMode],
    recommended: Evaluation | None,
) -> tuple[ModeSummary, ...]:
    margins = [p.isolated.isolated_margin or ZERO for p in facts.positions]
    summaries = [
        ModeSummary(
            Recommendation.ISOLATED,
            min(sum(margins, ZERO), facts.wallet),
            _nearest(p.isolated for p in facts.positions),
            1,
        ),
        ModeSummary(
            Recommendation.CROSS,
            facts.wallet,
            _nearest(p.cross for p in facts.positions),
            len(facts.positions),
        ),
    ]
    if layout is Recommendation.SPLIT and recommended is not None:
        crossed = [pid for pid, mode in modes.items() if mode is CROSS]
        summaries.append(
            ModeSummary(
                Recommendation.SPLIT,
                facts.wallet,
                _nearest(recommended.positions),
                max(len(crossed), 1),
            )
        )
    return tuple(summaries)


def _nearest(results: Iterable[PositionResult]) -> Decimal | None:
    distances = [d for r in results if (d := r.distance_to_liquidation) is not None]
    return min(distances, default=None)


def _topics(layout: Recommendation, reasons: tuple[Reason, ...]) -> tuple[str, ...]:
    first = {
        Recommendation.ISOLATED: ("isolated",),
        Recommendation.CROSS: ("cross",),
        Recommendation.SPLIT: ("isolated", "cross"),
    }[layout]
    found = [_TOPICS[r.code] for r in reasons if r.code in _TOPICS]
    return tuple(dict.fromkeys((*first, "choose", *found)))
