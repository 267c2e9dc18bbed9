"""Binance USDⓈ-M perpetuals: the margin rules, and where the brackets come from."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from engine.errors import TierDataError
from engine.exchanges.base import ExchangeProfile, SymbolNaming
from engine.exchanges.tier_format import (
    Http,
    RefreshError,
    RefreshRequest,
    Row,
    TierSource,
    entry,
    json_list,
    number,
    only,
    text,
    tier_file,
)
from engine.models import Exchange
from engine.numbers import ONE, ZERO

__all__ = ["BRACKETS", "NAMING", "BinanceProfile", "binance_tier_file", "sign_query"]

BRACKETS = "/fapi/v1/leverageBracket"
RECV_WINDOW = 5000
KEY, SECRET = "BINANCE_API_KEY", "BINANCE_API_SECRET"
NAMING = SymbolNaming()  # BTCUSDT; 1000PEPEUSDT is 1,000 PEPE


def sign_query(query: str, secret: str) -> str:
    """Binance SIGNED endpoints: hex HMAC-SHA256 of the query string, keyed by the API secret."""
    return hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()


def _row(bracket: Any, symbol: str) -> Row:
    """Binance: MM = notional x maintMarginRatio - cum; initialLeverage is the bracket's maximum."""
    if not isinstance(bracket, Mapping):
        raise TierDataError(reason="bad_response", field="brackets", symbol=symbol)
    return Row(
        cap=number(bracket, "notionalCap", symbol),
        mmr=number(bracket, "maintMarginRatio", symbol),
        amount=number(bracket, "cum", symbol, blank=ZERO),
        leverage=number(bracket, "initialLeverage", symbol),
    )


def _default(item: Mapping[str, Any], symbol: str) -> bool:
    """False when `notionalCoef` says these are one account's adjusted brackets, not the default."""
    return item.get("notionalCoef") is None or number(item, "notionalCoef", symbol) == ONE


def binance_tier_file(response: Any, *, as_of: str, source: str) -> dict[str, Any]:
    """USDT perpetuals' default brackets; delivery contracts and adjusted brackets are left out."""
    items = [response] if isinstance(response, Mapping) else json_list(response, "$")
    symbols = {}
    for item in items:
        symbol = text(item, "symbol")
        key = NAMING.canonical(symbol)
        if key is None or not _default(item, symbol):
            continue
        brackets = json_list(item.get("brackets"), f"{symbol}.brackets")
        symbols[key] = entry(symbol, [_row(b, symbol) for b in brackets])
    return tier_file("binance", "notional", as_of, source, symbols)


def _fetch(http: Http, request: RefreshRequest) -> dict[str, Any]:
    """All brackets in one signed request; `--symbols` keeps only those asked for."""
    key, secret = request.credentials.get(KEY, ""), request.credentials.get(SECRET, "")
    if not (key and secret):
        raise RefreshError(f"needs {KEY} and {SECRET} (a signed endpoint)")
    millis = int(request.now.timestamp() * 1000)
    query = http.query({"recvWindow": RECV_WINDOW, "timestamp": millis})
    base = request.base_url
    url = f"{base}{BRACKETS}?{query}&signature={sign_query(query, secret)}"
    response = http.get_json(url, {"X-MBX-APIKEY": key})
    source = (
        f"Binance GET {base}{BRACKETS} (signed), fetched {request.stamp} by "
        "`python -m engine tiers refresh`. Default brackets of USDT perpetuals; "
        "MM = notional x mmr - maintenance_amount (Binance's cum)."
    )
    return only(binance_tier_file(response, as_of=request.as_of, source=source), request.symbols)


class BinanceProfile(ExchangeProfile):
    """Binance USDⓈ-M: MM = notional(mark) x rate - maintenance amount (cum).

    The bracket is the one of the notional at the price being tested ("substitute
    the maintenance margin rate and amount of the level at the liquidation price");
    no fee in maintenance. Isolated wallet = entry notional / leverage + margin added.
    Liquidation when the wallet plus unrealized PnL falls to MM (WB, TMM1, UPNL1, cum).
    The figures are those of GET /fapi/v2/positionRisk: initial margin = notional(mark)
    / leverage (`positionInitialMargin`), MM (`maintMargin`), `isolatedWallet`.

    Source: Binance FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures
    Contracts", published 2020-08-14. Tiers: GET /fapi/v1/leverageBracket (signed),
    bounded by notional in USDT.
    """

    exchange = Exchange.BINANCE
    title = "Binance USDⓈ-M perpetual"
    source = "https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93"
    source_date = "2020-08-14"
    taker_fee = Decimal("0.0005")
    tier_basis = "notional"
    naming = NAMING
    api_url = "https://fapi.binance.com"
    tier_source = TierSource(
        docs="https://developers.binance.com/docs/derivatives/usds-margined-futures/account/"
        "rest-api/Notional-and-Leverage-Brackets",
        fetch=_fetch,
        credentials=(KEY, SECRET),
    )
