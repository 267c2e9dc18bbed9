"""Every word the page shows, translated on the server from the chat's catalogs.

The page's JavaScript holds no language: it asks `/api/me` for these, keyed by the names
its HTML uses (`data-text="..."`), so one `.po` per language serves chat and app alike.
"""

from __future__ import annotations

from bot.i18n import N_, Translator
from engine.models import Exchange

__all__ = ["exchange_names", "page_texts"]

_TEXTS = {
    "calculator": N_("Calculator"),
    "portfolio": N_("Portfolio"),
    "exchange": N_("Exchange"),
    "side": N_("Side"),
    "long": N_("long"),
    "short": N_("short"),
    "symbol": N_("Symbol"),
    "entry": N_("Entry price"),
    "leverage": N_("Leverage"),
    "size": N_("Size"),
    "margin": N_("Margin"),
    "balance": N_("Balance"),
    "target": N_("Target price"),
    "mode": N_("Mode"),
    "isolated": N_("isolated"),
    "cross": N_("cross"),
    "wallet": N_("Wallet"),
    "price": N_("Price"),
    "mark": N_("Mark"),
    "entry_short": N_("Entry"),
    "equity_left": N_("Equity left"),
    "at_price": N_("At this price (isolated / cross)"),
    "liquidated": N_("Liquidated"),
    "chart": N_("Chart"),
    "hint": N_("Drag the price: positions that liquidate at once are marked in each mode."),
    "failed": N_("Sorry, something went wrong on my side. Please try again."),
    "key_entry": N_("Exchange keys: soon here, typed into the app and never into the chat."),
}
_EXCHANGE_NAMES = {
    Exchange.BINANCE: "Binance",
    Exchange.BYBIT: "Bybit",
    Exchange.OKX: "OKX",
}


def page_texts(tr: Translator) -> dict[str, str]:
    """The page's words in the reader's language."""
    return {key: tr(message) for key, message in _TEXTS.items()}


def exchange_names() -> dict[str, str]:
    """Exchanges by their own names, in no language."""
    return {exchange.value: name for exchange, name in _EXCHANGE_NAMES.items()}
