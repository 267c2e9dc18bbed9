"""The mode advice as reply blocks: the headline, the reasons, the figures, and what each
mode changes and what neither does, so no answer reads as a promise of safety."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Protocol

from bot.i18n import Translator
from bot.reply import Block, Button, Paragraph, Table, Title
from bot.views.advice_brief import BriefAdvice
from bot.views.advice_texts import (
    HEADLINES,
    NEITHER,
    NONE,
    REASONS,
    SOURCES,
    positions_text,
    probability_text,
    reason_text,
)
from bot.views.faq import TOPICS
from bot.views.tables import mode_name
from engine.advice import AdviceResult, PositionAdvice, Recommendation
from engine.market import Source, VolatilityEstimate
from engine.models import MarginMode, Side
from engine.odds import ModeOdds
from engine.reasons import ReasonCode
from engine.symbols import base_asset

__all__ = [
    "advice_blocks",
    "brief_blocks",
    "faq_buttons",
    "position_blocks",
    "volatility_note",
]


class _Advised(Protocol):
    """A position's advice as the headline needs it (PositionAdvice, BriefPosition)."""

    @property
    def position_id(self) -> str: ...
    @property
    def symbol(self) -> str: ...
    @property
    def mode(self) -> MarginMode: ...
    @property
    def changes(self) -> bool: ...


_FAQ = {topic.key: topic for topic in TOPICS}


def _label(advice: _Advised) -> str:
    return f"#{advice.position_id} {base_asset(advice.symbol)}"


def _headline(
    tr: Translator, recommendation: Recommendation, positions: Sequence[_Advised]
) -> list[Block]:
    by_mode: dict[bool, list[str]] = {True: [], False: []}
    for advice in positions:
        by_mode[advice.mode is MarginMode.ISOLATED].append(_label(advice))
    text = tr(
        HEADLINES[recommendation],
        isolated=", ".join(by_mode[True]),
        cross=", ".join(by_mode[False]),
    )
    moves = [a for a in positions if a.changes]
    uniform = recommendation is not Recommendation.SPLIT
    if uniform and len(moves) == len(positions) > 1:
        change = tr(
            "To follow it, switch every position to {mode}.",
            mode=mode_name(tr, positions[0].mode),
        )
    elif moves:
        change = tr(
            "To follow it, switch {changes}.",
            changes=", ".join(f"#{a.position_id} → {mode_name(tr, a.mode)}" for a in moves),
        )
    else:
        change = tr("Your positions are set this way already.")
    return [Title(tr("Margin mode advice")), Paragraph(text), Paragraph(change)]


def _why(tr: Translator, result: AdviceResult) -> list[Block]:
    """Portfolio-wide reasons, then each position's two weightiest; a reason that holds
    for several positions is told once, for the first, and the others are named."""
    shown = [r for r in result.portfolio_reasons() if r.weight > 0]
    alike: dict[ReasonCode, list[str]] = {}
    for advice in result.positions:
        ranked = sorted((r for r in advice.reasons if r.weight > 0), key=lambda r: -r.weight)
        for reason in ranked[:2]:
            if reason.code in alike:
                alike[reason.code].append(advice.position_id)
            else:
                alike[reason.code] = []
                shown.append(reason)
    lines = []
    for reason in shown:
        line = f"• {reason_text(tr, reason)}"
        others = alike.get(reason.code) if len(reason.position_ids) == 1 else None
        if others:
            line += " " + tr("The same holds for {positions}.", positions=positions_text(others))
        lines.append(line)
    context = [r for r in result.reasons if r.weight == 0 and r.code is not ReasonCode.BALANCED]
    balanced = [r for r in result.reasons if r.code is ReasonCode.BALANCED]
    lines.extend(f"• {reason_text(tr, r)}" for r in (*balanced, *context))
    return [Title(tr("Why")), Paragraph("\n".join(lines))]


def _table(tr: Translator, result: AdviceResult) -> Table:
    rows = tuple(
        (
            _label(a),
            mode_name(tr, a.mode),
            _liq(tr, a.odds.isolated, a),
            _liq(tr, a.odds.cross, a),
            probability_text(tr, a.odds.isolated.week),
            probability_text(tr, a.odds.cross.week),
        )
        for a in result.positions
    )
    header = (
        tr("Position"),
        tr("Advice"),
        tr("Liq. isolated"),
        tr("Liq. cross"),
        tr("7 days iso."),
        tr("7 days cross"),
    )
    return Table(header, rows)


def _liq(tr: Translator, odds: ModeOdds, advice: PositionAdvice) -> str:
    if odds.liquidation_price is None:
        return tr("none")
    return tr.price(odds.liquidation_price, toward_danger_of_long=advice.side is Side.LONG)


def _summaries(tr: Translator, result: AdviceResult) -> list[Block]:
    """What each mode changes, in the user's figures, and what neither does."""
    blocks: list[Block] = [Title(tr("What each mode changes"))]
    iso = result.summary(Recommendation.ISOLATED)
    crs = result.summary(Recommendation.CROSS)
    split = result.summary(Recommendation.SPLIT)
    if iso is not None:
        blocks.append(
            Paragraph(
                tr(
                    "Isolated: each position can lose at most its own margin (together "
                    "{max_loss} USDT), and a liquidation takes only that position. The "
                    "nearest liquidation is {distance} away.",
                    max_loss=tr.money(iso.max_loss),
                    distance=_distance(tr, iso.nearest_distance),
                )
            )
        )
    if crs is not None:
        blocks.append(
            Paragraph(
                tr.plural(
                    "Cross: the whole wallet, {max_loss} USDT, backs the position, so "
                    "its liquidation price moves further away ({distance}); when it comes, "
                    "the wallet goes with it.",
                    "Cross: the whole wallet, {max_loss} USDT, backs every position, so "
                    "liquidation prices move further away (the nearest {distance}); when one "
                    "comes, all {n} positions go together, and the wallet with them.",
                    crs.liquidated_together,
                    max_loss=tr.money(crs.max_loss),
                    distance=_distance(tr, crs.nearest_distance),
                )
            )
        )
    if split is not None:
        nearest = _distance(tr, split.nearest_distance)
        shared = tr.plural(
            "The split: the isolated positions keep their own margin; the {n} "
            "cross position has the rest of the wallet. The nearest liquidation "
            "is {distance} away.",
            "The split: the isolated positions keep their own margin; the {n} "
            "cross positions share the rest of the wallet. The nearest liquidation "
            "is {distance} away.",
            split.liquidated_together,
            distance=nearest,
        )
        blocks.append(Paragraph(shared))
    blocks.append(Paragraph(tr(NEITHER)))
    return blocks


def _distance(tr: Translator, distance: Decimal | None) -> str:
    return tr("out of reach") if distance is None else tr.percent(distance, 1)


def volatility_note(tr: Translator, estimates: Iterable[VolatilityEstimate]) -> Paragraph:
    """Each market's volatility, grouped by where it comes from."""
    by_source: dict[tuple[Source, str], list[str]] = {}
    for estimate in {e.symbol: e for e in estimates}.values():
        key = (estimate.source, estimate.as_of)
        by_source.setdefault(key, []).append(
            tr(
                "{symbol} {volatility}",
                symbol=estimate.symbol,
                volatility=tr.percent(estimate.annual, 0),
            )
        )
    parts = [
        tr(
            "{markets} a year ({source})",
            markets=", ".join(markets),
            source=tr(SOURCES[source], as_of=as_of),
        )
        for (source, as_of), markets in by_source.items()
    ]
    return Paragraph(
        tr(
            "Odds assume the mark moves at random with the volatility of {estimates}.",
            estimates="; ".join(parts),
        )
    )


def faq_buttons(tr: Translator, topics: Iterable[str]) -> tuple[tuple[Button, ...], ...]:
    """ "More" as buttons, three to a row: each opens the FAQ topic that explains the advice."""
    found = [_FAQ[topic] for topic in topics if topic in _FAQ]
    buttons = [Button(tr(topic.title), f"/faq {topic.key}") for topic in found]
    return tuple(tuple(buttons[i : i + 3]) for i in range(0, len(buttons), 3))


def advice_blocks(tr: Translator, result: AdviceResult) -> list[Block]:
    """The whole-portfolio answer to /recommend."""
    return [
        *_headline(tr, result.recommendation, result.positions),
        *_why(tr, result),
        _table(tr, result),
        volatility_note(tr, (a.odds.volatility for a in result.positions)),
        *_summaries(tr, result),
    ]


def position_blocks(tr: Translator, result: AdviceResult, advice: PositionAdvice) -> list[Block]:
    """/recommend N: one position's figures in both modes, and every reason that concerns it."""
    title = tr("#{n} {symbol}: isolated or cross", n=advice.position_id, symbol=advice.symbol)
    group = next(g for g in result.groups if advice.position_id in g.position_ids)
    lines = [
        tr("Recommended: {mode}.", mode=mode_name(tr, advice.mode)),
    ]
    if len(group.position_ids) > 1:
        others = [pid for pid in group.position_ids if pid != advice.position_id]
        lines.append(
            tr(
                "It goes together with {positions}: they share one mode.",
                positions=positions_text(others),
            )
        )
    iso, crs = advice.odds.isolated, advice.odds.cross
    rows = (
        (tr("Liquidation price"), _liq(tr, iso, advice), _liq(tr, crs, advice)),
        (tr("Distance"), _distance_cell(tr, iso), _distance_cell(tr, crs)),
        (
            tr("Maximum loss"),
            tr.money(advice.isolated_max_loss),
            tr.money(advice.cross_max_loss),
        ),
        (tr("Odds within 24 hours"), probability_text(tr, iso.day), probability_text(tr, crs.day)),
        (tr("Odds within 7 days"), probability_text(tr, iso.week), probability_text(tr, crs.week)),
    )
    header = ("", mode_name(tr, MarginMode.ISOLATED), mode_name(tr, MarginMode.CROSS))
    reasons = [r for r in result.reasons if r.concerns(advice.position_id) and r.code in REASONS]
    return [
        Title(title),
        Paragraph("\n".join(lines)),
        Table(header, rows),
        Paragraph("\n".join(f"• {reason_text(tr, r)}" for r in reasons)),
        volatility_note(tr, (advice.odds.volatility,)),
        Paragraph(tr(NEITHER)),
    ]


def _distance_cell(tr: Translator, odds: ModeOdds) -> str:
    return NONE if odds.distance is None else tr.percent(odds.distance, 1)


def brief_blocks(tr: Translator, brief: BriefAdvice) -> list[Block]:
    """The headline, the weightiest reason, what neither mode changes, where to read more."""
    blocks = _headline(tr, brief.recommendation, brief.positions)[1:]
    if brief.reason is not None:
        blocks.append(Paragraph(f"• {reason_text(tr, brief.reason)}"))
    blocks.append(Paragraph(tr(NEITHER)))
    blocks.append(Paragraph(tr("Details: /recommend")))
    return blocks
