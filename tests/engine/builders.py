"""Small builders that keep the tests' arithmetic in view."""

from __future__ import annotations

from typing import Any

from engine.models import Portfolio, build


def one_tier(
    mmr: str, amount: str = "0", max_leverage: str = "125", by_qty: bool = False
) -> dict[str, Any]:
    """A table with a single tier, for reproducing an example that states its rate."""
    return {
        "basis": "quantity" if by_qty else "notional",
        "tiers": [
            {
                "floor": "0",
                "cap": "1e15",
                "mmr": mmr,
                "maintenance_amount": amount,
                "max_leverage": max_leverage,
            }
        ],
    }


def portfolio(wallet: str, *positions: dict[str, Any], **fields: Any) -> Portfolio:
    return build(Portfolio, {"wallet_balance": wallet, "positions": list(positions), **fields})


def position(
    symbol: str, side: str, qty: str, entry: str, leverage: str, **fields: Any
) -> dict[str, Any]:
    return {
        "id": fields.pop("id", symbol.lower()),
        "symbol": symbol,
        "side": side,
        "qty": qty,
        "entry_price": entry,
        "leverage": leverage,
        **fields,
    }
