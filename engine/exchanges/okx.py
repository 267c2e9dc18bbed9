"""OKX USDT-margined swaps: the margin rules, and the position tiers in contracts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    api_error,
    entry,
    json_list,
    number,
    text,
    tier_file,
)
from engine.models import Exchange, Position
from engine.numbers import ZERO
from engine.symbols import QUOTE, base_asset, canonical_symbol

__all__ = [
    "INSTRUMENTS",
    "NAMING",
    "POSITION_TIERS",
    "OkxProfile",
    "okx_contract_values",
    "okx_data",
    "okx_tier_file",
]

POSITION_TIERS = "/api/v5/public/position-tiers"
INSTRUMENTS = "/api/v5/public/instruments"
# BTC-USDT-SWAP; a name carries no multiplier: PEPE-USDT-SWAP's ctVal says how many PEPE.
NAMING = SymbolNaming(separator="-", suffix="-SWAP", multiplied_names=False)


def okx_data(response: Any) -> list[Any]:
    """The `data` list of an OKX v5 response, or TierDataError when `code` is not "0"."""
    if not isinstance(response, Mapping) or response.get("code") != "0":
        raise api_error("okx", response, "code", "msg")
    return json_list(response.get("data"), "data")


def okx_contract_values(instruments: Iterable[Any]) -> dict[str, tuple[str, Decimal]]:
    """Canonical symbol -> (instId, ctVal) for USDT-settled linear swaps.

    ctVal is the base-asset quantity of one contract (0.01 BTC for BTC-USDT-SWAP).
    """
    values: dict[str, tuple[str, Decimal]] = {}
    for item in instruments:
        inst_id = text(item, "instId")
        if item.get("settleCcy") != QUOTE or item.get("ctType") != "linear":
            continue
        family = item.get("instFamily") or item.get("uly") or inst_id
        value = number(item, "ctVal", inst_id)
        if value <= ZERO:
            raise TierDataError(reason="bad_number", field="ctVal", symbol=inst_id)
        values[canonical_symbol(str(family))] = (inst_id, value)
    return values


def _family(row: Any) -> str:
    """The instrument family ("BTC-USDT"); older responses only carry `uly`."""
    family = (row.get("instFamily") or row.get("uly")) if isinstance(row, Mapping) else None
    if not isinstance(family, str) or not family:
        raise TierDataError(reason="bad_response", field="instFamily")
    return family


def _row(row: Mapping[str, Any], family: str) -> Row:
    """OKX states inclusive ranges (0-500, 501-2000): cap = maxSz, floor = the cap below."""
    return Row(
        cap=number(row, "maxSz", family),
        mmr=number(row, "mmr", family),
        amount=ZERO,
        leverage=number(row, "maxLever", family),
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
    by_family: dict[str, list[Row]] = {}
    for row in rows:
        family = _family(row)
        by_family.setdefault(family, []).append(_row(row, family))
    symbols = {}
    for family, tiers in by_family.items():
        symbol = canonical_symbol(family)
        if symbol not in contract_values:
            raise TierDataError(reason="no_contract_value", exchange="okx", symbol=family)
        inst_id, value = contract_values[symbol]
        symbols[symbol] = entry(inst_id, tiers, value)
    return tier_file("okx", "contracts", as_of, source, symbols)


def _fetch(http: Http, request: RefreshRequest) -> dict[str, Any]:
    """ctVal from the instruments list, then one position-tiers request per instrument family."""
    base = request.base_url
    instruments = okx_data(http.get_json(f"{base}{INSTRUMENTS}?instType=SWAP"))
    rows: list[Any] = []
    for symbol in request.symbols:
        family = f"{base_asset(symbol)}-{QUOTE}"
        query = http.query({"instType": "SWAP", "tdMode": "cross", "instFamily": family})
        tiers = okx_data(http.get_json(f"{base}{POSITION_TIERS}?{query}"))
        if not tiers:
            raise RefreshError(f"OKX has no position tiers for {family}")
        rows.extend(tiers)
    source = (
        f"OKX GET {base}{POSITION_TIERS}?instType=SWAP&tdMode=cross&instFamily=<BASE>-USDT and "
        f"{base}{INSTRUMENTS}?instType=SWAP (ctVal), fetched {request.stamp} by "
        "`python -m engine tiers refresh`. Tiers in contracts (x contract_value = base units); "
        "floor = the previous tier's maxSz; no deduction, so maintenance_amount is 0."
    )
    contract_values = okx_contract_values(instruments)
    return okx_tier_file(rows, contract_values, as_of=request.as_of, source=source)


class OkxProfile(ExchangeProfile):
    """OKX USDT swaps, isolated: margin ratio = (margin + upl) / (MM + liquidation fee),
    MM = position value(mark) x mmr, liquidation fee = position value(mark) x taker fee.

    So the liquidation condition holds the balance to the tier's mmr plus the taker
    fee, with no deduction; the tier is the one the size in contracts falls in, which
    does not change with price. Liquidation at a margin ratio of 100% (OKX shows
    balance over MM + liquidation fee, the reciprocal of the ratio IsoCross reports).
    The MM figure itself is OKX's `mmr` position field, value x mmr without the fee
    (a live position reads exactly 0.4% x notional at tier 1); the fee is reported
    apart as the liquidation fee. Initial margin is value(mark) / leverage (`imr`).

    Source: OKX help "Tiered maintenance margin ratio rules" (isolated USDT-margined
    contracts), published 2022-06-16, updated 2025-05-16; fields as in OKX API v5
    GET /api/v5/account/positions (`imr`, `mmr`, `margin`, `mgnRatio`). Tiers: GET
    /api/v5/public/position-tiers (public), bounded by contracts; ctVal from
    /api/v5/public/instruments turns contracts into base units.
    """

    exchange = Exchange.OKX
    title = "OKX USDT-margined perpetual swap"
    source = "https://www.okx.com/help/v-tiered-maintenance-margin-ratio-rules"
    source_date = "2025-05-16"
    taker_fee = Decimal("0.0005")
    tier_basis = "contracts"
    naming = NAMING
    api_url = "https://www.okx.com"
    tier_source = TierSource(
        docs="https://www.okx.com/docs-v5/en/#public-data-rest-api-get-position-tiers",
        fetch=_fetch,
        lists_every_symbol=False,
    )

    def maintenance_rate_extra(self, fee: Decimal) -> Decimal:
        """The liquidation fee (value x taker fee) joins the rate the condition uses."""
        return fee

    def liquidation_fee(self, position: Position, price: Decimal, fee: Decimal) -> Decimal | None:
        """Position value at `price` x taker fee: in the condition, not in OKX's `mmr`."""
        return position.qty * price * fee
