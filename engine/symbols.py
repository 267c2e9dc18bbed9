"""One spelling per market: BTC, btc/usdt, BTC-USDT-SWAP and BTCUSDT are all 'BTCUSDT'."""

from __future__ import annotations

import re

from engine.errors import InvalidInput

__all__ = ["QUOTE", "base_asset", "canonical_symbol"]

QUOTE = "USDT"
_SUFFIXES = ("-SWAP", ":USDT", "PERP", ".P")
_SEPARATORS = re.compile(r"[\s/_\-]+")
_VALID = re.compile(r"[^\W_]{1,24}")  # exchanges list non-Latin tickers too


def canonical_symbol(text: str) -> str:
    """Normalise a user's or an exchange's spelling of a USDT perpetual."""
    symbol = text.strip().upper()
    for suffix in _SUFFIXES:
        if symbol.endswith(suffix):
            symbol = symbol[: -len(suffix)]
    symbol = _SEPARATORS.sub("", symbol)
    if not symbol:
        raise InvalidInput(field="symbol", reason="empty")
    if not symbol.endswith(QUOTE) or symbol == QUOTE:
        symbol += QUOTE
    if not _VALID.fullmatch(symbol):
        raise InvalidInput(field="symbol", reason="unknown_symbol", value=text[:30])
    return symbol


def base_asset(symbol: str) -> str:
    """'BTCUSDT' -> 'BTC'."""
    return symbol[: -len(QUOTE)] if symbol.endswith(QUOTE) else symbol
