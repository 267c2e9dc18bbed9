"""Every reply that shows a position's figures says when they come from a generic tier table."""

from __future__ import annotations

import pytest

from tests.bot.conftest import Chat

GENERIC = "No exchange tier table for SOLUSDT: figures use a conservative generic table."


@pytest.mark.parametrize(
    "command", ["/positions", "/risk", "/compare", "/whatif all -10%", "/recommend", "/chart"]
)
async def test_a_symbol_on_the_generic_table_says_so(chat: Chat, command: str) -> None:
    # OKX ships no SOL-USDT-SWAP tiers (okx_2026-09-04.json holds BTC and ETH only)
    await chat.send("/exchange okx")
    await chat.send("/balance 1000")
    await chat.send("/long sol 10 @ 150 x10 iso")
    assert GENERIC in await chat.text(command)


async def test_a_calculation_on_the_generic_table_says_so(chat: Chat) -> None:
    await chat.send("/exchange okx")
    assert GENERIC in await chat.text("/calc long sol @ 150 x10 1")


async def test_a_symbol_with_the_exchanges_table_has_no_such_note(chat: Chat) -> None:
    await chat.send("/exchange okx")
    await chat.send("/balance 1000")
    await chat.send("/long btc 0.01 @ 62000 x10 iso")
    for command in ("/positions", "/risk", "/calc long btc @ 62000 x10 0.01"):
        assert "generic table" not in await chat.text(command)
