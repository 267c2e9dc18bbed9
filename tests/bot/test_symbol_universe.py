"""/long with the symbol's real name: the exchange's contract, sizes converted and said so,
and an unknown symbol stored only once the user confirms it is a real contract."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bot.commands import Caller, CommandLayer
from bot.feeds.base import RawMark
from bot.feeds.listings import symbol_universe
from bot.services import Services
from engine.models import Exchange
from tests.bot.conftest import Chat


async def _held(services: Services, chat: Chat) -> list[tuple[str, str, str]]:
    stored = await services.portfolios.active(chat.caller.user_id)
    return [
        (p.symbol, f"{p.qty.normalize():f}", f"{p.entry_price.normalize():f}")
        for p in stored.engine_positions
    ]


async def test_pepe_in_coins_is_stored_as_1000pepe_contracts(
    chat: Chat, services: Services
) -> None:
    text = await chat.text("/long pepe 50000 @ 0.000012 10x iso")
    # 50,000 PEPE / 1,000 = 50 contracts; 0.000012 per PEPE x 1,000 = 0.012 per contract
    assert await _held(services, chat) == [("1000PEPEUSDT", "50", "0.012")]
    assert "1000PEPEUSDT: 50 contracts = 50,000 PEPE" in text
    assert "Price 0.000012 per PEPE = 0.012 per 1000PEPE." in text


async def test_the_contract_name_means_contracts_and_a_price_per_contract(
    chat: Chat, services: Services
) -> None:
    for line in ("/long 1000PEPEUSDT 50 @ 0.012 10x iso", "/long 1000pepe 50 @ 0.012 10x iso"):
        text = await chat.text(line)
        assert await _held(services, chat) == [("1000PEPEUSDT", "50", "0.012")]
        assert "contracts =" not in text  # nothing converted, nothing to say
        await chat.send("/close 1")


async def test_on_okx_1000pepe_is_a_thousand_pepe(chat: Chat, services: Services) -> None:
    await chat.send("/exchange okx")
    text = await chat.text("/long 1000pepe 50 @ 0.012 10x iso")
    assert await _held(services, chat) == [("PEPEUSDT", "50000", "0.000012")]
    assert "PEPEUSDT is sized in PEPE: 50 × 1000PEPE = 50,000 PEPE" in text
    # OKX's shipped PEPE table: ctVal 10,000,000; 50,000 / 10,000,000 = 0.005 contracts
    assert "PEPE-USDT-SWAP: 1 contract = 10,000,000 PEPE; this size is 0.005 contracts." in text


async def test_known_symbols_keep_their_names(chat: Chat) -> None:
    for symbol in ("btc", "BTC/USDT", "btc-usdt-swap", "BTCUSDT"):
        text = await chat.text(f"/long {symbol} 0.5 @ 62000 10x iso")
        assert text.startswith("Added #1 BTCUSDT long 0.5 @ 62,000.00")
        assert "contract" not in text
        await chat.send("/close 1")


async def test_an_unknown_symbol_is_not_stored_until_confirmed(
    chat: Chat, services: Services
) -> None:
    reply = await chat.send("/long btcc 0.5 @ 62000 10x iso")
    assert "BTCCUSDT is not a contract IsoCross knows on binance." in reply.plain_text()
    assert "Did you mean BTC" in reply.plain_text()
    assert await _held(services, chat) == []
    actions = [button.action for row in reply.buttons for button in row]
    assert "/long btc 0.5 @ 62000 10x iso" in actions
    assert "/long btccusdt 0.5 @ 62000 10x iso listed" in actions
    await chat.send("/long btccusdt 0.5 @ 62000 10x iso listed")  # the 'Yes' button
    assert await _held(services, chat) == [("BTCCUSDT", "0.5", "62000")]


async def test_bitcoin_suggests_btc(chat: Chat) -> None:
    assert "Did you mean BTC" in await chat.text("/long bitcoin 0.5 @ 62000")


async def test_a_symbol_the_feed_priced_is_known(services: Services) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    services.prices.offer(Exchange.BYBIT, RawMark("1000PEPEUSDT", "0.012", None), now)
    universe = symbol_universe(services.book, services.prices)
    assert universe.knows(Exchange.BYBIT, "1000PEPEUSDT")
    assert universe.knows(Exchange.CUSTOM, "1000PEPEUSDT")  # Binance's names price custom


async def test_the_listing_is_rebuilt_only_when_a_feed_prices_a_new_symbol(
    services: Services,
) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    first = services.listings.universe()
    assert services.listings.universe() is first  # nothing new: the same listing
    assert not first.knows(Exchange.BYBIT, "NEWCOINUSDT")
    services.prices.offer(Exchange.BYBIT, RawMark("NEWCOINUSDT", "1.5", None), now)
    rebuilt = services.listings.universe()
    assert rebuilt is not first
    assert rebuilt.knows(Exchange.BYBIT, "NEWCOINUSDT")
    services.prices.offer(Exchange.BYBIT, RawMark("NEWCOINUSDT", "1.6", None), now)
    assert services.listings.universe() is rebuilt  # a new mark for a known symbol


async def test_a_line_too_long_for_a_button_asks_for_the_word_listed(
    chat: Chat, services: Services
) -> None:
    reply = await chat.send("/long btcc 0.123456789 @ 1.23456789 12.5x iso margin 1234567.891")
    assert "Did you mean BTC" in reply.plain_text()
    assert "send the command again with the word “listed”" in reply.plain_text()
    assert all(len(b.action.encode()) <= 64 for row in reply.buttons for b in row)
    assert await _held(services, chat) == []


async def test_the_reply_is_translated(services: Services) -> None:
    layer = CommandLayer(services)
    reply = await layer.handle("/long pepe 50000 @ 0.000012 10x iso", Caller(7, "es"))
    assert "1000PEPEUSDT: 50 contratos = 50.000 PEPE" in reply.plain_text()


async def test_close_pepe_finds_the_1000pepe_position(chat: Chat, services: Services) -> None:
    await chat.send("/long 1000pepe 50 @ 0.012 10x iso")
    assert "Closed #1 1000PEPEUSDT" in await chat.text("/close pepe")
    assert await _held(services, chat) == []


async def test_calc_reads_a_coin_typed_size_and_price_on_the_contract(chat: Chat) -> None:
    # 50,000 PEPE @ 0.000012 per PEPE is 50 contracts of 1000PEPEUSDT @ 0.012 per contract
    text = await chat.text("/calc long pepe @ 0.000012 x10 50000 100")
    assert text.startswith("long 50 1000PEPEUSDT @ 0.012000 ×10")


async def test_a_manual_mark_typed_per_coin_is_stored_per_contract(
    chat: Chat, services: Services
) -> None:
    reply = await chat.text("/price pepe 0.000013")
    assert reply.startswith("Manual mark for 1000PEPEUSDT: 0.013000.")
    assert "1000PEPEUSDT marks" in await chat.text("/price pepe")
    quote = services.marks.manual(chat.caller.user_id, "1000PEPEUSDT")
    assert quote is not None
    assert quote.price == Decimal("0.013")


async def test_a_whatif_price_typed_per_coin_moves_the_contract(chat: Chat) -> None:
    await chat.send("/long pepe 50000 @ 0.000012 x10 iso")
    text = await chat.text("/whatif pepe 0.00001")  # 0.00001 per PEPE = 0.01 per contract
    assert "#1 1000PEPEUSDT     0.010000" in text
    percent = await chat.text("/whatif pepe -10%")  # a percentage is the same in any unit
    assert "#1 1000PEPEUSDT     0.010800" in percent


async def test_a_notional_on_okx_echoes_the_typed_units_the_right_way_up(chat: Chat) -> None:
    # OKX names PEPE per coin: $600 at 0.012 per 1000PEPE is 50,000 of 1000PEPE = 50M PEPE
    await chat.send("/exchange okx")
    text = await chat.text("/long 1000pepe $600 @ 0.012 10x")
    assert "50,000 × 1000PEPE = 50,000,000 PEPE" in text
