"""A portfolio holds at most MAX_POSITIONS positions: the next /long is refused in words,
and nothing is stored (issue 14: one user's book bounds one reply's work)."""

from __future__ import annotations

from decimal import Decimal

from bot.services import Services
from engine.models import Position, build
from storage.portfolios import MAX_POSITIONS
from tests.bot.conftest import Chat


async def test_the_position_past_the_cap_is_refused_and_nothing_changes(
    chat: Chat, services: Services
) -> None:
    assert MAX_POSITIONS == 200
    await chat.text("/balance 1000000")
    portfolios = services.portfolios
    for n in range(MAX_POSITIONS):
        fields = {
            "id": "p",
            "symbol": f"CAP{n}USDT",
            "side": "long",
            "qty": Decimal(1),
            "entry_price": Decimal(10),
            "leverage": Decimal(2),
            "margin_mode": "isolated",
        }
        await portfolios.add_position(chat.caller.user_id, build(Position, fields))

    reply = await chat.send("/long BTC 0.01 @ 60000 x10 iso")

    assert reply.is_error
    assert "A portfolio holds at most 200 positions: close one first" in reply.plain_text()
    stored = await portfolios.active(chat.caller.user_id)
    assert len(stored.positions) == MAX_POSITIONS
    assert stored.positions[-1].position.symbol == f"CAP{MAX_POSITIONS - 1}USDT"
    # one closed makes room again
    assert not (await chat.send("/close 1")).is_error
    assert "#200" in await chat.text("/long BTC 0.01 @ 60000 x10 iso")
