"""The grammars of /recommend, /profile and /chart, and their refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.parsing import ParseError
from bot.parsing.intents import Recommend, SetProfile, ShowChart
from engine.profile import Experience, Style
from engine.scenarios import Shock, ShockKind
from tests.bot.conftest import parse


@pytest.mark.parametrize(
    ("line", "intent"),
    [
        ("/recommend", Recommend()),
        ("recommend 2", Recommend(seq=2)),
        ("/advice #3", Recommend(seq=3)),
        ("/rec eth", Recommend(symbol="ETHUSDT")),
        ("/profile", SetProfile()),
        ("/profile experience", SetProfile(question="experience")),
        ("/profile exp new", SetProfile("experience", Experience.BEGINNER)),
        ("/profile style long-term", SetProfile("style", Style.TREND)),
        ("/profile style arb", SetProfile("style", Style.ARBITRAGE)),
        ("/profile risk 2%", SetProfile("max_trade_loss", Decimal("0.02"))),
        ("/profile loss 0.5", SetProfile("max_trade_loss", Decimal("0.005"))),
        ("/profile limit 100%", SetProfile("max_trade_loss", Decimal(1))),
        ("/profile reset", SetProfile(reset=True)),
        ("/chart", ShowChart()),
        ("/chart compare", ShowChart()),
        ("/graph 4", ShowChart(seq=4)),
        ("/chart btc/usdt", ShowChart(symbol="BTCUSDT")),
        (
            "/chart whatif btc -15% all +5%",
            ShowChart(
                shocks=(
                    Shock("BTCUSDT", ShockKind.PERCENT, Decimal(-15)),
                    Shock(None, ShockKind.PERCENT, Decimal(5)),
                )
            ),
        ),
        (
            "/chart whatif sol 120",
            ShowChart(shocks=(Shock("SOLUSDT", ShockKind.PRICE, Decimal(120)),)),
        ),
    ],
)
def test_lines_parse_to_intents(line: str, intent: object) -> None:
    assert parse(line) == intent


@pytest.mark.parametrize(
    ("line", "code", "command"),
    [
        ("/recommend 1 2", "unexpected", "recommend"),
        ("/recommend 0", "bad_position_number", "recommend"),
        ("/profile mood happy", "unexpected", "profile"),
        ("/profile style dancing", "unexpected", "profile"),
        ("/profile risk 0%", "unexpected", "profile"),
        ("/profile risk 101", "unexpected", "profile"),
        ("/profile reset now", "unexpected", "profile"),
        ("/profile style swing extra", "unexpected", "profile"),
        ("/chart 1 2", "unexpected", "chart"),
        ("/chart whatif btc", "missing_argument", "chart"),
        ("/chart whatif btc -120%", "shock_too_large", "chart"),
        ("/chart 99999", "bad_position_number", "chart"),
    ],
)
def test_bad_lines_name_the_command_whose_syntax_to_show(
    line: str, code: str, command: str
) -> None:
    with pytest.raises(ParseError) as caught:
        parse(line)
    assert (caught.value.code, caught.value.command) == (code, command)
