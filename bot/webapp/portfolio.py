"""The Mini App's portfolio view: the active portfolio's cards, its equity chart, the slider.

Cards and liquidation prices come from `engine.margin.evaluate` (all isolated, all cross,
as `/compare`), the chart from `bot.views.charts.build_chart` (as `/chart`), and a slider
position from `engine.scenarios.run_scenario` with the market's mark set to that price (as
`/whatif SYMBOL PRICE`); every figure is formatted by the user's `Translator`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from bot.commands.context import Context
from bot.views.charts import ChartModel, build_chart, closest_position
from bot.views.tables import liquidation_text, mode_name, side_name
from engine.margin import Evaluation
from engine.models import MarginMode, Portfolio
from engine.scenarios import ModeOutcome, Shock, ShockKind, as_mode, run_scenario

__all__ = ["SliderError", "portfolio_view", "slider_view"]


class SliderError(Exception):
    """A slider request the portfolio cannot answer (unknown market, no price)."""


def portfolio_view(ctx: Context, portfolio: Portfolio | None, symbol: str | None) -> dict[str, Any]:
    """The cards of every position and the chart of one market (default: the closest call)."""
    tr = ctx.tr
    if portfolio is None:
        return {"empty": True, "message": tr("No positions yet: add one in the chat.")}
    isolated = ctx.evaluate(as_mode(portfolio, MarginMode.ISOLATED))
    cross = ctx.evaluate(as_mode(portfolio, MarginMode.CROSS))
    chart = build_chart(portfolio, ctx.services.book, _chart_position(isolated, symbol))
    return {
        "empty": False,
        "wallet": tr.money(portfolio.wallet_balance),
        "modes": [mode_name(tr, mode) for mode in MarginMode],
        "cards": _cards(ctx, portfolio, isolated, cross),
        "markets": sorted({p.symbol for p in portfolio.positions}),
        "chart": _chart(chart),
        "mark": str(next(p.mark for p in portfolio.positions if p.symbol == chart.symbol)),
        "notes": [p.text for p in ctx.sources_note(portfolio.positions)],
    }


def slider_view(
    ctx: Context, portfolio: Portfolio | None, symbol: str, price: str
) -> dict[str, Any]:
    """What the market `symbol` at `price` does at once: each position in each mode, and the
    equity left (the chat's `/whatif SYMBOL PRICE`)."""
    if portfolio is None or symbol not in {p.symbol for p in portfolio.positions}:
        raise SliderError("unknown_market")
    try:
        value = Decimal(price[:40])
    except InvalidOperation:
        raise SliderError("not_a_price") from None
    if not value.is_finite() or value <= 0:
        raise SliderError("not_a_price")
    result = run_scenario(portfolio, ctx.services.book, (Shock(symbol, ShockKind.PRICE, value),))
    tr = ctx.tr
    yes, no = tr("liquidated"), tr("survives")
    return {
        "price": tr.price(value),
        "positions": [
            {
                "id": i.position_id,
                "liquidated": [i.liquidated, c.liquidated],
                "texts": [yes if i.liquidated else no, yes if c.liquidated else no],
            }
            for i, c in zip(result.isolated.positions, result.cross.positions, strict=True)
        ],
        "equity": [_equity(ctx, result.isolated), _equity(ctx, result.cross)],
        "liquidated": [
            tr.integer(result.isolated.liquidated_count),
            tr.integer(result.cross.liquidated_count),
        ],
    }


def _equity(ctx: Context, outcome: ModeOutcome) -> str:
    return ctx.tr.money(outcome.equity_after)


def _chart_position(evaluation: Evaluation, symbol: str | None) -> str:
    for result in evaluation.positions:
        if result.position.symbol == symbol:
            return result.position.id
    return closest_position(evaluation).position.id


def _cards(
    ctx: Context, portfolio: Portfolio, isolated: Evaluation, cross: Evaluation
) -> list[dict[str, Any]]:
    tr = ctx.tr
    return [
        {
            "id": p.id,
            "symbol": p.symbol,
            "title": tr(
                "#{n} {side} {qty} {symbol} ×{leverage}",
                n=p.id,
                side=side_name(tr, p.side),
                qty=tr.quantity(p.qty),
                symbol=p.symbol,
                leverage=tr.quantity(p.leverage),
            ),
            "mode": mode_name(tr, p.margin_mode),
            "entry": tr.price(p.entry_price),
            "mark": tr.price(i.mark_price),
            "liquidation": [liquidation_text(tr, i), liquidation_text(tr, c)],
        }
        for p, i, c in zip(portfolio.positions, isolated.positions, cross.positions, strict=True)
    ]


def _chart(chart: ChartModel) -> dict[str, Any]:
    """The curves as floats (a chart is drawn, never read to the cent) and the markers."""
    return {
        "symbol": chart.symbol,
        "prices": list(chart.prices),
        "isolated": list(chart.isolated),
        "cross": list(chart.cross),
        "markers": [
            {"kind": m.kind.value, "price": str(m.price), "position": m.position_id}
            for m in chart.markers
        ],
    }
