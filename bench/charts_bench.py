"""/chart's cost: median time to build and draw one picture, and the advice beside it.

Target: under 300 ms median per chart (issue 6). The 10-position portfolio is the
engine bench's; its chart samples ~50 prices, each a run_scenario on the portfolio.
"""

from __future__ import annotations

from bench.engine_bench import ten_position_cross
from bench.portfolios import portfolio as build_portfolio
from bench.portfolios import position
from bench.timing import Figure, measure
from bot.commands.chart import chart_text
from bot.i18n import Catalogs
from bot.views.chart_render import render_png
from bot.views.charts import build_chart, closest_position
from engine.advice import advise
from engine.margin import evaluate
from engine.market import MarketData
from engine.models import Portfolio
from engine.tiers import TierBook

TARGET_US = 300_000


def two_positions() -> Portfolio:
    return build_portfolio(
        "10000",
        position("1", "BTCUSDT", "long", "0.5", "62000", "10"),
        position("2", "ETHUSDT", "short", "3", "3100", "20", margin_mode="cross"),
    )


def run(book: TierBook) -> list[Figure]:
    tr = Catalogs().translator("en")
    figures = []
    for name, portfolio in (
        ("2 positions", two_positions()),
        ("10 cross", ten_position_cross(book)),
    ):
        target = closest_position(evaluate(portfolio, book)).position.id

        def chart(portfolio: Portfolio = portfolio, target: str = target) -> bytes:
            model = build_chart(portfolio, book, target)
            return render_png(model, chart_text(tr, model, portfolio))

        figures.append(
            measure(f"/chart picture, {name} (model + PNG)", chart, number=1, target_us=TARGET_US)
        )
    portfolio = ten_position_cross(book)
    model = build_chart(portfolio, book, "1")
    text = chart_text(tr, model, portfolio)
    figures.append(measure("/chart PNG only, 10 cross", lambda: render_png(model, text), number=1))
    market = MarketData()
    figures.append(
        measure("/recommend advice, 10 cross", lambda: advise(portfolio, book, market), number=5)
    )
    return figures
