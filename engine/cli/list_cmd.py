"""`python -m engine tiers list`: which tier table (file and date) each symbol is read from.

One line per symbol with a table of its own, then the exchange's fallback (`_fallback`,
what every other symbol gets); `--symbols` asks for given symbols, a symbol without a
table showing the fallback it falls back to. `partial` marks a table with fewer tiers
than the exchange has: a size past its last cap is refused, not read from its last tier.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import Any

from engine.cli import add_tiers_dir
from engine.errors import EngineError
from engine.models import Exchange
from engine.symbols import canonical_symbol
from engine.tiers import TableInfo, TierBook, load_tier_book

__all__ = ["register", "render", "run"]

EXIT_USAGE = 2
_TIERED = tuple(e.value for e in Exchange if e is not Exchange.CUSTOM)
_HEADER = ("exchange", "symbol", "file", "as_of", "tiers", "table")


def register(commands: Any) -> None:
    """Add `list` to the `tiers` subcommands."""
    parser = commands.add_parser("list", help="which table and date each symbol uses")
    parser.add_argument("--exchange", choices=(*_TIERED, "all"), default="all")
    parser.add_argument(
        "--symbols", default="", help="comma-separated, e.g. BTC,ETH (default: every table)"
    )
    add_tiers_dir(parser, "extra folder of tier files, read as `evaluate --tiers-dir` reads it")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    exchanges = [Exchange(e) for e in (_TIERED if args.exchange == "all" else (args.exchange,))]
    try:
        symbols = [canonical_symbol(s) for s in args.symbols.split(",") if s.strip()]
        book = load_tier_book(args.tiers_dir)
    except EngineError as exc:
        print(f"tiers list: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(render(_rows(book, exchanges, symbols)), end="")
    return 0


def _rows(book: TierBook, exchanges: Iterable[Exchange], symbols: list[str]) -> list[TableInfo]:
    if not symbols:
        return [row for exchange in exchanges for row in book.listing(exchange)]
    found = (book.info(exchange, symbol) for exchange in exchanges for symbol in symbols)
    return [row for row in found if row is not None]


def _kind(row: TableInfo) -> str:
    return "fallback" if row.fallback else "partial" if row.partial else "full"


def render(rows: Iterable[TableInfo]) -> str:
    """An aligned text table, one line per symbol, with a header."""
    lines = [_HEADER] + [
        (r.exchange.value, r.symbol, r.origin, r.as_of, str(r.tiers), _kind(r)) for r in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(_HEADER))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        + "\n"
        for line in lines
    )
