"""The command language: the ways traders type a position, and what is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.parsing import ParseError
from bot.parsing.intents import (
    AdjustMargin,
    Calc,
    ClosePosition,
    Help,
    OpenPosition,
    PortfolioAction,
    Reset,
    SetExchange,
    SetMode,
    ShowPositions,
    WhatIf,
)
from engine.models import Exchange, MarginMode, Side
from engine.scenarios import Shock, ShockKind
from tests.bot.conftest import parse

BTC_HALF = OpenPosition(
    Side.LONG,
    "BTCUSDT",
    qty=Decimal("0.5"),
    price=Decimal(62000),
    leverage=Decimal(10),
    margin_mode=MarginMode.ISOLATED,
)


@pytest.mark.parametrize(
    "text",
    [
        "/long BTC 0.5 @ 62000 x10 iso",
        "/long btc 0.5 @62000 10x isolated",
        "/LONG BTCUSDT 0.5 at 62k x10 iso",
        "/long BTC/USDT 0.5btc @ 62,000 x10 iso",
        "/buy btc-usdt-swap 0.5 62000 x10 iso",
        "long 0.5 btc at 62k 10x iso",
        "/long@IsoCrossBot BTC 0.5 @ 62000 x10 iso",
        "/long ＢＴＣ 0.5 @ 62000 x10 iso",  # full-width letters, as some keyboards send
    ],
)
def test_the_many_spellings_of_one_position(text: str) -> None:
    assert parse(text) == BTC_HALF


def test_notional_size_and_isolated_margin() -> None:
    assert parse("/short eth $5000 @ 3100 20x cross margin 800") == OpenPosition(
        Side.SHORT,
        "ETHUSDT",
        notional=Decimal(5000),
        price=Decimal(3100),
        leverage=Decimal(20),
        margin_mode=MarginMode.CROSS,
        margin=Decimal(800),
    )


def test_without_price_leverage_or_mode_the_slots_stay_empty() -> None:
    assert parse("/long sol 10") == OpenPosition(Side.LONG, "SOLUSDT", qty=Decimal(10))


def test_calc_reads_price_size_and_balance() -> None:
    assert parse("/calc short ETH @ 3100 x20 2 1000") == Calc(
        Side.SHORT,
        "ETHUSDT",
        price=Decimal(3100),
        leverage=Decimal(20),
        qty=Decimal(2),
        balance=Decimal(1000),
    )


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("/positions", ShowPositions()),
        ("/close 2", ClosePosition(seq=2)),
        ("/close eth", ClosePosition(symbol="ETHUSDT")),
        ("/margin 1 +200", AdjustMargin(1, Decimal(200))),
        ("/margin 1 -100", AdjustMargin(1, Decimal(-100))),
        ("/mode all cross", SetMode(None, MarginMode.CROSS)),
        ("/mode 3 iso", SetMode(3, MarginMode.ISOLATED)),
        ("/reset", Reset(confirmed=False)),
        ("/reset yes", Reset(confirmed=True)),
        ("/portfolio new test", PortfolioAction("new", "test")),
        ("/portfolio", PortfolioAction("list")),
        ("/exchange bybit", SetExchange(Exchange.BYBIT)),
        (
            "/exchange custom 0.5% 0.05%",
            SetExchange(Exchange.CUSTOM, mmr=Decimal("0.005"), fee_rate=Decimal("0.0005")),
        ),
        ("/help long", Help("long")),
        ("/start", Help(None)),
        (
            "/whatif BTC -15% ETH -20% all -10%",
            WhatIf(
                (
                    Shock("BTCUSDT", ShockKind.PERCENT, Decimal(-15)),
                    Shock("ETHUSDT", ShockKind.PERCENT, Decimal(-20)),
                    Shock(None, ShockKind.PERCENT, Decimal(-10)),
                )
            ),
        ),
        (
            "/whatif btc 55k eth -500",
            WhatIf(
                (
                    Shock("BTCUSDT", ShockKind.PRICE, Decimal(55000)),
                    Shock("ETHUSDT", ShockKind.DELTA, Decimal(-500)),
                ),
                bare=(1,),  # '-500' without 'usdt': asked about when below 1% of the price
            ),
        ),
    ],
)
def test_other_commands(text: str, intent: object) -> None:
    assert parse(text) == intent


@pytest.mark.parametrize(
    ("text", "code", "command"),
    [
        ("/long", "missing_symbol", "long"),
        ("/long btc", "missing_size", "long"),
        ("/long btc 1 2 3", "unexpected", "long"),
        ("/long btc 1e5", "bad_number", "long"),
        ("/long btc nan", "bad_number", "long"),
        ("/long eth 0.5btc", "unit_mismatch", "long"),
        ("/long btc 1 @", "missing_value", "long"),
        ("/long btc 1 x10 x20", "repeated", "long"),
        ("/calc btc @ 5", "missing_side", "calc"),
        ("/margin x +5", "bad_position_number", "margin"),
        ("/mode 1 sideways", "bad_mode", "mode"),
        ("/whatif btc -120%", "shock_too_large", "whatif"),
        ("/exchange ftx", "bad_exchange", "exchange"),
        ("/balance -5", "bad_number", "balance"),
        ("hello there", "unknown_command", None),
        ("", "empty", None),
        ("x" * 600, "too_long", None),
    ],
)
def test_bad_input_names_what_is_wrong_and_whose_syntax_to_show(
    text: str, code: str, command: str | None
) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text)
    assert (caught.value.code, caught.value.command) == (code, command)


def test_near_misses_suggest_the_command() -> None:
    with pytest.raises(ParseError) as caught:
        parse("/lonk btc 1")
    assert caught.value.params["suggestion"] == "long"


def test_groups_require_the_slash() -> None:
    with pytest.raises(ParseError) as caught:
        parse("long btc 1", bare=False)
    assert caught.value.code == "not_a_command"


_NASTY = st.one_of(
    st.text(max_size=200),
    st.text(
        alphabet=st.sampled_from(list("0123456789.,-+e%$@kmx /btcusdlongshortNaNinf")), max_size=60
    ),
    st.sampled_from(
        [
            "\u202e/long btc 1",
            "/long btc -0",
            "/long btc " + "9" * 10_000,  # ten thousand characters
            "/long btc 1e308 @ inf",
            "/long btc -nan",
            "/calc long btc @ 1e-400",
            "/long \u05d1\u05d9\u05d8 1 @ 2",  # right-to-left letters
            "/long btc\u200b 1 @\u00a02 x\u20035",  # zero-width and odd spaces
            "/long btc 1" + "0" * 400,
            "/whatif all -0%",
            "\x00/long",
            "/long btc 9" * 60,
        ]
    ),
)


@settings(max_examples=1500, deadline=None)
@given(
    st.one_of(
        _NASTY,
        _NASTY.map(lambda s: "/long " + s),
        _NASTY.map(lambda s: "/calc " + s),
        _NASTY.map(lambda s: "/whatif " + s),
        _NASTY.map(lambda s: "/exchange " + s),
    )
)
def test_any_text_parses_or_fails_with_a_parse_error(text: str) -> None:
    try:
        parse(text)
    except ParseError as error:
        assert error.code


@pytest.mark.parametrize(
    ("line", "token"),
    [
        ("/long btc 0 @ 62000", "0"),  # the lines: each crashed in the engine
        ("/long btc 0.1 @ 0", "0"),
        ("/calc short btc @ 0", "0"),
        ("/long btc 0.1 @ 62000 margin 0", "0"),
        ("/short eth $0 @ 3100", "$0"),
    ],
)
def test_a_zero_size_or_price_is_refused_by_the_parser(line: str, token: str) -> None:
    with pytest.raises(ParseError) as refused:
        parse(line)
    assert (refused.value.code, refused.value.params["token"]) == ("not_positive", token)
