"""Trades on a held position through the command layer on a real SQLite file: /add, partial
/close with its PnL in the wallet, the questions /long and /short ask on a held symbol,
/hedge, and /undo of each."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.i18n import Catalogs
from bot.parsing import ParseError
from bot.parsing.intents import AddToPosition, ClosePosition, Intent, SetHedge
from bot.services import Services
from engine.margin import evaluate
from engine.tiers import TierBook
from tests.bot.conftest import Chat, parse
from tests.engine.builders import portfolio, position

TR = Catalogs().translator("en")


def _long_liquidation(book: TierBook, qty: str, entry: str) -> str:
    """The liquidation price of a lone isolated BTC long at 10x, as a reply shows it."""
    held = position("BTCUSDT", "long", qty, entry, "10", id="1", margin_mode="isolated")
    found = evaluate(portfolio("10000", held), book).by_id("1").liquidation_price
    assert found is not None
    return TR.price(found, toward_danger_of_long=True)


async def _btc_long(chat: Chat) -> None:
    await chat.text("/balance 10000")
    await chat.text("/long BTC 0.5 @ 60000 x10 iso")


async def test_add_averages_the_entry_and_shows_the_liquidation_before_and_after(
    chat: Chat, services: Services
) -> None:
    await _btc_long(chat)

    added = await chat.text("/add 1 0.2 @ 58000")

    # (0.5 x 60,000 + 0.2 x 58,000) / 0.7 = 41,600 / 0.7 = 59,428.571…
    assert "Added to #1 BTCUSDT long 0.7 @ 59,428.57 ×10 isolated" in added
    assert "Size 0.5 → 0.7; average entry 60,000.00 → 59,428.57." in added
    before = _long_liquidation(services.book, "0.5", "60000")
    after = _long_liquidation(services.book, "0.7", str(Decimal(41600) / Decimal("0.7")))
    assert f"Liquidation price: {before} before, {after} now." in added
    assert "Undone: the addition" in await chat.text("/undo")
    assert "#1 BTCUSDT long 0.5 @ 60,000.00" in await chat.text("/positions")


async def test_add_without_a_price_or_mark_asks_for_one(chat: Chat) -> None:
    await _btc_long(chat)

    reply = await chat.send("/add 1 0.2")

    assert reply.is_error
    assert "There is no live mark for BTCUSDT" in reply.plain_text()


async def test_a_partial_close_books_its_pnl_in_the_wallet_and_undo_restores_both(
    chat: Chat, services: Services
) -> None:
    await _btc_long(chat)

    closed = await chat.text("/close 1 50% @ 62000")

    assert "Closed 0.25 of #1 BTCUSDT long 0.5 @ 60,000.00 ×10 isolated at 62,000.00." in closed
    # (62,000 - 60,000) x 0.25 = 500
    assert "Realized PnL +500.00 USDT, added to the wallet: balance 10,500.00 USDT." in closed
    lp = _long_liquidation(services.book, "0.25", "60000")
    assert f"Remaining 0.25 BTCUSDT; liquidation price: {lp}." in closed
    assert "Undone: the partial close" in await chat.text("/undo")
    assert "Wallet balance: 10,000.00 USDT" in await chat.text("/balance")
    assert "#1 BTCUSDT long 0.5 @ 60,000.00" in await chat.text("/positions")


async def test_a_close_by_size_at_the_mark_books_a_loss(chat: Chat) -> None:
    await _btc_long(chat)
    await chat.text("/price BTC 59000")

    closed = await chat.text("/close 1 0.1")

    # (59,000 - 60,000) x 0.1 = -100
    assert "at 59,000.00." in closed
    assert "Realized PnL -100.00 USDT, added to the wallet: balance 9,900.00 USDT." in closed
    assert "Remaining 0.4 BTCUSDT" in closed


async def test_a_partial_close_needs_a_price_or_a_mark(chat: Chat) -> None:
    await _btc_long(chat)

    reply = await chat.send("/close 1 0.1")

    assert reply.is_error
    assert "There is no live mark for BTCUSDT right now: add a price" in reply.plain_text()
    assert "Syntax: /close N|SYMBOL [SIZE|PERCENT%] [@ PRICE]" in reply.plain_text()


async def test_a_full_close_books_at_its_price_and_without_one_leaves_the_wallet(
    chat: Chat,
) -> None:
    await _btc_long(chat)
    await chat.text("/short ETH 2 @ 3000 x10 iso")

    booked = await chat.text("/close 1 @ 61000")
    assert "balance 10,500.00 USDT" in booked  # 1,000 x 0.5

    removed = await chat.text("/close eth")
    assert "Closed #1 ETHUSDT short 2 @ 3,000.00 ×10 isolated. /undo brings it back." in removed
    assert "the wallet is unchanged" in removed
    assert "Wallet balance: 10,500.00 USDT" in await chat.text("/balance")


async def test_a_close_larger_than_the_position_is_refused(chat: Chat) -> None:
    await _btc_long(chat)

    reply = await chat.send("/close 1 0.6 @ 61000")

    assert reply.is_error
    assert "You hold 0.5 BTCUSDT: a close of 0.6 is more than that." in reply.plain_text()


async def test_close_of_a_symbol_not_held_says_so(chat: Chat) -> None:
    await _btc_long(chat)

    reply = await chat.send("/close doge")

    assert reply.is_error
    assert "You have no DOGE position: see /positions." in reply.plain_text()


async def test_a_long_on_a_held_long_asks_to_add_and_stores_nothing_yet(chat: Chat) -> None:
    await _btc_long(chat)

    asked = await chat.send("/long BTC 0.2 @ 58000")

    assert asked.confirm == "/add 1 0.2 @ 58000"
    add, cancel = asked.buttons[0]
    # the button names the position asked about (issue 14: stale buttons), the line its number
    assert (add.label, add.action.startswith("/@"), add.action.endswith(" /add 1 0.2 @ 58000")) == (
        "Add",
        True,
        True,
    )
    assert (cancel.label, cancel.action) == ("Cancel", "/positions")
    assert "You already hold #1 BTCUSDT long 0.5 @ 60,000.00" in asked.plain_text()
    assert "1 position," in await chat.text("/positions")
    assert "average entry 60,000.00 → 59,428.57" in await chat.text(asked.confirm)


async def test_an_opposite_order_in_one_way_mode_asks_to_reduce(chat: Chat) -> None:
    await _btc_long(chat)

    asked = await chat.send("/short BTC 0.2 @ 61000")

    assert (
        "This reduces your BTCUSDT long #1 from 0.5 to 0.3 at 61,000.00: "
        "realized PnL +200.00 USDT. Go ahead?"
    ) in asked.plain_text()
    assert asked.confirm == "/close 1 0.2 @ 61000"
    done = await chat.text(asked.confirm)
    assert "balance 10,200.00 USDT" in done
    assert "Remaining 0.3 BTCUSDT" in done


async def test_a_larger_opposite_order_closes_and_opens_the_rest_in_one_undoable_change(
    chat: Chat,
) -> None:
    await _btc_long(chat)

    asked = await chat.send("/short BTC 0.7 @ 59000")

    assert "opens a short of 0.2 at the same price" in asked.plain_text()
    assert asked.confirm == "/short btcusdt 0.7 @ 59000 confirm"
    done = await chat.text(asked.confirm)
    # (59,000 - 60,000) x 0.5 = -500
    assert "Realized PnL -500.00 USDT, added to the wallet: balance 9,500.00 USDT." in done
    assert "Opened #1 BTCUSDT short 0.2 @ 59,000.00 ×10 isolated." in done
    assert "Undone: the position is back on its side" in await chat.text("/undo")
    listing = await chat.text("/positions")
    assert "1 position, wallet 10,000.00 USDT" in listing
    assert "#1 BTCUSDT long 0.5 @ 60,000.00" in listing


async def test_hedge_mode_keeps_both_sides_and_is_not_switched_off_under_them(
    chat: Chat,
) -> None:
    await _btc_long(chat)
    assert "Hedge mode is off for “main” (one-way)." in await chat.text("/hedge")

    assert "Hedge mode is on for “main”." in await chat.text("/hedge on")
    added = await chat.text("/short BTC 0.3 @ 59000")
    assert "Added #2 BTCUSDT short 0.3 @ 59,000.00 ×10 isolated" in added

    refused = await chat.send("/hedge off")
    assert refused.is_error
    assert "Hedge mode stays on: BTCUSDT holds a long and a short" in refused.plain_text()
    assert "Hedge mode is on" in await chat.text("/hedge")
    ambiguous = await chat.text("/close btc")
    assert "BTCUSDT has a long and a short (#1 / #2): name one by its number." in ambiguous


async def test_hedge_on_is_undone(chat: Chat) -> None:
    await chat.text("/hedge on")

    assert "Undone: hedge mode is as it was." in await chat.text("/undo")
    assert "Hedge mode is off" in await chat.text("/hedge")


async def test_a_partial_close_in_spanish_reads_and_shows_spanish_numbers(chat: Chat) -> None:
    await _btc_long(chat)
    await chat.text("/lang es")

    closed = await chat.text("/close 1 0,1 @ 62.000")

    # (62,000 - 60,000) x 0.1 = 200
    assert "PnL realizado +200,00 USDT, sumado a la billetera: saldo 10.200,00 USDT." in closed
    assert "Quedan 0,4 BTCUSDT" in closed


async def test_a_confirmation_line_reads_back_in_spanish(chat: Chat) -> None:
    await _btc_long(chat)
    await chat.text("/lang es")

    asked = await chat.send("/long BTC 0,125 @ 58.000")

    assert asked.confirm == "/add 1 0.1250 @ 58000"  # never three decimals: es reads 0.125 as 125
    assert "Tamaño 0,5 → 0,625" in await chat.text(asked.confirm)


async def test_a_partial_close_in_russian(chat: Chat) -> None:
    ru = Catalogs().translator("ru")
    await _btc_long(chat)
    await chat.text("/lang ru")

    closed = await chat.text("/close 1 0,1 @ 62 000")

    balance = ru.money(Decimal("10200"))
    assert f"Реализованный PnL +200,00 USDT зачислен на кошелёк: баланс {balance} USDT." in closed
    assert "Осталось 0,4 BTCUSDT" in closed


async def test_hedge_legs_in_two_margin_modes_are_refused_in_those_words(chat: Chat) -> None:
    await _btc_long(chat)
    await chat.text("/hedge on")

    reply = await chat.send("/short BTC 0.3 @ 59000 x10 cross")

    assert reply.is_error
    assert "In hedge mode the long and the short of BTCUSDT share one margin mode" in (
        reply.plain_text()
    )
    assert "1 position," in await chat.text("/positions")


async def test_a_loss_larger_than_the_wallet_is_refused_and_nothing_changes(chat: Chat) -> None:
    await chat.text("/balance 3100")
    await chat.text("/long BTC 0.5 @ 60000 x10 iso")

    reply = await chat.send("/close 1 @ 50000")

    # (50,000 - 60,000) x 0.5 = -5,000, more than the 3,100 wallet
    assert reply.is_error
    assert "That close loses 5,000.00 USDT, more than the wallet balance of 3,100.00" in (
        reply.plain_text()
    )
    assert "Wallet balance: 3,100.00 USDT" in await chat.text("/balance")
    assert "#1 BTCUSDT long 0.5 @ 60,000.00" in await chat.text("/positions")


D = Decimal


@pytest.mark.parametrize(
    ("line", "intent"),
    [
        ("/close 1 50%", ClosePosition(seq=1, percent=D(50))),
        ("/close 1 0.1", ClosePosition(seq=1, qty=D("0.1"))),
        ("/close 1 0.1 @ 64k", ClosePosition(seq=1, qty=D("0.1"), price=D(64000))),
        ("/close btc at 64000", ClosePosition(symbol="BTCUSDT", price=D(64000))),
        ("/add 1 0.2 @ 58000", AddToPosition(1, D("0.2"), D(58000))),
        ("/add #2 0.2", AddToPosition(2, D("0.2"))),
        ("/hedge", SetHedge(None)),
        ("/hedge on", SetHedge(True)),
        ("/hedge off", SetHedge(False)),
    ],
)
def test_the_trades_grammars(line: str, intent: Intent) -> None:
    assert parse(line) == intent


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("/close 1 150%", "bad_percent"),
        ("/close 1 0", "not_positive"),
        ("/close 1 0.1 @", "missing_value"),
        ("/add 1", "missing_argument"),
        ("/add 1 0.2 @ 58000 x", "unexpected"),
        ("/hedge maybe", "unexpected"),
    ],
)
def test_the_trades_grammars_refuse_in_codes(line: str, code: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse(line)

    assert raised.value.code == code
