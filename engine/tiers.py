"""Maintenance-margin tier tables: the shipped dated files, and how to choose among them.

Files live in `engine/data/tiers/` as `<exchange>_<YYYY-MM-DD>.json`; a newer
file (for example one written by `python -m engine tiers refresh`) wins symbol
by symbol, so a partial refresh never loses the symbols it did not fetch.
A symbol no file knows gets the exchange's documented fallback table, marked
`fallback=True` so the bot can say the figures are approximate. An entry with
`"partial": true` holds fewer tiers than the exchange has: its table refuses a
size past the last cap (`TierTable.tier_for`) rather than pretend to cover it.

Every table read is checked the same way as tiers given in input: OKX's
inclusive ranges (0-2000, 2001-4000) join up, a blank maintenance amount (Bybit's
tier 1 `mmDeduction: ""`) is 0, and a rate given in percent is refused
(`rate_problem`).

OKX publishes tiers in contracts; the loader converts them to base-asset
quantity with the contract value, so the engine only knows notional and
quantity bounds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from engine.errors import InvalidInput, TierDataError
from engine.models import Exchange, Tier, TierTable, build
from engine.numbers import to_decimal
from engine.symbols import canonical_symbol

__all__ = [
    "MAX_MMR",
    "TableInfo",
    "TierBook",
    "joined_floor",
    "load_tier_book",
    "parse_tier_file",
    "rate_problem",
    "shipped_tier_dir",
]

FALLBACK_KEY = "_fallback"
MAX_MMR = Decimal("0.5")
_PERCENT = Decimal(100)
_ONE = Decimal(1)


def rate_problem(mmr: Decimal, max_leverage: Decimal) -> str | None:
    """Why a tier's maintenance rate cannot be right, or None when it can.

    A position opened at the tier's own max leverage holds notional / max_leverage;
    a rate at or above 1 / max_leverage would liquidate it as it opens. Above 50%
    is refused on tiers above 1x (Bybit's real last tiers are 60% at 1x). When the
    rate divided by 100 passes, the reason says it looks like a percentage.
    """

    def wrong(rate: Decimal) -> bool:
        return rate * max_leverage >= _ONE or (rate > MAX_MMR and max_leverage > _ONE)

    if not wrong(mmr):
        return None
    return "mmr_looks_like_percent" if not wrong(mmr / _PERCENT) else "mmr_out_of_range"


def joined_floor(floor: Decimal, previous_cap: Decimal) -> Decimal:
    """A floor one step of its last written digit above the cap below starts at that cap.

    OKX publishes inclusive ranges: 0-2000 then 2001-4000 for whole contracts,
    0-1000 then 1000.01 with fractional lots. Any other gap is left for the
    table's contiguity check to refuse.
    """
    exponent = floor.as_tuple().exponent
    if not isinstance(exponent, int) or floor <= previous_cap:
        return floor
    return previous_cap if floor - previous_cap == _ONE.scaleb(exponent) else floor


@dataclass(frozen=True)
class RawTable:
    """A symbol's entry as read, validated into a TierTable on first use."""

    entry: Mapping[str, Any]
    basis: str
    as_of: str
    source: str
    origin: str
    name: str
    fallback: bool = False

    def build(self) -> TierTable:
        table = _table(self.entry, self.basis, self.as_of, self.source, self.origin, self.name)
        return table.model_copy(update={"fallback": True}) if self.fallback else table


@dataclass(frozen=True)
class TierFile:
    """One file's entries by canonical symbol, and its fallback entry."""

    exchange: Exchange
    as_of: str
    entries: Mapping[str, RawTable]
    fallback: RawTable | None


@dataclass
class TierBook:
    """Every exchange's tables, newest per symbol, with a fallback per exchange.

    Entries are validated the first time a symbol is asked for, so loading a
    file of hundreds of symbols costs one JSON parse.
    """

    entries: dict[Exchange, dict[str, RawTable]] = field(default_factory=dict)
    fallbacks: dict[Exchange, RawTable] = field(default_factory=dict)
    _built: dict[tuple[Exchange, str], TierTable] = field(default_factory=dict, repr=False)
    # tables read live with the market data (Hyperliquid's, which ships no file), by symbol
    live: dict[tuple[Exchange, str], TierTable] = field(default_factory=dict, repr=False)

    def adopt(self, exchange: Exchange, tables: Mapping[str, TierTable]) -> None:
        """Use these tables, read from the exchange's live market data, for `exchange`;
        they win over any file's until replaced by the next reading."""
        for symbol, table in tables.items():
            self.live[(exchange, symbol)] = table

    def add(self, tier_file: TierFile) -> None:
        """Merge a file: a symbol's entry is replaced only by a newer one."""
        book = self.entries.setdefault(tier_file.exchange, {})
        for symbol, raw in tier_file.entries.items():
            current = book.get(symbol)
            if current is None or raw.as_of >= current.as_of:
                book[symbol] = raw
        fallback = self.fallbacks.get(tier_file.exchange)
        if tier_file.fallback is not None and (
            fallback is None or tier_file.fallback.as_of >= fallback.as_of
        ):
            self.fallbacks[tier_file.exchange] = tier_file.fallback
        self._built.clear()

    def table(self, exchange: Exchange, symbol: str) -> TierTable:
        """The table for `symbol`, else the exchange's fallback (marked `fallback`)."""
        key = (exchange, symbol)
        built = self.live.get(key) or self._built.get(key)
        if built is not None:
            return built
        raw = self.entries.get(exchange, {}).get(symbol) or self.fallbacks.get(exchange)
        if raw is None:
            raise TierDataError(reason="no_table", exchange=exchange.value, symbol=symbol)
        built = self._built[key] = raw.build().model_copy(update={"symbol": symbol})
        return built

    def info(self, exchange: Exchange, symbol: str) -> TableInfo | None:
        """Which file and date `table(exchange, symbol)` reads, without validating it."""
        raw = self.entries.get(exchange, {}).get(symbol) or self.fallbacks.get(exchange)
        return None if raw is None else TableInfo.of(exchange, symbol, raw)

    def listing(self, exchange: Exchange) -> list[TableInfo]:
        """Every symbol's table in use, then the fallback (symbol `_fallback`)."""
        entries = sorted(self.entries.get(exchange, {}).items())
        rows = [TableInfo.of(exchange, symbol, raw) for symbol, raw in entries]
        fallback = self.fallbacks.get(exchange)
        if fallback is not None:
            rows.append(TableInfo.of(exchange, FALLBACK_KEY, fallback))
        return rows

    def knows(self, exchange: Exchange, symbol: str) -> bool:
        return symbol in self.entries.get(exchange, {})

    def symbols(self, exchange: Exchange) -> list[str]:
        return sorted(self.entries.get(exchange, {}))


@dataclass(frozen=True)
class TableInfo:
    """What `python -m engine tiers list` reports for one symbol's table in use."""

    exchange: Exchange
    symbol: str
    origin: str  # the file it was read from
    as_of: str
    tiers: int
    partial: bool
    fallback: bool

    @classmethod
    def of(cls, exchange: Exchange, symbol: str, raw: RawTable) -> TableInfo:
        tiers = raw.entry.get("tiers")
        return cls(
            exchange=exchange,
            symbol=symbol,
            origin=raw.origin,
            as_of=raw.as_of,
            tiers=len(tiers) if isinstance(tiers, list) else 0,
            partial=raw.entry.get("partial") is True,
            fallback=raw.fallback,
        )


def shipped_tier_dir() -> Path:
    """The folder of tier files inside the installed package."""
    return Path(str(resources.files("engine") / "data" / "tiers"))


def load_tier_book(directories: Iterable[Path] = ()) -> TierBook:
    """Read the shipped files, then any extra folders; newer tables win."""
    book = TierBook()
    paths = sorted(shipped_tier_dir().glob("*.json"))
    for directory in directories:
        paths.extend(sorted(Path(directory).glob("*.json")))
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TierDataError(reason="unreadable", file=path.name, detail=str(exc)) from None
        book.add(parse_tier_file(data, origin=path.name))
    return book


def parse_tier_file(data: Mapping[str, Any], origin: str = "") -> TierFile:
    """Read one file's header and entries; tables are validated when first used."""
    try:
        exchange = Exchange(data["exchange"])
        as_of = str(data["as_of"])
        basis = str(data.get("basis", "notional"))
        source = str(data.get("source", ""))
        entries = dict(data["symbols"])
    except (KeyError, ValueError, TypeError):
        raise TierDataError(reason="bad_header", file=origin) from None
    if basis not in _BASES:
        raise TierDataError(reason="bad_basis", file=origin)
    raws = {
        _symbol_key(name, origin): RawTable(
            entry, basis, str(entry.get("as_of", as_of)), source, origin, name
        )
        for name, entry in entries.items()
    }
    fallback = None
    fallback_entry = data.get(FALLBACK_KEY)
    if fallback_entry is not None:
        fallback_basis = str(fallback_entry.get("basis", basis))
        if fallback_basis not in _BASES:
            raise TierDataError(reason="bad_basis", file=origin)
        dated = str(fallback_entry.get("as_of", as_of))  # a fallback carried forward keeps its date
        fallback = RawTable(
            fallback_entry, fallback_basis, dated, source, origin, FALLBACK_KEY, fallback=True
        )
    return TierFile(exchange=exchange, as_of=as_of, entries=raws, fallback=fallback)


_BASES = ("notional", "contracts")


def _symbol_key(name: str, origin: str) -> str:
    try:
        return canonical_symbol(name)
    except InvalidInput:
        raise TierDataError(reason="bad_symbol", file=origin, symbol=name[:40]) from None


def _table(
    entry: Mapping[str, Any], basis: str, as_of: str, source: str, origin: str, name: str
) -> TierTable:
    try:
        scale = to_decimal(entry.get("contract_value", "1"), "contract_value")
        tiers = _tiers(entry["tiers"], scale)
        table = build(
            TierTable,
            {
                "basis": "quantity" if basis == "contracts" else "notional",
                "tiers": tiers,
                "source": str(entry.get("source", source)),
                "as_of": str(entry.get("as_of", as_of)),
                "partial": entry.get("partial") is True,
            },
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise TierDataError(reason="bad_table", file=origin, symbol=name, detail=str(exc)) from None
    for number, tier in enumerate(table.tiers, start=1):
        problem = rate_problem(tier.mmr, tier.max_leverage)
        if problem is not None:
            raise TierDataError(reason=problem, file=origin, symbol=name, tier=number, mmr=tier.mmr)
    return table


def _tiers(rows: Iterable[Mapping[str, Any]], scale: Decimal) -> list[Tier]:
    """Rows as stated (floor/cap in the file's unit), scaled to base units by `scale`."""
    tiers: list[Tier] = []
    previous_cap = Decimal(0)
    for raw in rows:
        floor = joined_floor(to_decimal(raw["floor"], "floor"), previous_cap)
        cap = to_decimal(raw["cap"], "cap")
        tiers.append(
            Tier(
                floor=floor * scale,
                cap=cap * scale,
                mmr=to_decimal(raw["mmr"], "mmr"),
                maintenance_amount=_blank_zero(raw.get("maintenance_amount")),
                max_leverage=to_decimal(raw["max_leverage"], "max_leverage"),
            )
        )
        previous_cap = cap
    return tiers


def _blank_zero(value: object) -> Decimal:
    """Bybit publishes tier 1's mmDeduction as "": no deduction."""
    return Decimal(0) if value in (None, "") else to_decimal(value, "maintenance_amount")
