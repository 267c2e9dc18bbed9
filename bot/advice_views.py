"""The mode advice in words: reason codes and figures -> sentences in the reader's language.

The engine says *what* (codes, figures with units); this module says it, and
adds what each mode changes and what neither does, so no answer reads as a
promise of safety.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from bot.i18n import N_, Translator
from bot.reply import Block, Paragraph, Table, Title
from bot.views import mode_name
from engine.advice import AdviceResult, PositionAdvice, Recommendation
from engine.market import Source, VolatilityEstimate
from engine.models import MarginMode, Side
from engine.odds import ModeOdds
from engine.profile import Experience, RiskProfile, Style
from engine.reasons import Figure, Reason, ReasonCode, Unit
from engine.symbols import base_asset

__all__ = [
    "EXPERIENCE_NAMES",
    "STYLE_NAMES",
    "advice_blocks",
    "position_blocks",
    "probability_text",
    "profile_text",
    "reason_text",
]

REASONS: Mapping[ReasonCode, str] = {
    ReasonCode.HEDGED: N_(
        "{symbols} offset each other (correlation {correlation}; the smaller side covers "
        "{offset} of the larger). In cross their losses net out: the nearest liquidation is "
        "{cross_distance} away instead of {isolated_distance} in isolated."
    ),
    ReasonCode.LONG_TERM: N_(
        "#{n} {symbol} is a trend position at {leverage}: in cross the wallet carries it "
        "through pullbacks (liquidation {cross_distance} away instead of {isolated_distance})."
    ),
    ReasonCode.LITTLE_TO_PROTECT: N_(
        "#{n} {symbol} already holds {share} of the wallet as margin, so isolating it "
        "protects little; cross moves its liquidation from {isolated_liquidation} to "
        "{cross_liquidation}."
    ),
    ReasonCode.SURVIVAL: N_(
        "#{n} {symbol}: the odds that the mark touches the isolated liquidation price "
        "({isolated_liquidation}) within a week are {isolated_week_odds}; the cross one "
        "({cross_liquidation}), {cross_week_odds}."
    ),
    ReasonCode.HEDGING_STYLE: N_(
        "You trade {style}: offsetting positions work best sharing one margin."
    ),
    ReasonCode.HIGH_LEVERAGE: N_(
        "#{n} {symbol} runs at {leverage}, high leverage (from {threshold}): one fast move "
        "can liquidate it (odds within 24 hours, isolated: {isolated_day_odds}). Isolated, "
        "that costs {isolated_max_loss} USDT; in cross, up to {cross_max_loss} USDT."
    ),
    ReasonCode.SHORT_TERM: N_(
        "You trade {style}: fast trades are best kept apart, each with its own margin."
    ),
    ReasonCode.EXPERIMENTAL: N_(
        "#{n} {symbol} is a small stake ({share} of the wallet) in a market that moves about "
        "{volatility} a year ({source}): isolated, {isolated_max_loss} USDT is at stake "
        "instead of up to {cross_max_loss} USDT."
    ),
    ReasonCode.PROTECTS_WALLET: N_(
        "#{n} {symbol}: isolated, it can lose at most its margin, {isolated_max_loss} USDT "
        "({share} of the wallet); in cross, up to {cross_max_loss} USDT."
    ),
    ReasonCode.MANY_MARKETS: N_(
        "{positions} positions in {markets} unrelated markets: in cross, a crash in any one "
        "of them can take the whole wallet."
    ),
    ReasonCode.BEGINNER: N_(
        "You are starting out: isolated margin keeps each mistake to the margin you chose."
    ),
    ReasonCode.LOSS_LIMIT: N_(
        "#{n} {symbol}: you allow {limit} of the account per trade; isolated keeps this one "
        "to its margin ({share}), cross could take the whole wallet."
    ),
    ReasonCode.BALANCED: N_(
        "{positions}: the figures are balanced, so the advice leans to isolated, the mode "
        "with the smaller maximum loss."
    ),
    ReasonCode.WALLET_AT_RISK: N_(
        "At stake in isolated: the margins of your {positions} positions in {markets} "
        "markets, {isolated_total} USDT ({isolated_share} of the wallet); in cross, the "
        "whole {wallet} USDT."
    ),
    ReasonCode.MARGIN_ABOVE_LIMIT: N_(
        "#{n} {symbol}: even isolated, its margin is {share} of the wallet, above your "
        "{limit} per trade; a smaller size or less margin would keep it within your limit."
    ),
    ReasonCode.NO_PROFILE: N_(
        "Tell me how you trade with /profile, and the advice will take it into account."
    ),
}
STYLE_NAMES: Mapping[Style, str] = {
    Style.SCALPING: N_("scalping"),
    Style.SWING: N_("swing trading"),
    Style.TREND: N_("long-term trends"),
    Style.HEDGING: N_("hedging"),
    Style.ARBITRAGE: N_("arbitrage"),
}
EXPERIENCE_NAMES: Mapping[Experience, str] = {
    Experience.BEGINNER: N_("starting out"),
    Experience.INTERMEDIATE: N_("a year or two"),
    Experience.EXPERIENCED: N_("many years"),
}
_SOURCES: Mapping[Source, str] = {
    Source.KLINES: N_("recent prices"),
    Source.DEFAULT: N_("weekly closes to {as_of}"),
    Source.GENERIC: N_("no data for it: a generic estimate"),
    Source.SAME_SYMBOL: N_("the same market"),
}
_HEADLINES: Mapping[Recommendation, str] = {
    Recommendation.ISOLATED: N_("Recommended: isolated, for every position."),
    Recommendation.CROSS: N_("Recommended: cross, for every position."),
    Recommendation.SPLIT: N_("Recommended: a split. Isolated: {isolated}. Cross: {cross}."),
}
_NEITHER = N_(
    "Neither mode changes your profit or loss for a given price move, the fees or the "
    "funding, and neither prevents a liquidation. This advice comes from your figures and "
    "past volatility; it is an estimate, not a promise."
)
_NONE = "—"


def probability_text(tr: Translator, value: Decimal) -> str:
    """A probability as a percentage that never rounds a real risk to 0% or 100%."""
    if value <= 0:
        return tr.percent(Decimal(0), 0)
    if value < Decimal("0.001"):
        return tr("under {value}", value=tr.percent(Decimal("0.001"), 1))
    if value >= 1:
        return tr.percent(Decimal(1), 0)
    if value > Decimal("0.999"):
        return tr("over {value}", value=tr.percent(Decimal("0.999"), 1))
    return tr.percent(value, 1)


def _figure(tr: Translator, key: str, figure: Figure) -> str:
    value = figure.value
    if value is None:
        return tr("none") if figure.unit is Unit.PRICE else _NONE
    if isinstance(value, str):
        return _text(tr, key, value)
    if key == "volatility":
        return tr.percent(Decimal(value), 0)
    formatters = {
        Unit.MONEY: lambda v: tr.money(Decimal(v)),
        Unit.FRACTION: lambda v: tr.percent(Decimal(v), 1),
        Unit.PROBABILITY: lambda v: probability_text(tr, Decimal(v)),
        Unit.PRICE: lambda v: tr.price(Decimal(v), toward_danger_of_long=figure.long),
        Unit.LEVERAGE: lambda v: tr("{leverage}x", leverage=tr.quantity(Decimal(v))),
        Unit.COUNT: lambda v: tr.integer(int(v)),
        Unit.COEFFICIENT: lambda v: tr.quantity(Decimal(v).quantize(Decimal("0.01"))),
    }
    return formatters[figure.unit](value)


def _text(tr: Translator, key: str, value: str) -> str:
    if key == "style" and value in {s.value for s in Style}:
        return tr(STYLE_NAMES[Style(value)])
    if key == "source" and value in {s.value for s in Source}:
        return tr(_SOURCES[Source(value)], as_of="")
    return value


def _positions(ids: Iterable[str]) -> str:
    return ", ".join(f"#{pid}" for pid in ids)


def reason_text(tr: Translator, reason: Reason) -> str:
    params = {key: _figure(tr, key, figure) for key, figure in reason.figures.items()}
    if len(reason.position_ids) == 1:
        params.setdefault("n", reason.position_ids[0])
    params.setdefault("positions", _positions(reason.position_ids))
    return tr(REASONS[reason.code], **params)


def _label(advice: PositionAdvice) -> str:
    return f"#{advice.position_id} {base_asset(advice.symbol)}"


def _headline(tr: Translator, result: AdviceResult) -> list[Block]:
    by_mode: dict[bool, list[str]] = {True: [], False: []}
    for advice in result.positions:
        by_mode[advice.mode is MarginMode.ISOLATED].append(_label(advice))
    text = tr(
        _HEADLINES[result.recommendation],
        isolated=", ".join(by_mode[True]),
        cross=", ".join(by_mode[False]),
    )
    moves = [a for a in result.positions if a.changes]
    if moves:
        change = tr(
            "To follow it, switch {changes}.",
            changes=", ".join(f"#{a.position_id} → {mode_name(tr, a.mode)}" for a in moves),
        )
    else:
        change = tr("Your positions are set this way already.")
    return [Title(tr("Margin mode advice")), Paragraph(text), Paragraph(change)]


def _why(tr: Translator, result: AdviceResult) -> list[Block]:
    """Portfolio-wide reasons, then each position's two weightiest."""
    shown = [r for r in result.portfolio_reasons() if r.weight > 0]
    for advice in result.positions:
        ranked = sorted((r for r in advice.reasons if r.weight > 0), key=lambda r: -r.weight)
        shown.extend(ranked[:2])
    context = [r for r in result.reasons if r.weight == 0 and r.code is not ReasonCode.BALANCED]
    balanced = [r for r in result.reasons if r.code is ReasonCode.BALANCED]
    lines = [f"• {reason_text(tr, r)}" for r in (*shown, *balanced, *context)]
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
                tr(
                    "Cross: the whole wallet, {max_loss} USDT, backs every position, so "
                    "liquidation prices move further away (the nearest {distance}); when one "
                    "comes, all {count} positions go together, and the wallet with them.",
                    max_loss=tr.money(crs.max_loss),
                    distance=_distance(tr, crs.nearest_distance),
                    count=tr.integer(crs.liquidated_together),
                )
            )
        )
    if split is not None:
        blocks.append(
            Paragraph(
                tr(
                    "The split: the isolated positions keep their own margin; the {count} "
                    "cross positions share the rest of the wallet. The nearest liquidation "
                    "is {distance} away.",
                    count=tr.integer(split.liquidated_together),
                    distance=_distance(tr, split.nearest_distance),
                )
            )
        )
    blocks.append(Paragraph(tr(_NEITHER)))
    return blocks


def _distance(tr: Translator, distance: Decimal | None) -> str:
    return tr("out of reach") if distance is None else tr.percent(distance, 1)


def volatility_note(tr: Translator, estimates: Iterable[VolatilityEstimate]) -> Paragraph:
    parts = []
    for estimate in {e.symbol: e for e in estimates}.values():
        source = tr(_SOURCES[estimate.source], as_of=estimate.as_of)
        parts.append(
            tr(
                "{symbol} {volatility} a year ({source})",
                symbol=estimate.symbol,
                volatility=tr.percent(estimate.annual, 0),
                source=source,
            )
        )
    return Paragraph(
        tr(
            "Odds assume the mark moves at random with the volatility of {estimates}.",
            estimates="; ".join(parts),
        )
    )


def faq_line(tr: Translator, topics: Iterable[str]) -> Paragraph:
    return Paragraph(tr("More: {topics}", topics=" · ".join(f"/faq {topic}" for topic in topics)))


def advice_blocks(tr: Translator, result: AdviceResult) -> list[Block]:
    """The whole-portfolio answer to /recommend."""
    return [
        *_headline(tr, result),
        *_why(tr, result),
        _table(tr, result),
        volatility_note(tr, (a.odds.volatility for a in result.positions)),
        *_summaries(tr, result),
        faq_line(tr, result.faq_topics),
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
                positions=_positions(others),
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
        Paragraph(tr(_NEITHER)),
        faq_line(tr, result.faq_topics),
    ]


def _distance_cell(tr: Translator, odds: ModeOdds) -> str:
    return _NONE if odds.distance is None else tr.percent(odds.distance, 1)


def profile_text(tr: Translator, profile: RiskProfile) -> str:
    """'starting out · swing trading · 2% per trade', with — for what is unanswered."""
    experience = tr(EXPERIENCE_NAMES[profile.experience]) if profile.experience else _NONE
    style = tr(STYLE_NAMES[profile.style]) if profile.style else _NONE
    loss = (
        tr("{limit} per trade", limit=tr.percent(profile.max_trade_loss, 0))
        if profile.max_trade_loss is not None
        else _NONE
    )
    return " · ".join((experience, style, loss))
