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


async def test_an_okx_account_shows_its_fee_apart_and_the_ratio_as_okx_shows_it(
    chat: Chat,
) -> None:
    # short 1 ETH @ 3,000, 100x, at the entry price: mmr 0.4% x 3,000 = 12.00 (OKX's `mmr`),
    # liquidation fee 0.05% x 3,000 = 1.50; account ratio (12.00 + 1.50) / equity 1,000 = 1.35%,
    # which OKX shows as its reciprocal, mgnRatio 1,000 / 13.50 = 7,407.4%
    await chat.send("/exchange okx")
    await chat.send("/balance 1000")
    await chat.send("/short eth 1 @ 3000 x100 iso")
    text = await chat.text("/risk")
    assert "  Maintenance margin     12.00\n" in text
    assert "     Liquidation fee      1.50\n" in text
    assert "        Margin ratio      1.4%\n" in text
    assert "Margin ratio as OKX shows it  7,407.4%\n" in text


async def test_other_exchanges_have_no_okx_rows(chat: Chat) -> None:
    await chat.send("/balance 1000")
    await chat.send("/short eth 1 @ 3000 x100 iso")
    text = await chat.text("/risk")
    assert "OKX" not in text
    assert "Liquidation fee" not in text
