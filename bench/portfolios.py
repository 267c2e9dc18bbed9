"""The portfolios the benchmarks time, written the way a trader states a position."""

from __future__ import annotations

from typing import Any

from engine.models import Portfolio, build

__all__ = ["portfolio", "position"]


def position(
    pid: str, symbol: str, side: str, qty: object, entry: object, leverage: object, **fields: Any
) -> dict[str, Any]:
    """One position's fields, as `build(Portfolio, ...)` reads them."""
    return {
        "id": pid,
        "symbol": symbol,
        "side": side,
        "qty": qty,
        "entry_price": entry,
        "leverage": leverage,
        **fields,
    }


def portfolio(wallet: str, *positions: dict[str, Any]) -> Portfolio:
    return build(Portfolio, {"wallet_balance": wallet, "positions": list(positions)})
