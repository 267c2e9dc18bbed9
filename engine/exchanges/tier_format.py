"""How a profile's tier source fetches, and the tier-file schema every source writes.

A source is pure: the command line (`engine.cli.refresh_cmd`) hands it an `Http`
that does the requests, so the exchanges' flows (pages, per-family requests,
signed queries) live beside their rules and are tested on documented responses
without a network. Every number is re-written as plain decimal text, and a
response without the documented shape raises `TierDataError(reason=...)` instead
of writing a table the engine would later trust.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from engine.errors import EngineError, TierDataError
from engine.numbers import ZERO, to_decimal

__all__ = [
    "Http",
    "RefreshError",
    "RefreshRequest",
    "Row",
    "TierSource",
    "api_error",
    "entry",
    "json_list",
    "number",
    "only",
    "text",
    "tier_file",
]


class RefreshError(Exception):
    """A fetch or a response failed; the message is one line, safe to print (no keys, no query)."""


class Http(Protocol):
    """The one door to the network a source gets."""

    def query(self, params: Mapping[str, object]) -> str:
        """`params` URL-encoded, in order ('a=1&b=2')."""
        ...

    def get_json(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
        """GET and parse JSON (fractions as Decimal); RefreshError on any failure."""
        ...


@dataclass(frozen=True)
class RefreshRequest:
    """What one refresh asks for: the base URL, the symbols (empty: all), and when."""

    base_url: str
    symbols: tuple[str, ...]
    now: datetime
    credentials: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def as_of(self) -> str:
        return self.now.date().isoformat()

    @property
    def stamp(self) -> str:
        return self.now.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class TierSource:
    """Where an exchange publishes its tiers, and the flow that turns them into a file."""

    docs: str  # the endpoint's documentation page
    fetch: Callable[[Http, RefreshRequest], dict[str, Any]]
    credentials: tuple[str, ...] = ()  # environment variables of the keys a signed source needs
    lists_every_symbol: bool = True  # False: asked symbol by symbol (default: those known)


@dataclass(frozen=True)
class Row:
    """One tier as an exchange states it: the floor is implied by the tier below."""

    cap: Decimal
    mmr: Decimal
    amount: Decimal
    leverage: Decimal


def _decimal_text(value: Decimal) -> str:
    """Plain decimal text without exponent or trailing zeros: "100.00" -> "100"."""
    return format(value.normalize(), "f")


def tier_file(
    exchange: str, basis: str, as_of: str, source: str, symbols: Mapping[str, Any]
) -> dict[str, Any]:
    """The document `engine.tiers.parse_tier_file` reads; no symbols is an error."""
    if not symbols:
        raise TierDataError(reason="no_symbols", exchange=exchange)
    return {
        "exchange": exchange,
        "as_of": as_of,
        "basis": basis,
        "source": source,
        "symbols": dict(sorted(symbols.items())),
    }


def entry(
    native: str, rows: Iterable[Row], contract_value: Decimal | None = None
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
    result: dict[str, Any] = {"native": native}
    if contract_value is not None:
        result["contract_value"] = _decimal_text(contract_value)
    result["tiers"] = tiers
    return result


def number(
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


def text(row: Any, key: str) -> str:
    value = row.get(key) if isinstance(row, Mapping) else None
    if not isinstance(value, str) or not value:
        raise TierDataError(reason="bad_response", field=key)
    return value


def api_error(exchange: str, response: Any, code: str, message: str) -> TierDataError:
    """The exchange's own error code and message, cut short: they are all a reader gets."""
    body = response if isinstance(response, Mapping) else {}
    return TierDataError(
        reason="api_error",
        exchange=exchange,
        code=str(body.get(code)),
        message=str(body.get(message, ""))[:80],
    )


def json_list(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise TierDataError(reason="bad_response", field=field)
    return value


def only(data: dict[str, Any], symbols: Sequence[str]) -> dict[str, Any]:
    """The file cut to `symbols` (all of them when none are asked for)."""
    if not symbols:
        return data
    missing = [s for s in symbols if s not in data["symbols"]]
    if missing:
        raise RefreshError(f"not in the response: {', '.join(missing)}")
    return {**data, "symbols": {s: data["symbols"][s] for s in symbols}}
