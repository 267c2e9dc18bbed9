"""A trader's session through the command layer on a real SQLite file, figures checked
against the engine computed independently."""

from __future__ import annotations

from decimal import Decimal

from bot.commands import CommandLayer
from bot.i18n import Catalogs
from bot.services import Services
from engine.margin import evaluate
from engine.models import Exchange, MarginMode
from engine.scenarios import as_mode
from engine.tiers import TierBook
from tests.bot.conftest import Chat
from tests.engine.builders import portfolio, position

TR = Catalogs().translator("en")


def _liquidation(book: TierBook, pid: str, *positions: dict[str, str], **extra: str) -> Decimal:
    """Position `pid`'s liquidation price, as the engine computes it on a 10,000 wallet."""
    found = evaluate(portfolio("10000", *positions, **extra), book).by_id(pid).liquidation_price
    assert found is not None
    return found


BTC = position("BTCUSDT", "long", "0.5", "62000", "10", id="1", margin_mode="isolated")
ETH = position("ETHUSDT", "short", "3", "3100", "20", id="2", margin_mode="cross")


async def test_a_scripted_session_of_thirty_commands(chat: Chat, services: Services) -> None:
    book = services.book
    assert "Wallet balance set to 10,000.00 USDT." in await chat.text("/balance 10000")
    added = await chat.text("/long BTC 0.5 @ 62000 x10 iso")
    btc_alone = _liquidation(book, "1", BTC)
    assert TR.price(btc_alone, toward_danger_of_long=True) in added
    assert "56,024.10" in added  # 27,900 / 0.498, rounded up for a long

    added = await chat.text("short eth 3 @ 3100 20x cross")
    eth_lp = _liquidation(book, "2", BTC, ETH)
    assert TR.price(eth_lp, toward_danger_of_long=False) in added

    listing = await chat.text("/positions")
    assert "#1 BTCUSDT long 0.5 @ 62,000.00 ×10 isolated" in listing
    assert "#2 ETHUSDT short 3 @ 3,100.00 ×20 cross" in listing
    btc_in_cross = _liquidation(book, "1", {**BTC, "margin_mode": "cross"}, ETH)
    assert TR.price(btc_in_cross, toward_danger_of_long=True) in listing  # other-mode column

    risk = await chat.text("/risk")
    account = evaluate(portfolio("10000", BTC, ETH), book).account
    assert TR.money(account.maintenance_margin) in risk
    assert TR.money(account.available_balance) in risk

    compare = await chat.text("/compare")
    all_cross = evaluate(as_mode(portfolio("10000", BTC, ETH), MarginMode.CROSS), book)
    cross_btc = all_cross.by_id("1").liquidation_price
    assert cross_btc is not None
    assert TR.price(cross_btc, toward_danger_of_long=True) in compare
    assert "together 3,565.00 USDT" in compare  # 3,100 + 3 x 3,100 / 20

    whatif = await chat.text("/whatif btc -15% eth +20%")
    assert "52,700.00" in whatif and "3,720.00" in whatif

    margin = await chat.text("/margin 1 +500")
    more_lp = _liquidation(book, "1", {**BTC, "extra_margin": "500"}, ETH)
    assert TR.price(more_lp, toward_danger_of_long=True) in margin
    assert "Undone" in await chat.text("/undo")
    assert "56,024.10" in await chat.text("/positions")

    assert "Changed #1" in await chat.text("/lev 1 20")
    assert "Undone" in await chat.text("/undo")
    assert "Changed #1" in await chat.text("/mode 1 cross")
    assert "Undone" in await chat.text("/undo")

    calc = await chat.text("/calc long btc @ 62000 x20 0.1 1000")
    assert "59,136.55" in calc  # (6,200 - 310) / (0.1 x 0.996)
    assert "52,208.84" in calc  # (6,200 - 1,000) / (0.1 x 0.996)

    assert "Did you mean /long?" in await chat.text("/lonk btc 1")
    too_high = await chat.text("/long sol 10 @ 150 x500")
    sol_max = book.table(Exchange.BINANCE, "SOLUSDT").tier_for(Decimal(1500)).max_leverage
    assert f"the most is {sol_max}x" in too_high
    assert "Syntax: /long" in too_high
    assert "You already hold #1 BTCUSDT long" in await chat.text("/long btc 1 @ 60000 x5")
    assert "At what price?" in await chat.text("/long sol 10")

    assert "Closed #2" in await chat.text("/close eth")
    assert "Undone" in await chat.text("/undo")
    assert "Delete all 2 positions" in await chat.text("/reset")
    assert "empty" in await chat.text("/reset yes")
    assert "No positions yet" in await chat.text("/positions")
    assert "Undone: the reset" in await chat.text("/undo")
    assert "2 positions" in await chat.text("/positions")

    assert "Created portfolio “test”" in await chat.text("/portfolio new test")
    assert "No positions yet" in await chat.text("/positions")
    assert "Switched to portfolio “main”" in await chat.text("/portfolio main")
    listing = await chat.text("/portfolio")
    assert "▶ main" in listing and "test" in listing
    assert "Deleted portfolio “test”" in await chat.text("/portfolio delete test")

    assert "Margin rules set to bybit" in await chat.text("/exchange bybit")
    bybit_lp = _liquidation(book, "1", BTC, ETH, exchange="bybit")
    assert TR.price(bybit_lp, toward_danger_of_long=True) in await chat.text("/positions")
    assert "custom" in await chat.text("/exchange custom 0.5% 0.05% 0")
    assert "New positions default to 20x cross" in await chat.text("/defaults 20x cross")
    defaulted = await chat.text("/long sol 10 @ 150")
    assert "Leverage 20x and mode cross from your defaults" in defaulted
    assert "/long SYMBOL SIZE" in await chat.text("/help long")


async def test_a_refused_command_writes_nothing(chat: Chat, services: Services) -> None:
    await chat.text("/balance 1000")
    await chat.text("/long btc 0.1 @ 60000 x10")
    before = await services.portfolios.active(42)
    await chat.text("/long btc 0.1 @ 60000 x10")  # one-way: a second BTC position
    await chat.text("/long eth 1000 @ 3000 x125")  # above the tier's leverage
    await chat.text("/margin 1 -50000")  # more than the position holds
    await chat.text("/close 7")
    assert await services.portfolios.active(42) == before


async def test_groups_never_see_a_portfolio(layer: CommandLayer) -> None:
    private, group = Chat(layer, 7), Chat(layer, 7, private=False)
    await private.text("/balance 5000")
    await private.text("/long btc 0.5 @ 62000 x10")
    for command in ("/positions", "/risk", "/balance", "/compare", "/whatif all -5%"):
        reply = await group.send(command)
        assert "5,000" not in reply.plain_text() and "BTCUSDT" not in reply.plain_text()
        assert "private" in reply.plain_text()
    assert "liquidation" in (await group.text("/calc long btc @ 62000 x10")).lower()
    assert "Syntax" in await group.text("/help long")


async def test_two_users_do_not_see_each_other(layer: CommandLayer) -> None:
    alice, bob = Chat(layer, 1), Chat(layer, 2)
    await alice.text("/balance 5000")
    await alice.text("/long btc 0.5 @ 62000 x10")
    assert "No positions yet" in await bob.text("/positions")
    assert "“1” is not a position number" in await bob.text("/close 1")
    assert "Nothing to undo" in await bob.text("/undo")
    assert "BTCUSDT" in await alice.text("/positions")
