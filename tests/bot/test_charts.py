"""The /chart picture: what it marks is the engine's figures; what it renders is a valid PNG.

The model (bot.views.charts) and the drawing (bot.views.chart_render) are tested apart:
marked prices and curve points against engine.evaluate and run_scenario,
then the PNG's signature and IHDR size for several portfolios.
"""

from __future__ import annotations

import struct
from decimal import Decimal

import pytest

from bot.commands.chart import chart_text, whatif_chart_action
from bot.i18n import Catalogs
from bot.parsing.intents import ShowChart
from bot.views.chart_render import HEIGHT, WIDTH, ChartText, can_draw, render_png
from bot.views.charts import ChartModel, MarkerKind, build_chart, closest_position
from engine.margin import evaluate
from engine.models import MarginMode
from engine.scenarios import Shock, ShockKind, as_mode, run_scenario, shocked_marks
from engine.tiers import TierBook
from tests.bot.conftest import parse
from tests.engine.builders import portfolio, position

TR = Catalogs().translator("en")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


PORTFOLIOS = {
    "one-isolated-long": portfolio(
        "10000", position("BTCUSDT", "long", "0.5", "62000", "10", id="1")
    ),
    "hedge-cross-with-live-marks": portfolio(
        "10000",
        position("BTCUSDT", "long", "0.1", "62000", "10", id="1", mark_price="60500"),
        position("ETHUSDT", "short", "2", "3100", "10", id="2", margin_mode="cross"),
    ),
    "short-in-cross": portfolio(
        "2000", position("SOLUSDT", "short", "40", "150", "20", id="1", margin_mode="cross")
    ),
    "same-symbol-hedge-mode": portfolio(
        "5000",
        position("BTCUSDT", "long", "0.2", "62000", "20", id="1", margin_mode="cross"),
        position("BTCUSDT", "short", "0.1", "61000", "20", id="2", margin_mode="cross"),
        position_mode="hedge",
    ),
}
SHOCKS = {
    "none": (),
    "one-market": (Shock("BTCUSDT", ShockKind.PERCENT, Decimal(-15)),),
    "every-market": (Shock(None, ShockKind.PERCENT, Decimal(-10)),),
    "a-price": (Shock("BTCUSDT", ShockKind.PRICE, Decimal(55000)),),
}


def _model(name: str, book: TierBook, shocks: tuple[Shock, ...] = ()) -> ChartModel:
    portfolio = PORTFOLIOS[name]
    target = closest_position(evaluate(portfolio, book)).position.id
    return build_chart(portfolio, book, target, shocks)


@pytest.mark.parametrize("name", PORTFOLIOS)
def test_every_marked_price_is_the_engines_figure(name: str, book: TierBook) -> None:
    portfolio = PORTFOLIOS[name]
    model = _model(name, book)
    isolated = evaluate(as_mode(portfolio, MarginMode.ISOLATED), book)
    cross = evaluate(as_mode(portfolio, MarginMode.CROSS), book)
    legs = [p for p in portfolio.positions if p.symbol == model.symbol]
    assert legs
    for leg in legs:
        iso, crs = isolated.by_id(leg.id), cross.by_id(leg.id)
        entry = model.marker(MarkerKind.ENTRY, leg.id)
        mark = model.marker(MarkerKind.MARK, leg.id)
        assert entry is not None and entry.price == leg.entry_price
        marks = [m.price for m in model.markers if m.kind is MarkerKind.MARK]
        assert iso.mark_price in marks and len(marks) == len(set(marks))
        assert mark is None or mark.price == iso.mark_price
        liq_iso = model.marker(MarkerKind.LIQ_ISOLATED, leg.id)
        liq_cross = model.marker(MarkerKind.LIQ_CROSS, leg.id)
        assert (liq_iso and liq_iso.price) == iso.liquidation_price
        assert (liq_cross and liq_cross.price) == crs.liquidation_price
        if liq_iso is not None:
            assert liq_iso.x == float(iso.liquidation_price or 0)
    assert model.maintenance == float(cross.account.cross_maintenance_margin)
    assert model.prices[0] <= min(m.x for m in model.markers)
    assert model.prices[-1] >= max(m.x for m in model.markers)


@pytest.mark.parametrize("shocks", SHOCKS, ids=list(SHOCKS))
def test_the_curves_pass_through_the_what_if_outcome(shocks: str, book: TierBook) -> None:
    portfolio = PORTFOLIOS["hedge-cross-with-live-marks"]
    moves = SHOCKS[shocks]
    model = build_chart(portfolio, book, "1", moves)
    price = shocked_marks(portfolio, moves)["BTCUSDT"]
    index = model.prices.index(float(price))
    outcome = run_scenario(portfolio, book, moves)
    assert model.isolated[index] == float(outcome.isolated.equity_after)
    assert model.cross[index] == float(outcome.cross.equity_after)
    shock = model.marker(MarkerKind.SHOCK)
    assert (shock is not None) == bool(moves)
    assert model.co_move == (shocks == "every-market")


def test_the_curves_show_the_liquidation_cliffs(book: TierBook) -> None:
    # one isolated long: below its liquidation price the isolated equity stops falling
    # (wallet - margin = 6,900); cross keeps falling until the wallet is gone
    model = _model("one-isolated-long", book)
    liq = model.marker(MarkerKind.LIQ_ISOLATED)
    assert liq is not None
    below = [i for i, p in enumerate(model.prices) if p < liq.x]
    assert {model.isolated[i] for i in below} == {6900.0}
    assert model.cross[below[0]] < model.cross[below[-1]]


@pytest.mark.parametrize("name", PORTFOLIOS)
def test_the_picture_is_a_png_of_the_promised_size(name: str, book: TierBook) -> None:
    portfolio = PORTFOLIOS[name]
    model = _model(name, book)
    png = render_png(model, chart_text(TR, model, portfolio))
    assert png.startswith(PNG_SIGNATURE)
    length, kind = struct.unpack(">I4s", png[8:16])
    width, height = struct.unpack(">II", png[16:24])
    assert (length, kind) == (13, b"IHDR")
    assert (width, height) == (WIDTH, HEIGHT)
    assert png.endswith(b"IEND\xaeB`\x82")


def test_the_labels_use_the_readers_numbers_and_round_toward_danger(book: TierBook) -> None:
    portfolio = PORTFOLIOS["one-isolated-long"]
    model = _model("one-isolated-long", book)
    text: ChartText = chart_text(TR, model, portfolio)
    liq = model.marker(MarkerKind.LIQ_ISOLATED)
    assert liq is not None
    # 56,024.0963… rounds up for a long: the shown price is never more optimistic
    assert text.marker_label(liq) == "Liquidation #1, isolated: 56,024.10"
    assert text.price(62000.0) == "62,000"
    assert text.money(0.0) == "0"
    assert text.title == "BTCUSDT: account equity by price"


@pytest.mark.parametrize(
    "shocks",
    [
        (Shock("BTCUSDT", ShockKind.PERCENT, Decimal("-15")),),
        (
            Shock("BTCUSDT", ShockKind.PERCENT, Decimal("-15")),
            Shock("ETHUSDT", ShockKind.DELTA, Decimal("200")),
        ),
        (Shock(None, ShockKind.PERCENT, Decimal("-7.5")),),
        (Shock("SOLUSDT", ShockKind.PRICE, Decimal("120.5")),),
    ],
)
def test_the_whatif_chart_button_parses_back_to_the_same_shocks(
    shocks: tuple[Shock, ...],
) -> None:
    action = whatif_chart_action(shocks)
    assert action is not None
    assert parse(action) == ShowChart(shocks=shocks)


def test_a_whatif_too_long_for_a_button_gets_none() -> None:
    shocks = tuple(
        Shock(f"{name}USDT", ShockKind.PERCENT, Decimal("-12.5"))
        for name in ("BTC", "ETH", "SOL", "DOGE", "XRP", "BNB", "ADA")
    )
    assert whatif_chart_action(shocks) is None


def test_text_the_font_cannot_draw_is_detected() -> None:
    assert can_draw("BTCUSDT: account equity by price, 62,000.00")
    assert can_draw("капитал аккаунта")  # the bundled DejaVu draws Cyrillic
    assert not can_draw("BTCUSDT \U000f0000")  # a private-use character no font draws
