"""The notice that one symbol's price is unusable while its feed is otherwise up: the
outbox message and how it reads (`bot.alerts.symbol_notices` decides when it goes)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict

from bot.feeds.book import MarkProblem, Problem, Refusal
from bot.i18n import Translator
from bot.reply import Block, Paragraph, Reply, Title
from bot.views.mark_problems import problem_text
from engine.models import Exchange

__all__ = ["SymbolPriceMessage", "render_symbol_price"]

_Utc = Annotated[AwareDatetime, AfterValidator(lambda moment: moment.astimezone(UTC))]


class SymbolPriceMessage(BaseModel):
    """`symbol` has had no usable price from `exchange` since `since`, for `problem`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["symbol_price"] = "symbol_price"
    exchange: Exchange
    symbol: str
    problem: Problem
    refusal: Refusal | None = None
    since: _Utc | None = None  # the last usable price's time
    stand_in: str | None = None  # the feed whose mark prices the user meanwhile


def render_symbol_price(tr: Translator, p: SymbolPriceMessage, now: datetime) -> Reply:
    """The notice: which price, since when, why, and what prices the user meanwhile."""
    since = p.since.astimezone(UTC).strftime("%H:%M") if p.since is not None else "—"
    title = tr(
        "No usable {exchange} price for {symbol} since {time} UTC",
        exchange=p.exchange.value,
        symbol=p.symbol,
        time=since,
    )
    why = problem_text(tr, MarkProblem(p.exchange, p.problem, p.refusal, p.since), now)
    meanwhile = (
        tr(
            "Meanwhile your positions and alerts in {symbol} use the {source} mark.",
            symbol=p.symbol,
            source=p.stand_in,
        )
        if p.stand_in is not None
        else tr(
            "Alerts for {symbol} wait until a live price returns; replies say which price "
            "they use meanwhile.",
            symbol=p.symbol,
        )
    )
    blocks: list[Block] = [Title(title), *([Paragraph(why)] if why else []), Paragraph(meanwhile)]
    return Reply(tuple(blocks))
