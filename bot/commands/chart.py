"""/chart: the equity picture, drawn off the event loop; and the button /whatif carries."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from functools import partial

from bot.commands.command import Feature
from bot.commands.context import Context
from bot.commands.contracts import contract_symbol, shocks_in_contracts
from bot.i18n import N_, Translator
from bot.parsing import advice as grammar
from bot.parsing.intents import ShowChart
from bot.reply import CALLBACK_LIMIT, Block, Paragraph, Reply, Title
from bot.views.chart_render import ChartText, can_draw, render_png
from bot.views.charts import ChartModel, Marker, MarkerKind, build_chart, closest_position
from engine.margin import evaluate
from engine.models import Portfolio
from engine.scenarios import Shock, ShockKind
from engine.symbols import base_asset
from engine.tiers import TierBook
from storage.errors import NotFound

__all__ = ["chart", "commands", "whatif_chart_action"]

_MARKERS = {
    MarkerKind.ENTRY: N_("Entry #{n}: {price}"),
    MarkerKind.MARK: N_("Mark: {price}"),
    MarkerKind.LIQ_ISOLATED: N_("Liquidation #{n}, isolated: {price}"),
    MarkerKind.LIQ_CROSS: N_("Liquidation #{n}, cross: {price}"),
    MarkerKind.SHOCK: N_("What-if price: {price}"),
}


commands = Feature()


@commands.command("chart", grammar.chart, aliases=("picture", "graph")).help(
    (
        "/chart [N|SYMBOL] · /chart whatif SYMBOL|all CHANGE ...",
        "/chart · /chart btc · /chart whatif btc -15%",
    ),
    N_("A picture of your account's equity against a market's price, in isolated and in cross."),
)
async def chart(ctx: Context, intent: ShowChart) -> Reply:
    tr = ctx.tr
    portfolio = await ctx.held()
    if portfolio is None:
        return Reply.of(tr("No positions to draw yet: add one with /long or /short."))
    symbol = None if intent.symbol is None else contract_symbol(ctx, intent.symbol)
    intent = replace(intent, symbol=symbol, shocks=shocks_in_contracts(ctx, intent.shocks))
    position_id = _position_id(ctx, portfolio, intent)
    if position_id is None:
        return Reply.error(
            tr("No position in {symbol}: see /positions.", symbol=intent.symbol or "")
        )
    label = tr("{symbol}: account equity by price", symbol="BTCUSDT")
    picture_tr = tr if can_draw(label) else ctx.services.catalogs.translator("en")
    draw = partial(_draw, portfolio, ctx.services.book, position_id, intent.shocks, picture_tr)
    model, png = await asyncio.get_running_loop().run_in_executor(None, draw)
    blocks: list[Block] = [
        Title(tr("{symbol}: isolated against cross", symbol=model.symbol)),
        Paragraph(_caption(tr, model, portfolio)),
        *ctx.sources_note(portfolio.positions),
    ]
    return Reply(tuple(blocks), picture=png, private_only=True)


def _position_id(ctx: Context, portfolio: Portfolio, intent: ShowChart) -> str | None:
    """The asked-for position; else the first what-if symbol held; else the closest call."""
    if intent.seq is not None:
        if not any(p.id == str(intent.seq) for p in portfolio.positions):
            raise NotFound(what="position", seq=intent.seq)
        return str(intent.seq)
    if intent.symbol is not None:
        return next((p.id for p in portfolio.positions if p.symbol == intent.symbol), None)
    held = {p.symbol: p.id for p in reversed(portfolio.positions)}
    for shock in intent.shocks:
        if shock.symbol in held:
            return held[shock.symbol]
    return closest_position(evaluate(portfolio, ctx.services.book)).position.id


def _draw(
    portfolio: Portfolio,
    book: TierBook,
    position_id: str,
    shocks: Sequence[Shock],
    tr: Translator,
) -> tuple[ChartModel, bytes]:
    """The model and its PNG: CPU work, run in an executor thread."""
    model = build_chart(portfolio, book, position_id, shocks)
    return model, render_png(model, chart_text(tr, model, portfolio))


def chart_text(tr: Translator, model: ChartModel, portfolio: Portfolio) -> ChartText:
    if model.co_move:
        subtitle = tr("Every market moving with {symbol}", symbol=model.symbol)
    elif any(m.kind is MarkerKind.SHOCK for m in model.markers):
        subtitle = tr("Other markets at their what-if prices")
    else:
        subtitle = tr("Other markets held at their marks")
    return ChartText(
        title=tr("{symbol}: account equity by price", symbol=model.symbol),
        subtitle=subtitle,
        x_label=tr("{symbol} price (USDT)", symbol=model.symbol),
        y_label=tr("Account equity (USDT)"),
        isolated=tr("All isolated"),
        cross=tr("All cross"),
        maintenance=tr(
            "Maintenance margin now (cross): {amount}",
            amount=tr.money(Decimal(str(model.maintenance))),
        ),
        marker_label=partial(marker_label, tr, _mark(model)),
        price=partial(_axis_number, tr),
        money=partial(_axis_number, tr),
    )


def marker_label(tr: Translator, mark: Decimal | None, marker: Marker) -> str:
    """A marker's line; a liquidation price rounds toward the mark, as every reply's does."""
    liquidation = marker.kind in (MarkerKind.LIQ_ISOLATED, MarkerKind.LIQ_CROSS)
    if liquidation and mark is not None:
        price = tr.liquidation(marker.price, mark)
    else:
        price = tr.price(marker.price)
    return tr(_MARKERS[marker.kind], n=marker.position_id, price=price)


def _mark(model: ChartModel) -> Decimal | None:
    return next((m.price for m in model.markers if m.kind is MarkerKind.MARK), None)


def _axis_number(tr: Translator, value: float) -> str:
    number = Decimal(str(float(value)))  # matplotlib passes numpy floats
    if abs(number) >= 100 or number == 0:
        return tr.integer(int(number.to_integral_value()))
    return tr.price(number)


def _caption(tr: Translator, model: ChartModel, portfolio: Portfolio) -> str:
    return "\n".join(marker_label(tr, _mark(model), m) for m in model.markers)


def whatif_chart_action(shocks: Sequence[Shock]) -> str | None:
    """'/chart whatif btc -15% eth +20%' for a /whatif's shocks; None past the button limit."""
    words = ["/chart", "whatif"]
    for shock in shocks:
        words.append("all" if shock.symbol is None else base_asset(shock.symbol).lower())
        value = format(shock.value, "f")
        if shock.kind is ShockKind.PERCENT:
            words.append(("+" if shock.value >= 0 else "") + value + "%")
        elif shock.kind is ShockKind.DELTA:
            words.append(("+" if shock.value >= 0 else "") + value)
        else:
            words.append(value)
    action = " ".join(words)
    return action if len(action.encode()) <= CALLBACK_LIMIT else None
