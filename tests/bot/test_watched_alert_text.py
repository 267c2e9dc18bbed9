"""An alert about a watched Hyperliquid wallet: its fixes are made on the exchange, in
USDC, and the copy is offered; no command the read-only portfolio refuses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.alerts.alert_text import alert_details, alert_reply
from bot.alerts.messages import AlertMessage
from bot.i18n import Catalogs
from bot.reply import Paragraph, Reply, Title

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
CATALOGS = Catalogs()

# ETH long 1 @ 3,000 ×5 isolated in hl:main, margin 600, liquidated at a mark of 2,400
LIQUIDATED: dict[str, Any] = {
    "level": "liquidated",
    "portfolio_id": 7,
    "portfolio": "hl:main",
    "active": False,
    "watched": True,
    "cross": False,
    "positions": 1,
    "position": "1",
    "symbol": "ETHUSDT",
    "side": "long",
    "qty": "1",
    "leverage": "5",
    "mark": "2400",
    "mark_source": "hyperliquid",
    "mark_at": "2026-03-10T11:59:58.000Z",
    "liquidation": "2424.2424",  # 2,400 / 0.99
    "distance": "-0.0101",
    "ratio": "1.02",
    "target": "0.10",
    "wallet": "10000",
    "lost": "600",
    "left": "9400",
}


def _text(reply: Reply) -> str:
    return "\n".join(b.text for b in reply.blocks if isinstance(b, Title | Paragraph))


def _lines(language: str, payload: dict[str, Any]) -> list[str]:
    reply = alert_reply(CATALOGS.translator(language), AlertMessage.model_validate(payload), NOW)
    return _text(reply).splitlines()


def test_a_liquidated_watched_position_is_told_in_usdc_with_no_close_command() -> None:
    assert _lines("en", LIQUIDATED) == [
        "Liquidation: the ETHUSDT mark has passed the liquidation price",
        "Mark 2,400.00 (hyperliquid, 2 s old) · liquidation 2,424.24",
        "Lost: the 600.00 USDC margin of #1; 9,400.00 USDC left in the wallet.",
        "Once Hyperliquid has closed it, the next snapshot removes it here.",
        "For a what-if, copy the wallet: /portfolio copy hl:main sandbox",
    ]


def test_a_watched_cross_deposit_is_made_on_hyperliquid_in_spanish_too() -> None:
    # cross, 6% away: a deposit of 250 restores 10%; closing 0.4 ETH would too
    warning = {
        **LIQUIDATED,
        "level": "warning",
        "cross": True,
        "mark": "2570",
        "distance": "0.06",
        "ratio": "0.4",
        "add_margin": "250",
        "close_qty": "0.4",
        "lost": None,
        "left": None,
    }
    english = _lines("en", warning)
    spanish = _lines("es", warning)

    assert english[3:] == [
        "Deposit 250.00 USDC on Hyperliquid to get back to 10% from liquidation.",
        "Or close 0.4 ETH on Hyperliquid to get back to 10%.",
        "For a what-if, copy the wallet: /portfolio copy hl:main sandbox",
    ]
    assert spanish[3:] == [
        "Deposita 250,00 USDC en Hyperliquid para volver a estar a 10% de la liquidación.",
        "O cierra 0,4 ETH en Hyperliquid para volver a estar a 10%.",
        "Para probar cambios, copia la billetera: /portfolio copy hl:main sandbox",
    ]
    reply = alert_reply(CATALOGS.translator("en"), AlertMessage.model_validate(warning), NOW, 5)
    actions = [button.action for row in reply.buttons for button in row]
    assert actions == ["/portfolio copy hl:main sandbox", "ad:5", "/alerts snooze ETH 2h"]
    details = alert_details(CATALOGS.translator("en"), AlertMessage.model_validate(warning), NOW)
    text = _text(details)
    assert "/fix" not in text and "/portfolio hl:main" not in text and "switch to it" not in text
    assert "Deposit 250.00 USDC on Hyperliquid" in text
