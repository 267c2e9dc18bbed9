"""Positions checked before they are stored (issue 13): a size the wallet cannot carry,
an entry far from the mark, a position past liquidation the moment it opens, a margin
whose leverage is not the stated one. Each is one question that stores nothing; the
line with 'confirm' stores it; every add or change shows margin, notional, effective
leverage and the liquidation price with its distance from the mark."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from bot.commands.checks import (
    FarFromMark,
    LeverageMismatch,
    Oversized,
    PastLiquidation,
    concerns,
)
from bot.reply import Reply
from bot.services import Services
from engine.margin import PositionResult, evaluate
from engine.models import Portfolio, build
from tests.bot.conftest import Chat

NBSP = "\u00a0"


def dump(services: Services) -> list[str]:
    """The whole SQLite file as SQL, but for the question itself: a question stores
    only its pending confirmation (what a plain "yes" runs), nothing of the portfolio."""
    with sqlite3.connect(services.db.path) as reader:
        return [
            line
            for line in reader.iterdump()
            if not line.startswith('INSERT INTO "pending_confirmations"')
        ]


async def stored_qty(services: Services, symbol: str) -> Decimal | None:
    stored = await services.portfolios.active(42)
    return next((p.qty for p in stored.engine_positions if p.symbol == symbol), None)


def labels(reply: Reply) -> list[tuple[str, str]]:
    return [(b.label, b.action) for row in reply.buttons for b in row]


# -- a size the wallet cannot carry -------------------------------------------------


async def test_a_size_the_wallet_cannot_carry_is_a_question_and_stores_nothing(
    chat: Chat, services: Services
) -> None:
    await chat.send("/balance 300")
    before = dump(services)
    reply = await chat.send("/long btc 300 @ 62000 x10")
    # 300 BTC x 62,000 = 18,600,000 USDT of notional; at 10x, 1,860,000 USDT of margin
    text = reply.plain_text()
    assert text.startswith("Not stored yet: #1 BTCUSDT long 300 @ 62,000.00 ×10 isolated")
    assert "Margin 1,860,000.00 USDT · notional 18,600,000.00 USDT · effective leverage 10x" in (
        text
    )
    assert (
        "• This needs 1,860,000.00 USDT of margin; your balance is 300.00 USDT. "
        "Did you mean $300 of notional?"
    ) in text
    assert "Mode isolated from your defaults" in text and "Leverage 10x from" not in text
    assert not reply.is_error
    assert reply.confirm == "/long btcusdt 300 @ 62000 10x confirm"
    assert labels(reply) == [
        ("Confirm", "/long btcusdt 300 @ 62000 10x confirm"),
        ("$300 notional", "/long btcusdt $300 @ 62000 10x"),
        ("Cancel", "/positions"),
    ]
    assert dump(services) == before
    assert "No positions yet" in await chat.text("/positions")


async def test_the_confirmed_line_stores_it_as_typed(chat: Chat, services: Services) -> None:
    await chat.send("/balance 300")
    question = await chat.send("/long btc 300 @ 62000 x10")
    assert question.confirm is not None
    added = await chat.text(question.confirm)
    assert added.startswith("Added #1 BTCUSDT long 300 @ 62,000.00 ×10 isolated")
    assert "Margin 1,860,000.00 USDT · notional 18,600,000.00 USDT" in added
    assert await stored_qty(services, "BTCUSDT") == Decimal(300)


async def test_the_notional_reading_stores_300_usdt_of_btc(chat: Chat, services: Services) -> None:
    await chat.send("/balance 300")
    added = await chat.text("/long btcusdt $300 @ 62000 10x")  # the "$300 notional" button
    # $300 / 62,000 = 0.0048387... BTC; margin 300 / 10 = 30 USDT: within the wallet
    assert added.startswith("Added #1 BTCUSDT long")
    assert "Margin 30.00 USDT · notional 300.00 USDT · effective leverage 10x" in added
    qty = await stored_qty(services, "BTCUSDT")
    assert qty is not None and qty * 62000 == pytest.approx(Decimal(300))


async def test_without_a_balance_the_size_is_stored_and_the_reply_says_it_was_not_checked(
    chat: Chat, services: Services
) -> None:
    added = await chat.text("/long btc 300 @ 62000 x10")
    assert added.startswith("Added #1 BTCUSDT long 300 @ 62,000.00 ×10 isolated")
    assert "Margin 1,860,000.00 USDT" in added
    assert "No balance is set, so this size was not checked against it: set it with /balance." in (
        added
    )
    assert await stored_qty(services, "BTCUSDT") == Decimal(300)


@pytest.mark.parametrize(
    ("language", "line", "figures", "concern", "confirm_label"),
    [
        (
            "es",
            "/long btc 300 @ 62.000 x10",  # es reads 62.000 as 62,000
            "Margen 1.860.000,00 USDT · nocional 18.600.000,00 USDT · apalancamiento efectivo 10x",
            "• Esto necesita 1.860.000,00 USDT de margen; tu saldo es 300,00 USDT. "
            "¿Quisiste decir $300 de nocional?",
            "Confirmar",
        ),
        (
            "ru",
            "/long btc 300 @ 62 000 x10",  # ru groups with a space
            f"Маржа 1{NBSP}860{NBSP}000,00 USDT · номинал 18{NBSP}600{NBSP}000,00 USDT · "
            "эффективное плечо 10x",
            f"• Для этого нужно 1{NBSP}860{NBSP}000,00 USDT маржи; ваш баланс — 300,00 USDT. "
            "Вы имели в виду $300 номинала?",
            "Подтвердить",
        ),
    ],
)
async def test_the_size_question_in_spanish_and_russian(
    chat: Chat,
    services: Services,
    language: str,
    line: str,
    figures: str,
    concern: str,
    confirm_label: str,
) -> None:
    await chat.send(f"/lang {language}")
    await chat.send("/balance 300")
    before = dump(services)
    reply = await chat.send(line)
    text = reply.plain_text()
    assert figures in text
    assert concern in text
    assert reply.confirm == "/long btcusdt 300 @ 62000 10x confirm"
    assert labels(reply)[0] == (confirm_label, reply.confirm)
    assert labels(reply)[1][1] == "/long btcusdt $300 @ 62000 10x"
    assert dump(services) == before
    await chat.send(reply.confirm)
    assert await stored_qty(services, "BTCUSDT") == Decimal(300)


# -- an entry far from the mark, past liquidation, several at once ------------------


async def test_an_entry_far_from_the_mark_asks_first(chat: Chat, services: Services) -> None:
    await chat.send("/balance 1000")
    await chat.send("/price sol 145")
    before = dump(services)
    reply = await chat.send("/long sol 10 @ 10")
    text = reply.plain_text()
    # |10 - 145| / 145 = 93.1%
    assert "• The entry price 10.0000 is 93.1% below the mark 145.0000." in text
    assert "Leverage 10x and mode isolated from your defaults" in text
    assert reply.confirm == "/long solusdt 10 @ 10 confirm"
    assert labels(reply) == [("Confirm", reply.confirm), ("Cancel", "/positions")]
    assert dump(services) == before
    added = await chat.text(reply.confirm)
    assert added.startswith("Added #1 SOLUSDT long 10 @ 10.0000 ×10 isolated")
    assert await stored_qty(services, "SOLUSDT") == Decimal(10)


async def test_an_entry_within_half_the_mark_is_not_asked_about(chat: Chat) -> None:
    await chat.send("/balance 1000")
    await chat.send("/price sol 145")
    assert (await chat.text("/long sol 1 @ 80 x10")).startswith("Added #1")  # 44.8% below


async def test_past_liquidation_at_open_and_far_from_the_mark_is_one_question(
    chat: Chat, services: Services
) -> None:
    await chat.send("/balance 1000")
    await chat.send("/price sol 145")
    before = dump(services)
    reply = await chat.send("/short sol 10 @ 10 x10")
    text = reply.plain_text()
    # a short of 10 SOL from 10 with 10 USDT of margin is liquidated near 10.95; the mark is 145
    assert text.count("Not stored yet") == 1
    assert "• The entry price 10.0000 is 93.1% below the mark 145.0000." in text
    assert (
        "• At the mark 145.0000 it is already past its liquidation price 10.9452: "
        "it would be liquidated the moment it opens."
    ) in text
    assert "Liquidation price: 10.9452: the mark 145.0000 is already past it." in text
    assert labels(reply) == [("Confirm", reply.confirm), ("Cancel", "/positions")]
    assert dump(services) == before
    assert reply.confirm == "/short solusdt 10 @ 10 10x confirm"
    added = await chat.text(reply.confirm)
    assert added.startswith("Added #1 SOLUSDT short 10 @ 10.0000 ×10 isolated")
    assert "Liquidation price: 10.9452: the mark 145.0000 is already past it." in added


async def test_a_margin_below_maintenance_is_past_liquidation_and_another_leverage(
    chat: Chat, services: Services
) -> None:
    await chat.send("/balance 1000")
    before = dump(services)
    reply = await chat.send("/long btc 1 @ 62000 x10 margin 100")
    text = reply.plain_text()
    # 100 USDT of margin on 62,000 of notional: 620x, under the 0.4% maintenance (248 USDT)
    assert (
        "• Margin 100.00 USDT on a 62,000.00 USDT notional is 620x effective leverage, "
        "not the 10x you typed."
    ) in text
    assert "• At the mark 62,000.00 it is already past its liquidation price" in text
    assert dump(services) == before


async def test_confirm_never_skips_the_engines_refusals(chat: Chat, services: Services) -> None:
    await chat.send("/balance 300")
    before = dump(services)
    reply = await chat.send("/long btc 300 @ 62000 x100 confirm")  # 18.6M of notional
    assert reply.is_error
    assert "100x is more than BTCUSDT allows at this size: the most is 25x." in reply.plain_text()
    assert dump(services) == before


# -- margin N and the stated leverage -----------------------------------------------


async def test_a_margin_that_implies_another_leverage_is_shown_and_confirmed(
    chat: Chat, services: Services
) -> None:
    await chat.send("/balance 5000")
    before = dump(services)
    reply = await chat.send("/long eth 1 @ 3000 x10 margin 50")
    text = reply.plain_text()
    # 3,000 of notional / 50 of margin = 60x
    assert (
        "• Margin 50.00 USDT on a 3,000.00 USDT notional is 60x effective leverage, "
        "not the 10x you typed."
    ) in text
    assert "Margin 50.00 USDT · notional 3,000.00 USDT · effective leverage 60x" in text
    assert reply.confirm == "/long ethusdt 1 @ 3000 10x margin 50 confirm"
    assert dump(services) == before
    added = await chat.text(reply.confirm)
    assert added.startswith("Added #1 ETHUSDT long 1 @ 3,000.00 ×10 isolated")
    assert "effective leverage 60x" in added


async def test_a_margin_against_the_default_leverage_says_so(chat: Chat) -> None:
    await chat.send("/balance 5000")
    text = await chat.text("/long eth 1 @ 3000 iso margin 50")
    assert "60x effective leverage, not the 10x of your defaults." in text
    assert "Leverage 10x from your defaults" in text


async def test_a_margin_matching_the_leverage_is_stored_at_once(chat: Chat) -> None:
    await chat.send("/balance 5000")
    added = await chat.text("/long eth 1 @ 3000 x10 iso margin 300")
    assert added.startswith("Added #1 ETHUSDT long 1 @ 3,000.00 ×10 isolated")
    assert "Margin 300.00 USDT · notional 3,000.00 USDT · effective leverage 10x" in added


@pytest.mark.parametrize(
    ("language", "line", "concern"),
    [
        (
            "es",
            "/long eth 1 @ 3.000 x10 margin 50",
            "• Un margen de 50,00 USDT sobre un nocional de 3.000,00 USDT es un apalancamiento "
            "efectivo de 60x, no los 10x que escribiste.",
        ),
        (
            "ru",
            "/long eth 1 @ 3 000 x10 margin 50",
            f"• Маржа 50,00 USDT при номинале 3{NBSP}000,00 USDT — это эффективное плечо 60x, "
            "а не указанные вами 10x.",
        ),
    ],
)
async def test_the_margin_question_in_spanish_and_russian(
    chat: Chat, services: Services, language: str, line: str, concern: str
) -> None:
    await chat.send(f"/lang {language}")
    await chat.send("/balance 5000")
    before = dump(services)
    reply = await chat.send(line)
    assert concern in reply.plain_text()
    assert reply.confirm == "/long ethusdt 1 @ 3000 10x margin 50 confirm"
    assert dump(services) == before


# -- what every add or change shows ---------------------------------------------------


async def test_an_added_position_shows_its_figures_and_no_defaults_it_did_not_use(
    chat: Chat,
) -> None:
    await chat.send("/balance 10000")
    added = await chat.text("/long btc 0.5 @ 62000 x10 iso")
    assert added.startswith("Added #1 BTCUSDT long 0.5 @ 62,000.00 ×10 isolated")
    assert "Margin 3,100.00 USDT · notional 31,000.00 USDT · effective leverage 10x" in added
    # (62,000 - 56,024.10) / 62,000 = 9.6%
    assert "Liquidation price: 56,024.10, 9.6% from the mark 62,000.00" in added
    assert "defaults" not in added


@pytest.mark.parametrize(
    ("line", "said", "not_said"),
    [
        ("/long eth 1 @ 3000 iso", "Leverage 10x from your defaults", "Mode isolated"),
        ("/long eth 1 @ 3000 x10", "Mode isolated from your defaults", "Leverage 10x"),
        ("/long eth 1 @ 3000", "Leverage 10x and mode isolated from your defaults", "Your"),
    ],
)
async def test_the_defaults_note_names_only_what_the_defaults_filled(
    chat: Chat, line: str, said: str, not_said: str
) -> None:
    await chat.send("/balance 10000")
    added = await chat.text(line)
    assert said in added
    assert not_said not in added


async def test_margin_lev_and_mode_show_the_changed_figures(chat: Chat) -> None:
    await chat.send("/balance 10000")
    await chat.send("/long btc 0.5 @ 62000 x10 iso")
    margin = await chat.text("/margin 1 +200")
    # 3,100 + 200 = 3,300 of margin; 31,000 / 3,300 = 9.39x
    assert "Margin 3,300.00 USDT · notional 31,000.00 USDT · effective leverage 9.4x" in margin
    assert "Liquidation price: 55,622.49, 10.3% from the mark 62,000.00" in margin
    lev = await chat.text("/lev 1 20")
    # 31,000 / 20 = 1,550, plus the 200 added
    assert "Margin 1,750.00 USDT · notional 31,000.00 USDT · effective leverage 17.7x" in lev
    mode = await chat.text("/mode 1 cross")
    assert "Margin 1,550.00 USDT · notional 31,000.00 USDT · effective leverage 20x" in mode
    assert "from the mark 62,000.00" in mode


# -- the pure checks ------------------------------------------------------------------


def result(services: Services, wallet: str, **position: str) -> PositionResult:
    data = {
        "id": "1",
        "symbol": "ETHUSDT",
        "side": "long",
        "qty": "1",
        "entry_price": "3000",
        "leverage": "10",
        **position,
    }
    portfolio = build(Portfolio, {"wallet_balance": wallet, "positions": [data]})
    return evaluate(portfolio, services.book).positions[0]


def test_a_plain_position_raises_no_concern(services: Services) -> None:
    assert concerns(result(services, "1000"), Decimal(1000)) == []


def test_a_wallet_of_zero_is_not_set_so_no_size_or_cross_liquidation_concern(
    services: Services,
) -> None:
    cross = result(services, "0", margin_mode="cross")
    assert concerns(cross, Decimal(0)) == []
    assert concerns(result(services, "100"), Decimal(100)) == [
        Oversized(Decimal(300), Decimal(100))
    ]


def test_the_leverage_tolerance_is_one_percent(services: Services) -> None:
    # 3,000 / 301 = 9.967x: within 1% of 10x; 3,000 / 310 = 9.677x: not
    assert concerns(result(services, "1000", isolated_margin="301"), Decimal(1000)) == []
    found = concerns(result(services, "1000", isolated_margin="310"), Decimal(1000))
    assert found == [
        LeverageMismatch(Decimal(310), Decimal(3000), Decimal(3000) / 310, Decimal(10))
    ]


def test_far_from_the_mark_and_past_liquidation(services: Services) -> None:
    far = result(services, "1000", side="short", entry_price="10", qty="10", mark_price="145")
    kinds = [type(c) for c in concerns(far, Decimal(1000))]
    assert kinds == [FarFromMark, PastLiquidation]


@pytest.mark.parametrize(
    ("language", "yes", "added"),
    [("en", "yes", "Added #1"), ("es", "sí", "#1"), ("ru", "да", "#1")],
)
async def test_a_plain_yes_in_the_users_language_answers_the_question(
    chat: Chat, services: Services, language: str, yes: str, added: str
) -> None:
    await chat.send(f"/lang {language}")
    await chat.send("/balance 300")
    question = await chat.send("/long btc 300 @ 62000 x10")
    assert question.confirm is not None and await stored_qty(services, "BTCUSDT") is None
    answer = await chat.text(yes)
    assert added in answer and "62" in answer
    assert await stored_qty(services, "BTCUSDT") == Decimal(300)


async def test_a_position_opened_at_an_alert_level_is_told_so_in_the_reply(chat: Chat) -> None:
    """The watch arms that level without an alert (issue 16): the reply is where it is said."""
    await chat.send("/balance 1000")
    await chat.send("/alerts distance 8% 3%")
    added = await chat.text("/long btc 0.01 @ 62000 x50")
    assert added.startswith("Added #1 BTCUSDT long 0.01")
    assert "from liquidation: at danger level." in added
    calm = await chat.text("/long eth 0.1 @ 3000 x5")
    assert "at warning level" not in calm and "at danger level" not in calm


async def test_with_alerts_off_the_reply_says_no_level(chat: Chat) -> None:
    await chat.send("/balance 1000")
    await chat.send("/alerts distance 8% 3%")
    await chat.send("/alerts off")
    added = await chat.text("/long btc 0.01 @ 62000 x50")
    assert "level." not in added
