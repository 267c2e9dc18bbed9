"""`/exchange` offers only the profiles a typed portfolio can be priced on: Hyperliquid's
tables come with live account data, so it is refused, with the choices shown."""

from __future__ import annotations

from bot.services import Services
from engine.models import Exchange
from tests.bot.conftest import Chat


async def test_exchange_hyperliquid_is_refused_with_the_choices(
    chat: Chat, services: Services
) -> None:
    await chat.text("/balance 1000")

    reply = await chat.send("/exchange hyperliquid")
    shown = reply.plain_text()

    assert "binance, bybit, okx, custom" in shown
    assert "/exchange binance|bybit|okx|custom [MMR% FEE% [AMOUNT]]" in shown
    user = await services.users.get(42)
    assert user is not None and user.exchange is Exchange.BINANCE  # unchanged


async def test_the_exchange_buttons_leave_hyperliquid_out(chat: Chat) -> None:
    reply = await chat.send("/exchange")

    labels = [button.label for row in reply.buttons for button in row]
    assert labels == ["binance", "bybit", "okx"]
