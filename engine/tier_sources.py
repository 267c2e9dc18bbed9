"""Exchanges' public tier endpoints, turned into the tier-file schema `engine.tiers` reads.

Pure functions over parsed JSON: the fetching lives in `engine.cli.refresh_cmd`,
so these can be tested on the exchanges' documented examples without a network.
Every number is re-written as plain decimal text, and a response that does not
have the documented shape raises `TierDataError(reason=...)` instead of writing
a table the engine would later trust.

    Bybit   GET /v5/market/risk-limit?category=linear        caps in USDT, with mmDeduction
    OKX     GET /api/v5/public/position-tiers?instType=SWAP  caps in contracts, no deduction
            GET /api/v5/public/instruments?instType=SWAP     ctVal, to turn contracts into base
    Binance GET /fapi/v1/leverageBracket (signed)            caps in USDT, with cum
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.errors import EngineError, TierDataError
from engine.numbers import ONE, ZERO, to_decimal
from engine.symbols import QUOTE, canonical_symbol

__all__ = [
    "binance_tier_file",
    "bybit_page",
    "bybit_tier_file",
    "okx_contract_values",
    "okx_data",
    "okx_tier_file",
]

# A USDT perpetual's native symbol: letters or digits (any script: exchanges list "币安人生USDT")
# then USDT, with no separator, so "BTCUSDT_260327" and "BTCUSDT-26DEC25" (deliveries) are out.
_USDT_PERP = re.compile(r"[^\W_]+" + QUOTE)
# Bybit documents imr = 1 / maxLeverage; its own example quotes rates in percent
# ("0.5", "1" at 100x) while live responses quote fractions ("0.005", "0.01").
_FRACTION_BAND = (Decimal("0.5"), Decimal(2))
_PERCENT_BAND = (Decimal(50), Decimal(200))
_PERCENT = Decimal(100)


@dataclass(frozen=True)
class _Row:
    """One tier as an exchange states it: the floor is implied by the tier below."""

    cap: Decimal
    mmr: Decimal
    amount: Decimal
    leverage: Decimal


def _decimal_text(value: Decimal) -> str:
    """Plain decimal text without exponent or trailing zeros: "100.00" -> "100"."""
    return format(value.normalize(), "f")


def _perpetual(symbol: str) -> str | None:
    """The canonical key of a USDT perpetual, or None for any other contract or odd name."""
    if not _USDT_PERP.fullmatch(symbol):
        return None
    try:
        return canonical_symbol(symbol)
    except EngineError:
        return None


def _tier_file(
    exchange: str, basis: str, as_of: str, source: str, symbols: Mapping[str, Any]
) -> dict[str, Any]:
    if not symbols:
        raise TierDataError(reason="no_symbols", exchange=exchange)
    return {
        "exchange": exchange,
        "as_of": as_of,
        "basis": basis,
        "source": source,
        "symbols": dict(sorted(symbols.items())),
    }


def _entry(
    native: str, rows: Iterable[_Row], contract_value: Decimal | None = None
) -> dict[str, Any]:
    """Sort by cap and chain floors (floor = previous cap), as `TierTable` requires."""
    tiers = []
    floor = ZERO
    for row in sorted(rows, key=lambda r: r.cap):
        if row.cap <= floor:
            raise TierDataError(reason="not_contiguous", symbol=native, cap=_decimal_text(row.cap))
        tiers.append(
            {
                "floor": _decimal_text(floor),
                "cap": _decimal_text(row.cap),
                "mmr": _decimal_text(row.mmr),
                "maintenance_amount": _decimal_text(row.amount),
                "max_leverage": _decimal_text(row.leverage),
            }
        )
        floor = row.cap
    entry: dict[str, Any] = {"native": native}
    if contract_value is not None:
        entry["contract_value"] = _decimal_text(contract_value)
    entry["tiers"] = tiers
    return entry


def _number(
    row: Mapping[str, Any], key: str, symbol: str, *, blank: Decimal | None = None
) -> Decimal:
    """A field as Decimal; `blank` stands in for "" or a missing field where the API allows it."""
    value = row.get(key)
    if blank is not None and value in (None, ""):
        return blank
    try:
        return to_decimal(value, key)
    except EngineError:
        raise TierDataError(reason="bad_number", field=key, symbol=symbol) from None


def _text(row: Any, key: str) -> str:
    value = row.get(key) if isinstance(row, Mapping) else None
    if not isinstance(value, str) or not value:
        raise TierDataError(reason="bad_response", field=key)
    return value


def _api_error(exchange: str, response: Any, code: str, message: str) -> TierDataError:
    """The exchange's own error code and message, cut short: they are all a reader gets."""
    body = response if isinstance(response, Mapping) else {}
    return TierDataError(
        reason="api_error",
        exchange=exchange,
        code=str(body.get(code)),
        message=str(body.get(message, ""))[:80],
    )


def _list(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise TierDataError(reason="bad_response", field=field)
    return value


# --- Bybit -------------------------------------------------------------------------------------


def bybit_page(response: Any) -> tuple[list[Any], str]:
    """One page of GET /v5/market/risk-limit: its rows, and the next page's cursor ("" if last)."""
    if not isinstance(response, Mapping) or response.get("retCode") != 0:
        raise _api_error("bybit", response, "retCode", "retMsg")
    result = response.get("result")
    if not isinstance(result, Mapping):
        raise TierDataError(reason="bad_response", field="result")
    cursor = result.get("nextPageCursor") or ""
    if not isinstance(cursor, str):
        raise TierDataError(reason="bad_response", field="result.nextPageCursor")
    return _list(result.get("list"), "result.list"), cursor


def _bybit_row(row: Mapping[str, Any], symbol: str) -> _Row:
    """mmr in fractions: rates that read as percent (imr x maxLeverage ~ 100) are divided by 100.

    Bybit: MM = position value x maintenanceMargin - mmDeduction; mmDeduction is "" on tier 1.
    """
    leverage = _number(row, "maxLeverage", symbol)
    scale = _bybit_rate_scale(_number(row, "initialMargin", symbol) * leverage, symbol)
    return _Row(
        cap=_number(row, "riskLimitValue", symbol),
        mmr=_number(row, "maintenanceMargin", symbol) / scale,
        amount=_number(row, "mmDeduction", symbol, blank=ZERO),
        leverage=leverage,
    )


def _bybit_rate_scale(imr_times_leverage: Decimal, symbol: str) -> Decimal:
    low, high = _FRACTION_BAND
    if low <= imr_times_leverage <= high:
        return ONE
    low, high = _PERCENT_BAND
    if low <= imr_times_leverage <= high:
        return _PERCENT
    raise TierDataError(reason="ambiguous_rate_unit", exchange="bybit", symbol=symbol)


def bybit_tier_file(rows: Iterable[Any], *, as_of: str, source: str) -> dict[str, Any]:
    """Every USDT linear perpetual in `rows` (all pages), tiers by position value in USDT."""
    by_symbol: dict[str, list[_Row]] = {}
    for row in rows:
        symbol = _text(row, "symbol")
        if _perpetual(symbol) is not None:
            by_symbol.setdefault(symbol, []).append(_bybit_row(row, symbol))
    symbols = {canonical_symbol(s): _entry(s, tiers) for s, tiers in by_symbol.items()}
    return _tier_file("bybit", "notional", as_of, source, symbols)


# --- OKX ---------------------------------------------------------------------------------------


def okx_data(response: Any) -> list[Any]:
    """The `data` list of an OKX v5 response, or TierDataError when `code` is not "0"."""
    if not isinstance(response, Mapping) or response.get("code") != "0":
        raise _api_error("okx", response, "code", "msg")
    return _list(response.get("data"), "data")


def okx_contract_values(instruments: Iterable[Any]) -> dict[str, tuple[str, Decimal]]:
    """Canonical symbol -> (instId, ctVal) for USDT-settled linear swaps.

    ctVal is the base-asset quantity of one contract (0.01 BTC for BTC-USDT-SWAP).
    """
    values: dict[str, tuple[str, Decimal]] = {}
    for item in instruments:
        inst_id = _text(item, "instId")
        if item.get("settleCcy") != QUOTE or item.get("ctType") != "linear":
            continue
        family = item.get("instFamily") or item.get("uly") or inst_id
        value = _number(item, "ctVal", inst_id)
        if value <= ZERO:
            raise TierDataError(reason="bad_number", field="ctVal", symbol=inst_id)
        values[canonical_symbol(str(family))] = (inst_id, value)
    return values


def _okx_family(row: Any) -> str:
    """The instrument family ("BTC-USDT"); older responses only carry `uly`."""
    family = (row.get("instFamily") or row.get("uly")) if isinstance(row, Mapping) else None
    if not isinstance(family, str) or not family:
        raise TierDataError(reason="bad_response", field="instFamily")
    return family


def _okx_row(row: Mapping[str, Any], family: str) -> _Row:
    """OKX states inclusive ranges (0-500, 501-2000): cap = maxSz, floor = the cap below."""
    return _Row(
        cap=_number(row, "maxSz", family),
        mmr=_number(row, "mmr", family),
        amount=ZERO,
        leverage=_number(row, "maxLever", family),
    )


def okx_tier_file(
    rows: Iterable[Any],
    contract_values: Mapping[str, tuple[str, Decimal]],
    *,
    as_of: str,
    source: str,
) -> dict[str, Any]:
    """Position tiers in contracts, each symbol with the contract value the loader scales by.

    OKX has no deduction: MM = position value x mmr of the tier the whole position is in.
    """
    by_family: dict[str, list[_Row]] = {}
    for row in rows:
        family = _okx_family(row)
        by_family.setdefault(family, []).append(_okx_row(row, family))
    symbols = {}
    for family, tiers in by_family.items():
        symbol = canonical_symbol(family)
        if symbol not in contract_values:
            raise TierDataError(reason="no_contract_value", exchange="okx", symbol=family)
        inst_id, value = contract_values[symbol]
        symbols[symbol] = _entry(inst_id, tiers, value)
    return _tier_file("okx", "contracts", as_of, source, symbols)


# --- Binance -----------------------------------------------------------------------------------


def _binance_row(bracket: Any, symbol: str) -> _Row:
    """Binance: MM = notional x maintMarginRatio - cum; initialLeverage is the bracket's maximum."""
    if not isinstance(bracket, Mapping):
        raise TierDataError(reason="bad_response", field="brackets", symbol=symbol)
    return _Row(
        cap=_number(bracket, "notionalCap", symbol),
        mmr=_number(bracket, "maintMarginRatio", symbol),
        amount=_number(bracket, "cum", symbol, blank=ZERO),
        leverage=_number(bracket, "initialLeverage", symbol),
    )


def _binance_default(item: Mapping[str, Any], symbol: str) -> bool:
    """False when `notionalCoef` says these are one account's adjusted brackets, not the default."""
    coef = item.get("notionalCoef")
    return coef is None or _number(item, "notionalCoef", symbol) == ONE


def binance_tier_file(response: Any, *, as_of: str, source: str) -> dict[str, Any]:
    """USDT perpetuals' default brackets; delivery contracts and adjusted brackets are left out."""
    items = [response] if isinstance(response, Mapping) else _list(response, "$")
    symbols = {}
    for item in items:
        symbol = _text(item, "symbol")
        key = _perpetual(symbol)
        if key is None or not _binance_default(item, symbol):
            continue
        brackets = _list(item.get("brackets"), f"{symbol}.brackets")
        symbols[key] = _entry(symbol, [_binance_row(b, symbol) for b in brackets])
    return _tier_file("binance", "notional", as_of, source, symbols)
