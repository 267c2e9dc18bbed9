"""Replies that say what is true: cross margin, an ambiguous /whatif move, gains, plurals."""

from __future__ import annotations

import pytest

from bot.commands import Caller, CommandLayer
from bot.i18n import Catalogs
from bot.reply import Reply
from bot.services import Services
from tests.bot.conftest import Chat


def _buttons(reply: Reply) -> list[tuple[str, str]]:
    """Label and line; a line bound to its position ("/@<ref> /mode 1 iso", issue 14)
    shows as the line it runs."""
    return [(b.label, _line(b.action)) for row in reply.buttons for b in row]


def _line(action: str) -> str:
    return action.split(" ", 1)[1] if action.startswith("/@") else action


def _squeezed(text: str) -> str:
    """Table rows with single spaces, so a test names the cells, not the padding."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


async def _btc(chat: Chat, mode: str = "iso") -> None:
    await chat.send("/balance 1000")
    await chat.send(f"/long btc 0.1 @ 60000 x10 {mode}")


async def test_add_margin_on_cross_explains_and_offers_a_deposit(
    chat: Chat, services: Services
) -> None:
    await _btc(chat, "cross")
    before = await services.portfolios.active(42)

    reply = await chat.send("/margin 1 +100")

    assert reply.plain_text() == (
        "#1 is a cross position: it has no margin of its own, it uses the shared wallet "
        "balance (1,000.00 USDT), like every cross position.\n\n"
        "To give it 100.00 USDT more room, deposit it: the balance becomes 1,100.00 USDT."
    )
    assert _buttons(reply) == [
        ("Deposit 100.00 USDT", "/balance 1100"),
        ("Switch to isolated", "/mode 1 iso"),
    ]
    assert await services.portfolios.active(42) == before  # nothing changed
    assert await chat.text("/balance 1100") == "Wallet balance set to 1,100.00 USDT."


async def test_taking_margin_out_of_a_cross_position_points_to_the_balance(chat: Chat) -> None:
    await _btc(chat, "cross")

    text = await chat.text("/margin 1 -50")

    assert "To take money out, lower the balance with /balance" in text
    assert "/mode 1 iso" in text


async def test_a_bare_move_below_one_percent_asks_usdt_or_percent(chat: Chat) -> None:
    await _btc(chat)

    reply = await chat.send("/whatif btc -15")

    assert reply.plain_text() == (
        "15 USDT or 15%?\n\nA move of 15 USDT is less than 1% of the price (60,000.00). "
        "Write -15% for a percentage or -15usdt for USDT."
    )
    assert _buttons(reply) == [
        ("15 USDT", "/whatif btc -15usdt"),
        ("15%", "/whatif btc -15%"),
    ]


async def test_both_readings_answer(chat: Chat) -> None:
    await _btc(chat)

    usdt = await chat.text("/whatif btc -15usdt")
    pct = await chat.text("/whatif btc -15%")

    assert "59,985.00" in usdt  # 60,000 - 15
    assert "51,000.00" in pct  # 60,000 × 0.85


async def test_a_bare_move_of_one_percent_or_more_is_taken_as_usdt(chat: Chat) -> None:
    await _btc(chat)

    text = await chat.text("/whatif btc -1000")

    assert "59,000.00" in text
    assert "USDT or" not in text


async def test_the_question_names_the_spanish_number(layer: CommandLayer) -> None:
    caller = Caller(user_id=8, language_code="es")
    await layer.handle("/long btc 0,1 @ 60000", caller)

    reply = await layer.handle("/whatif btc -15,5", caller)

    assert reply.plain_text().startswith("¿15,5 USDT o 15,5 %?")
    assert _buttons(reply) == [
        ("15,5 USDT", "/whatif btc -15.5usdt"),
        ("15,5 %", "/whatif btc -15.5%"),
    ]


async def test_a_gain_is_never_labelled_loss(chat: Chat) -> None:
    await _btc(chat)

    text = await chat.text("/whatif btc +10%")

    # 0.1 BTC × 6,000 up: +600.00, equity 1,600.00
    assert "Loss" not in text
    assert "Profit/loss" in text
    assert "as it is +600.00 1,600.00 0" in _squeezed(text)


async def test_a_loss_shows_with_its_minus(chat: Chat) -> None:
    await _btc(chat)

    text = await chat.text("/whatif btc -5%")

    assert "as it is -300.00 700.00 0" in _squeezed(text)  # 0.1 × 3,000 down


@pytest.mark.parametrize("line", ["/whatif doge", "/whatif doge -10%", "/whatif btc -5% doge 1"])
async def test_whatif_on_a_coin_not_held_says_so(chat: Chat, line: str) -> None:
    await _btc(chat)

    reply = await chat.send(line)

    assert reply.is_error
    assert reply.plain_text().startswith(
        "You have no DOGE position, so there is nothing to move: see /positions."
    )


async def test_whatif_with_a_held_symbol_and_no_move_shows_the_syntax(chat: Chat) -> None:
    await _btc(chat)

    text = await chat.text("/whatif btc")

    assert text.startswith("Something is missing.")
    assert "Syntax: /whatif SYMBOL|all CHANGE ..." in text


async def test_compare_with_one_position_does_not_say_all_1_positions(chat: Chat) -> None:
    await _btc(chat)

    text = await chat.text("/compare")

    assert "all 1 positions" not in text
    assert "backs the position. If BTCUSDT reaches" in text


async def test_compare_in_spanish_says_las_2_posiciones(layer: CommandLayer) -> None:
    caller = Caller(user_id=9, language_code="es")
    for line in ("/balance 1000", "/long btc 0,1 @ 60000", "/short eth 1 @ 3000"):
        await layer.handle(line, caller)

    text = (await layer.handle("/compare", caller)).plain_text()

    assert "las 2 posiciones se liquidan a la vez" in text


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (2, "(ближайшая из 2 кросс-позиций)"),
        (5, "(ближайшая из 5 кросс-позиций)"),
        (21, "(ближайшая из 21 кросс-позиции)"),
    ],
)
def test_alert_counts_take_russian_plural_forms(n: int, expected: str) -> None:
    tr = Catalogs().translator("ru")

    text = tr.plural(
        "(the nearest of {n} cross position)", "(the nearest of {n} cross positions)", n
    )

    assert text == expected


def test_reset_question_in_russian_takes_the_form_of_five() -> None:
    tr = Catalogs().translator("ru")

    text = tr.plural(
        "Delete {n} position and the balance of “{name}”?",
        "Delete all {n} positions and the balance of “{name}”?",
        5,
        name="main",
    )

    assert text == "Удалить все 5 позиций и баланс портфеля «main»?"
