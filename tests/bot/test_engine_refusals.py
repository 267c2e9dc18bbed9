"""The engine's refusals reach the trader as what went wrong, never a misleading reason."""

from __future__ import annotations

from tests.bot.conftest import Chat


async def test_a_position_past_a_partial_table_says_the_table_stops(chat: Chat) -> None:
    # Bybit BTCUSDT ships only its first 3 tiers (bybit_2026-09-25.json, cap 2.6M USDT);
    # 50 BTC @ 62,000 is 3.1M USDT of notional, past the last tier shipped.
    await chat.send("/exchange bybit")
    await chat.send("/balance 1000000")
    reply = await chat.send("/long BTC 50 @ 62000 x10")
    assert reply.is_error
    text = reply.plain_text()
    assert "The BTCUSDT margin table I have for this exchange (as of 2026-09-25) stops" in text
    assert "no margin table" not in text
    assert "/long SYMBOL SIZE" in text  # the syntax of the command that met it
    assert (await chat.text("/positions")).startswith("No positions yet.")  # nothing stored


async def test_a_position_inside_the_partial_table_is_computed(chat: Chat) -> None:
    await chat.send("/exchange bybit")
    await chat.send("/balance 100000")
    reply = await chat.send("/long BTC 1 @ 62000 x10")
    assert not reply.is_error
    assert "Added #1 BTCUSDT long 1" in reply.plain_text()
