"""The advice's sentences and names: reason codes and figures -> text in the reader's language.

The engine says *what* (codes, figures with units); these templates say it.
Every figure is formatted by its unit, so a template never formats numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from bot.i18n import N_, Translator
from engine.advice import Recommendation
from engine.market import Source
from engine.profile import Experience, RiskProfile, Style
from engine.reasons import Figure, Reason, ReasonCode, Unit

__all__ = [
    "EXPERIENCE_NAMES",
    "HEADLINES",
    "NEITHER",
    "NONE",
    "REASONS",
    "SOURCES",
    "STYLE_NAMES",
    "positions_text",
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
    ReasonCode.WALLET_BELOW_MARGIN: N_(
        "Your isolated margins ({isolated_total} USDT) are more than the wallet balance "
        "({wallet} USDT), which on an exchange includes them: set the real balance with "
        "/balance, or the cross figures will understate what you hold."
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
SOURCES: Mapping[Source, str] = {
    Source.KLINES: N_("recent prices"),
    Source.DEFAULT: N_("weekly closes to {as_of}"),
    Source.GENERIC: N_("no data: a generic estimate"),
    Source.SAME_SYMBOL: N_("the same market"),
}
HEADLINES: Mapping[Recommendation, str] = {
    Recommendation.ISOLATED: N_("Recommended: isolated, for every position."),
    Recommendation.CROSS: N_("Recommended: cross, for every position."),
    Recommendation.SPLIT: N_("Recommended: a split. Isolated: {isolated}. Cross: {cross}."),
}
_SHORT_SOURCES: Mapping[Source, str] = {
    Source.KLINES: N_("recent prices"),
    Source.DEFAULT: N_("past weekly closes"),
    Source.GENERIC: N_("no data for it: a generic estimate"),
    Source.SAME_SYMBOL: N_("the same market"),
}
NEITHER = N_(
    "Neither mode changes your profit or loss for a given price move, the fees or the "
    "funding, and neither prevents a liquidation. This advice comes from your figures and "
    "past volatility; it is an estimate, not a promise."
)
NONE = "—"


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
        return tr("none") if figure.unit is Unit.PRICE else NONE
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
        return tr(_SHORT_SOURCES[Source(value)])
    return value


def positions_text(ids: Iterable[str]) -> str:
    return ", ".join(f"#{pid}" for pid in ids)


def reason_text(tr: Translator, reason: Reason) -> str:
    params = {key: _figure(tr, key, figure) for key, figure in reason.figures.items()}
    if len(reason.position_ids) == 1:
        params.setdefault("n", reason.position_ids[0])
    params.setdefault("positions", positions_text(reason.position_ids))
    return tr(REASONS[reason.code], **params)


def profile_text(tr: Translator, profile: RiskProfile) -> str:
    """'starting out · swing trading · 2% per trade', with — for what is unanswered."""
    experience = tr(EXPERIENCE_NAMES[profile.experience]) if profile.experience else NONE
    style = tr(STYLE_NAMES[profile.style]) if profile.style else NONE
    loss = (
        tr("{limit} per trade", limit=tr.percent(profile.max_trade_loss, 0))
        if profile.max_trade_loss is not None
        else NONE
    )
    return " · ".join((experience, style, loss))
