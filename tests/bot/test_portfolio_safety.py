"""Deleting a portfolio asks first and is undoable; /undo touches the active portfolio only.

/undo reverts the newer of two things: the active portfolio's latest change, or the
user's latest portfolio deletion. A change in another portfolio is never reverted.
"""

from __future__ import annotations

from decimal import Decimal

from bot.commands import Caller, CommandLayer
from bot.reply import Reply
from bot.services import Services
from storage.portfolios import MAX_PORTFOLIOS
from storage.watch import watched
from tests.bot.conftest import Chat


def _listing(text: str) -> list[str]:
    """The /portfolio table's rows without the header, spaces squeezed."""
    return [" ".join(line.split()) for line in text.splitlines()[1:]]


async def _main_with_two_positions(chat: Chat) -> None:
    await chat.send("/balance 1000")
    await chat.send("/long btc 0.1 @ 60000")
    await chat.send("/short eth 1 @ 3000")


async def test_deleting_a_portfolio_with_positions_asks_first(chat: Chat) -> None:
    await _main_with_two_positions(chat)
    await chat.send("/portfolio new alt")

    question = await chat.send("/portfolio delete main")

    assert question.plain_text() == (
        "Delete portfolio “main” with its 2 positions and a balance of 1,000.00 USDT?"
        "\n\nAnswer yes or no; /undo brings it back."
    )
    assert question.confirm == "/portfolio delete main yes"
    assert [(b.label, b.action) for b in question.buttons[0]] == [
        ("Yes, delete", "/portfolio delete main yes"),
        ("Cancel", "/portfolio"),
    ]
    assert _listing(await chat.text("/portfolio")) == ["main 2 1,000.00", "▶ alt 0 0.00"]


async def test_yes_deletes_and_undo_brings_it_back(chat: Chat) -> None:
    await _main_with_two_positions(chat)
    await chat.send("/portfolio new alt")
    await chat.send("/portfolio delete main")

    assert await chat.text("yes") == "Deleted portfolio “main”. /undo brings it back."
    assert _listing(await chat.text("/portfolio")) == ["▶ alt 0 0.00"]
    assert await chat.text("/undo") == "Undone: portfolio “main” is back."
    assert _listing(await chat.text("/portfolio")) == ["main 2 1,000.00", "▶ alt 0 0.00"]


async def test_deleting_the_active_portfolio_and_undoing_it(chat: Chat) -> None:
    await chat.send("/portfolio new alt")
    await chat.send("/long btc 0.1 @ 60000")  # in alt, the active one

    await chat.send("/portfolio delete alt")
    reply = await chat.text("/portfolio delete alt yes")

    assert reply == (
        "Deleted portfolio “alt”. /undo brings it back.\n\nThe active portfolio is now “main”."
    )
    assert await chat.text("/undo") == "Undone: portfolio “alt” is back."
    assert _listing(await chat.text("/portfolio")) == ["main 0 0.00", "▶ alt 1 0.00"]


async def test_an_empty_portfolio_is_deleted_without_a_question(chat: Chat) -> None:
    await chat.send("/portfolio new scratch")

    reply = await chat.send("/portfolio delete scratch")

    assert reply.confirm is None
    assert reply.plain_text().startswith("Deleted portfolio “scratch”. /undo brings it back.")


async def test_undo_in_b_does_not_revert_a_change_in_a(chat: Chat) -> None:
    await chat.send("/balance 1000")  # in main (A)
    await chat.send("/portfolio new b")

    assert await chat.text("/undo") == "Nothing to undo."
    await chat.send("/portfolio main")
    assert await chat.text("/balance") == "Wallet balance: 1,000.00 USDT"


async def test_undo_in_b_leaves_a_alone_while_b_has_its_own_changes(chat: Chat) -> None:
    await chat.send("/balance 1000")  # A
    await chat.send("/portfolio new b")
    await chat.send("/balance 50")  # B
    await chat.send("/portfolio main")
    await chat.send("/balance 2000")  # A again, the newest change of all
    await chat.send("/portfolio b")

    assert await chat.text("/undo") == "Undone: the balance change."
    assert await chat.text("/balance") == "Wallet balance: 0.00 USDT"
    await chat.send("/portfolio main")
    assert await chat.text("/balance") == "Wallet balance: 2,000.00 USDT"


async def test_undo_takes_the_newer_of_a_change_and_a_deletion(chat: Chat) -> None:
    await chat.send("/portfolio new gone")
    await chat.send("/portfolio main")
    await chat.send("/portfolio delete gone")  # empty: no question
    await chat.send("/balance 300")  # in main, after the deletion

    assert await chat.text("/undo") == "Undone: the balance change."
    assert await chat.text("/undo") == "Undone: portfolio “gone” is back."
    assert await chat.text("/undo") == "Nothing to undo."


async def test_a_deleted_name_can_be_used_again_and_the_old_one_is_gone(chat: Chat) -> None:
    await chat.send("/portfolio new alt")
    await chat.send("/long btc 0.1 @ 60000")
    await chat.send("/portfolio delete alt yes")

    assert await chat.text("/portfolio new alt") == "Created portfolio “alt”; it is now active."
    assert await chat.text("/undo") == "Nothing to undo."
    assert _listing(await chat.text("/portfolio")) == ["main 0 0.00", "▶ alt 0 0.00"]


async def test_deleted_portfolios_do_not_count_toward_the_limit(chat: Chat) -> None:
    for number in range(2, MAX_PORTFOLIOS + 1):
        await chat.send(f"/portfolio new p{number}")
    assert (await chat.send("/portfolio new extra")).is_error

    await chat.send("/portfolio delete p20")

    assert await chat.text("/portfolio new extra") == (
        "Created portfolio “extra”; it is now active."
    )


async def test_undoing_a_deletion_past_the_limit_is_refused(chat: Chat) -> None:
    for number in range(2, MAX_PORTFOLIOS + 1):
        await chat.send(f"/portfolio new p{number}")
    await chat.send("/portfolio delete p20")
    await chat.send("/portfolio new extra")
    await chat.send("/portfolio main")

    reply = await chat.send("/undo")

    assert reply.is_error
    assert "as many portfolios as one user can keep" in reply.plain_text()


async def test_a_deleted_portfolio_cannot_be_switched_to(chat: Chat) -> None:
    await chat.send("/portfolio new alt")
    await chat.send("/portfolio delete alt")

    reply = await chat.send("/portfolio alt")

    assert reply.is_error
    assert "There is no portfolio of that name: see /portfolio." in reply.plain_text()


async def _talk(layer: CommandLayer, language: str, *lines: str) -> list[Reply]:
    caller = Caller(user_id=77, language_code=language)
    return [await layer.handle(line, caller) for line in lines]


async def test_spanish_delete_question_and_si(layer: CommandLayer) -> None:
    replies = await _talk(
        layer,
        "es",
        "/balance 1000",
        "/long btc 0.1 @ 60000",
        "/short eth 1 @ 3000",
        "/portfolio new alt",
        "/portfolio delete main",
        "sí",
        "/undo",
    )

    assert (
        replies[4]
        .plain_text()
        .startswith("¿Eliminar la cartera «main» con sus 2 posiciones y un saldo de 1.000,00 USDT?")
    )
    assert replies[5].plain_text() == "Cartera «main» eliminada. /undo la recupera."
    assert replies[6].plain_text() == "Deshecho: la cartera «main» ha vuelto."


async def test_russian_delete_question_and_da(layer: CommandLayer, services: Services) -> None:
    replies = await _talk(
        layer,
        "ru",
        "/balance 1000",
        "/long btc 0.1 @ 60000",
        "/portfolio new alt",
        "/portfolio delete main",
        "да",
    )
    money = services.catalogs.translator("ru").money

    assert (
        replies[3]
        .plain_text()
        .startswith(f"Удалить портфель «main» с 1 позицией и балансом {money(Decimal(1000))} USDT?")
    )
    assert replies[4].plain_text() == "Портфель «main» удалён. /undo вернёт его."


async def test_alerts_do_not_watch_a_deleted_portfolio(chat: Chat, services: Services) -> None:
    await chat.send("/portfolio new alt")
    await chat.send("/long btc 0.1 @ 60000")
    await chat.send("/portfolio delete alt yes")

    (entry,) = await watched(services.db, 42)

    assert [p.name for p in entry.portfolios] == ["main"]
    await chat.send("/undo")
    (entry,) = await watched(services.db, 42)
    assert [p.name for p in entry.portfolios] == ["main", "alt"]
