"""/recommend and /profile: which margin mode, and the questions the advice uses."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bot.commands.command import Feature
from bot.commands.context import Context
from bot.i18n import N_, Translator
from bot.parsing import advice as grammar
from bot.parsing.intents import Recommend, SetProfile
from bot.reply import Block, Button, Paragraph, Reply, Title
from bot.views.advice import advice_blocks, faq_buttons, position_blocks
from bot.views.advice_texts import profile_text
from bot.views.tables import mode_name
from engine.advice import AdviceResult, PositionAdvice, Recommendation, advise
from engine.market import MarketData
from engine.models import MarginMode
from engine.profile import LOSS_CHOICES, Experience, RiskProfile, Style
from storage.errors import NotFound
from storage.users import User

__all__ = ["commands", "market_data", "profile", "recommend", "risk_profile"]

QUESTIONS = ("experience", "style", "max_trade_loss")
_ASKS = {
    "experience": N_("How long have you been trading futures?"),
    "style": N_("How do you trade, mostly?"),
    "max_trade_loss": N_("How much of your account may a single trade lose, at most?"),
}
_EXPERIENCE_BUTTONS = {
    Experience.BEGINNER: N_("Starting out"),
    Experience.INTERMEDIATE: N_("A year or two"),
    Experience.EXPERIENCED: N_("Many years"),
}
_STYLE_BUTTONS = {
    Style.SCALPING: N_("Scalping"),
    Style.SWING: N_("Swing"),
    Style.TREND: N_("Long-term trend"),
    Style.HEDGING: N_("Hedging"),
    Style.ARBITRAGE: N_("Arbitrage"),
}
_MODE_WORD = {MarginMode.ISOLATED: "iso", MarginMode.CROSS: "cross"}


def market_data(ctx: Context) -> MarketData:
    """Volatility and correlations for the advice and the odds: the feeds' recent daily
    closes where they are fresh, the shipped defaults elsewhere (the reply says which)."""
    return ctx.services.klines.market(ctx.services.clock())


def risk_profile(user: User) -> RiskProfile:
    return RiskProfile.from_json(user.risk_profile)


commands = Feature()


@commands.command("recommend", grammar.recommend, aliases=("advice", "advise", "rec")).help(
    ("/recommend [N|SYMBOL]", "/recommend · /recommend 2"),
    N_(
        "Isolated, cross or a split: which margin mode suits your portfolio, "
        "with the figures behind the advice."
    ),
)
async def recommend(ctx: Context, intent: Recommend) -> Reply:
    tr = ctx.tr
    portfolio = await ctx.held()
    if portfolio is None:
        return Reply.of(tr("No positions to advise on yet: add one with /long or /short."))
    result = advise(portfolio, ctx.services.book, market_data(ctx), risk_profile(ctx.user))
    if intent.seq is None and intent.symbol is None:
        blocks: list[Block] = advice_blocks(tr, result)
        buttons = _portfolio_buttons(tr, result)
    else:
        advice = _pick(result, intent)
        if advice is None:
            return Reply.error(
                tr("No position in {symbol}: see /positions.", symbol=intent.symbol or "")
            )
        blocks = position_blocks(tr, result, advice)
        buttons = _position_buttons(tr, result, advice)
    blocks.extend(ctx.sources_note(portfolio.positions))
    more = faq_buttons(tr, result.faq_topics)
    return Reply(tuple(blocks), (*buttons, *more), private_only=True)


def _pick(result: AdviceResult, intent: Recommend) -> PositionAdvice | None:
    if intent.seq is not None:
        wanted = str(intent.seq)
        found = next((a for a in result.positions if a.position_id == wanted), None)
        if found is None:
            raise NotFound(what="position", seq=intent.seq)
        return found
    return next((a for a in result.positions if a.symbol == intent.symbol), None)


def _portfolio_buttons(tr: Translator, result: AdviceResult) -> tuple[tuple[Button, ...], ...]:
    row = [Button(tr("Chart"), "/chart")]
    uniform = result.recommendation is not Recommendation.SPLIT
    if uniform and any(a.changes for a in result.positions):
        mode = result.positions[0].mode
        row.append(
            Button(
                tr("Switch all to {mode}", mode=mode_name(tr, mode)),
                f"/mode all {_MODE_WORD[mode]}",
            )
        )
    if not result.profile.complete:
        row.append(Button(tr("My profile"), "/profile"))
    return (tuple(row),)


def _position_buttons(
    tr: Translator, result: AdviceResult, advice: PositionAdvice
) -> tuple[tuple[Button, ...], ...]:
    row = [Button(tr("Chart"), f"/chart {advice.position_id}")]
    alone = any(g.position_ids == (advice.position_id,) for g in result.groups)
    if advice.changes and alone:
        row.append(
            Button(
                tr("Switch #{n} to {mode}", n=advice.position_id, mode=mode_name(tr, advice.mode)),
                f"/mode {advice.position_id} {_MODE_WORD[advice.mode]}",
            )
        )
    return (tuple(row),)


@commands.command("profile", grammar.profile).help(
    (
        "/profile [experience|style|risk [ANSWER]] · /profile reset",
        "/profile · /profile style swing · /profile risk 2%",
    ),
    N_("A few questions on how you trade (experience, style, loss per trade) for /recommend."),
)
async def profile(ctx: Context, intent: SetProfile) -> Reply:
    tr = ctx.tr
    current = risk_profile(ctx.user)
    if intent.reset:
        await ctx.services.users.update(ctx.user.id, risk_profile=None)
        return Reply(
            (Paragraph(tr("Your profile is cleared.")),),
            ((Button(tr("Start again"), "/profile"),),),
        )
    if intent.question is not None and intent.answer is not None:
        updated = current.with_answer(intent.question, intent.answer)
        await ctx.services.users.update(ctx.user.id, risk_profile=updated.as_json())
        saved = Paragraph(tr("Saved: {profile}.", profile=profile_text(tr, updated)))
        return _next_step(tr, updated, (saved,))
    if intent.question is not None:
        return _ask(tr, intent.question, ())
    summary = Paragraph(tr("Your profile: {profile}.", profile=profile_text(tr, current)))
    return _next_step(tr, current, (Title(tr("How you trade")), summary))


def _next_step(tr: Translator, current: RiskProfile, lead: Sequence[Block]) -> Reply:
    unanswered = [q for q in QUESTIONS if getattr(current, q) is None]
    if unanswered:
        return _ask(tr, unanswered[0], lead)
    done = Paragraph(tr("/recommend takes your answers into account. Change one at any time:"))
    change = (
        Button(tr("Experience"), "/profile experience"),
        Button(tr("Style"), "/profile style"),
        Button(tr("Loss per trade"), "/profile risk"),
    )
    more = (Button(tr("Advice"), "/recommend"), Button(tr("Start over"), "/profile reset"))
    return Reply((*lead, done), (change, more))


def _ask(tr: Translator, question: str, lead: Sequence[Block]) -> Reply:
    step = tr(
        "Question {n} of {total}: {question}",
        n=tr.integer(QUESTIONS.index(question) + 1),
        total=tr.integer(len(QUESTIONS)),
        question=tr(_ASKS[question]),
    )
    return Reply((*lead, Paragraph(step)), _choices(tr, question))


def _choices(tr: Translator, question: str) -> tuple[tuple[Button, ...], ...]:
    if question == "experience":
        return (
            tuple(
                Button(tr(label), f"/profile experience {e.value}")
                for e, label in _EXPERIENCE_BUTTONS.items()
            ),
        )
    if question == "style":
        buttons = [
            Button(tr(label), f"/profile style {s.value}") for s, label in _STYLE_BUTTONS.items()
        ]
        return (tuple(buttons[:3]), tuple(buttons[3:]))
    return (tuple(Button(tr.percent(c, 0), f"/profile risk {_percent(c)}%") for c in LOSS_CHOICES),)


def _percent(fraction: Decimal) -> str:
    return format((fraction * 100).normalize(), "f")
