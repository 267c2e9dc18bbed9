"""/recommend, /profile and /chart through the command layer on a real SQLite file,
figures checked against the engine computed independently."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import ParamSpec, TypeVar

import pytest

from bot.commands import CommandLayer
from bot.i18n import Catalogs
from bot.reply import Reply
from bot.services import Services, open_services
from engine.advice import advise
from engine.margin import evaluate
from engine.market import MarketData
from engine.models import MarginMode, Portfolio
from engine.odds import WEEK, touch_probability
from engine.scenarios import as_mode
from storage.errors import NotFound
from tests.bot.conftest import Chat
from tests.engine.builders import portfolio, position

TR = Catalogs().translator("en")
P = ParamSpec("P")
T = TypeVar("T")


def _buttons(reply: Reply) -> dict[str, str]:
    """The reply's buttons but the FAQ links (checked on their own)."""
    return {
        b.label: b.action for row in reply.buttons for b in row if not b.action.startswith("/faq ")
    }


def _faq_links(reply: Reply) -> set[str]:
    return {b.action for row in reply.buttons for b in row if b.action.startswith("/faq ")}


def _engine(wallet: str, *positions: tuple[str, str, str, str, str, str]) -> Portfolio:
    return portfolio(
        wallet,
        *(
            position(symbol, side, qty, entry, lev, id=pid, margin_mode="isolated")
            for pid, symbol, side, qty, entry, lev in positions
        ),
    )


BTC = ("1", "BTCUSDT", "long", "0.1", "62000", "10")
ETH = ("2", "ETHUSDT", "short", "2", "3100", "10")
SUI = ("3", "SUIUSDT", "long", "500", "4", "50")


async def _hedge_and_a_bet(chat: Chat) -> None:
    await chat.text("/balance 10000")
    await chat.text("/long BTC 0.1 @ 62000 x10 iso")
    await chat.text("/short ETH 2 @ 3100 x10 iso")
    await chat.text("/long SUI 500 @ 4 x50 iso")


async def test_recommend_splits_a_hedge_from_a_high_leverage_bet(
    chat: Chat, services: Services
) -> None:
    await _hedge_and_a_bet(chat)
    reply = await chat.send("/recommend")
    text = reply.plain_text()
    assert reply.private_only and reply.picture is None
    assert "Recommended: a split. Isolated: #3 SUI. Cross: #1 BTC, #2 ETH." in text
    assert "To follow it, switch #1 → cross, #2 → cross." in text
    assert "BTCUSDT, ETHUSDT offset each other (correlation 0.77" in text
    assert "#3 SUIUSDT runs at 50x, high leverage (from 20x)" in text
    # the table's figures are the engine's, rounded toward danger
    portfolio = _engine("10000", BTC, ETH, SUI)
    isolated = evaluate(as_mode(portfolio, MarginMode.ISOLATED), services.book)
    cross = evaluate(as_mode(portfolio, MarginMode.CROSS), services.book)
    eth_iso = isolated.by_id("2").liquidation_price
    eth_cross = cross.by_id("2").liquidation_price
    assert eth_iso is not None and eth_cross is not None
    assert TR.price(eth_iso, toward_danger_of_long=False) in text
    assert TR.price(eth_cross, toward_danger_of_long=False) in text
    # what each mode changes, and what neither does
    assert "together 1,280.00 USDT" in text  # 620 + 620 + 40 of isolated margin
    assert "the whole wallet, 10,000.00 USDT, backs every position" in text
    assert "neither prevents a liquidation" in text and "not a promise" in text
    assert "SUIUSDT 150% a year (no data: a generic estimate)" in text
    assert _buttons(reply) == {"Chart": "/chart", "My profile": "/profile"}
    assert {"/faq hedging", "/faq choose"} <= _faq_links(reply)


async def test_ten_positions_fit_one_telegram_message(chat: Chat) -> None:
    # 4,096 characters is Telegram's limit for one message
    await chat.text("/balance 20000")
    markets = "btc 62000,eth 3100,sol 150,xrp 0.6,doge 0.15,bnb 600,ada 0.4,link 14,avax 30,ltc 80"
    for n, market in enumerate(markets.split(",")):
        symbol, price = market.split()
        side = "long" if n % 2 else "short"
        assert "Added" in await chat.text(f"/{side} {symbol} $5000 @ {price} x10 cross")
    text = await chat.text("/recommend")
    assert len(text) < 4096
    assert "To follow it, switch every position to isolated." in text
    assert "The same holds for #2, #3, #4, #5, #6, #7, #8, #9, #10." in text
    assert "ADAUSDT 150%, LINKUSDT 150%, AVAXUSDT 150%, LTCUSDT 150% a year" in text


async def test_one_position_in_detail_with_its_odds(chat: Chat, services: Services) -> None:
    await _hedge_and_a_bet(chat)
    reply = await chat.send("/recommend 1")
    text = reply.plain_text()
    portfolio = _engine("10000", BTC, ETH, SUI)
    result = advise(portfolio, services.book, MarketData())
    btc = result.positions[0]
    lp = btc.odds.isolated.liquidation_price
    assert lp is not None
    week = touch_probability(Decimal(62000), lp, btc.odds.volatility.annual, WEEK)
    assert "#1 BTCUSDT: isolated or cross" in text
    assert "It goes together with #2: they share one mode." in text
    assert TR.percent(week, 1) in text  # the 7-day odds, isolated
    assert "620.00" in text and "10,000.00" in text  # maximum loss in each mode
    # linked legs switch together: no one-leg switch button
    assert _buttons(reply) == {"Chart": "/chart 1"}
    detail = await chat.send("/recommend sui")
    assert _buttons(detail) == {"Chart": "/chart 3"}  # isolated already
    assert "There is no position #9" in await chat.text("/recommend 9")
    assert "No position in DOGEUSDT" in await chat.text("/recommend doge")


async def test_following_the_advice_with_its_button(chat: Chat) -> None:
    await chat.text("/balance 10000")
    await chat.text("/long BTC 0.1 @ 62000 x10 iso")
    await chat.text("/short ETH 2 @ 3100 x10 iso")
    reply = await chat.send("/recommend")
    assert "Recommended: cross, for every position." in reply.plain_text()
    switch = _buttons(reply)["Switch all to cross"]
    assert switch == "/mode all cross"
    await chat.text(switch)
    assert "Your positions are set this way already." in await chat.text("/recommend")


async def test_the_profile_questionnaire_through_its_buttons(
    chat: Chat, services: Services, tmp_path: Path
) -> None:
    first = await chat.send("/profile")
    assert "Question 1 of 3: How long have you been trading futures?" in first.plain_text()
    assert _buttons(first)["Starting out"] == "/profile experience beginner"
    second = await chat.send(_buttons(first)["Starting out"])
    assert "Saved: starting out · — · —." in second.plain_text()
    assert "Question 2 of 3" in second.plain_text()
    third = await chat.send(_buttons(second)["Swing"])
    assert "Question 3 of 3" in third.plain_text()
    assert list(_buttons(third)) == ["1%", "2%", "5%", "10%", "25%"]
    done = await chat.send(_buttons(third)["2%"])
    assert "Saved: starting out · swing trading · 2% per trade." in done.plain_text()
    assert _buttons(done)["Advice"] == "/recommend"
    stored = await services.users.get(42)
    assert stored.risk_profile == {
        "experience": "beginner",
        "max_trade_loss": "0.02",
        "style": "swing",
    }
    # the answers live in the database file, not in this process
    reopened = await open_services(tmp_path / "isocross.db")
    try:
        assert (await reopened.users.get(42)).risk_profile == stored.risk_profile
    finally:
        await reopened.close()
    await chat.text("/balance 2000")
    await chat.text("/long BTC 0.01 @ 62000 x5 iso")
    advice = await chat.text("/recommend")
    assert "You are starting out" in advice
    assert "you allow 2.0% of the account per trade" in advice
    cleared = await chat.send("/profile reset")
    assert "cleared" in cleared.plain_text()
    assert (await services.users.get(42)).risk_profile is None


async def test_a_wrong_profile_answer_shows_the_syntax_and_stores_nothing(
    chat: Chat, services: Services
) -> None:
    reply = await chat.send("/profile style dancing")
    assert reply.is_error
    assert "“dancing”" in reply.plain_text() and "Syntax: /profile" in reply.plain_text()
    assert "Syntax: /profile" in await chat.text("/profile risk 150%")
    with pytest.raises(NotFound):  # a first contact's refusals store not even the user
        await services.users.get(42)


class CountingExecutor(ThreadPoolExecutor):
    """A real thread pool that remembers how much work it was given."""

    submitted = 0

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        CountingExecutor.submitted += 1
        return super().submit(fn, *args, **kwargs)


async def test_chart_sends_a_png_drawn_off_the_event_loop(chat: Chat, services: Services) -> None:
    await _hedge_and_a_bet(chat)
    CountingExecutor.submitted = 0
    pool = CountingExecutor(max_workers=1)
    asyncio.get_running_loop().set_default_executor(pool)
    reply = await chat.send("/chart")
    assert CountingExecutor.submitted >= 1
    assert reply.picture is not None and reply.picture.startswith(b"\x89PNG\r\n\x1a\n")
    assert reply.private_only
    # default: the position closest to liquidation, SUI at 50x (1% away)
    text = reply.plain_text()
    portfolio = _engine("10000", BTC, ETH, SUI)
    sui = evaluate(portfolio, services.book).by_id("3").liquidation_price
    assert sui is not None
    assert "SUIUSDT: isolated against cross" in text
    assert f"Liquidation #3, isolated: {TR.price(sui, toward_danger_of_long=True)}" in text
    eth = await chat.send("/chart 2")
    assert eth.picture is not None and "ETHUSDT" in eth.plain_text()
    assert "There is no position #7" in await chat.text("/chart 7")
    assert "No position in DOGEUSDT" in await chat.text("/chart doge")
    pool.shutdown()


async def test_whatif_and_compare_carry_a_chart_button_that_works(chat: Chat) -> None:
    await _hedge_and_a_bet(chat)
    whatif = await chat.send("/whatif btc -15% eth +20%")
    action = _buttons(whatif)["Chart"]
    assert action == "/chart whatif btc -15% eth +20%"
    picture = await chat.send(action)
    assert picture.picture is not None
    assert "What-if price: 52,700.00" in picture.plain_text()  # 62,000 x 0.85
    compare = await chat.send("/compare")
    assert _buttons(compare) == {"Chart": "/chart", "Advice": "/recommend"}


async def test_empty_portfolios_and_groups_get_a_sentence(chat: Chat, layer: CommandLayer) -> None:
    assert "No positions to advise on yet" in await chat.text("/recommend")
    assert "No positions to draw yet" in await chat.text("/chart")
    group = Chat(layer, 42, private=False)
    for line in ("/recommend", "/chart", "/profile"):
        reply = await group.send(line)
        assert reply.picture is None and "private" in reply.plain_text()


async def test_a_chart_in_chinese_still_draws(chat: Chat) -> None:
    # the picture falls back to English labels where the server's font lacks CJK glyphs;
    # the caption stays in the reader's language
    await chat.send("/lang zh")
    await chat.send("/balance 10000")
    await chat.send("/long BTC 0.5 @ 62000 x10")
    reply = await chat.send("/chart")
    assert reply.picture is not None and reply.picture.startswith(b"\x89PNG")
    # isolated: 3,100 + 0.5 (P - 62,000) = 0.002 P -> 56,024.10; cross: the 10,000 wallet,
    # 21,000 / 0.498 -> 42,168.68 (both rounded up, toward danger)
    assert reply.plain_text().split("\n") == [
        "BTCUSDT：逐仓与全仓对比",
        "",
        "开仓 #1：62,000.00",
        "标记价格：62,000.00",
        "强平 #1（逐仓）：56,024.10",
        "强平 #1（全仓）：42,168.68",
        "",
        "标记价格：BTCUSDT 使用开仓价格（无实时或手动标记价格）",
    ]
