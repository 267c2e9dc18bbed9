"""`python -m engine tiers refresh`: fetch the exchanges' current tier tables into dated files.

Writes `<exchange>_<today, UTC>.json` next to the shipped tables (or into `--out`);
the loader prefers the newest file symbol by symbol, so a refresh of a few
symbols never loses the others. Bybit and OKX are public; Binance's brackets
need a signed request and run only when BINANCE_API_KEY and BINANCE_API_SECRET
are set. Each exchange stands alone: a failure prints one line to stderr, writes
nothing for that exchange, and makes the exit code 1; the others still run.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import os
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from engine.errors import EngineError
from engine.models import Exchange
from engine.symbols import QUOTE, base_asset, canonical_symbol
from engine.tier_sources import (
    binance_tier_file,
    bybit_page,
    bybit_tier_file,
    okx_contract_values,
    okx_data,
    okx_tier_file,
)
from engine.tiers import FALLBACK_KEY, TierBook, parse_tier_file, shipped_tier_dir

__all__ = ["RefreshError", "register", "run", "sign_query"]

BYBIT_URL = "https://api.bybit.com"
OKX_URL = "https://www.okx.com"
BINANCE_URL = "https://fapi.binance.com"
BYBIT_RISK_LIMIT = "/v5/market/risk-limit"
OKX_TIERS = "/api/v5/public/position-tiers"
OKX_INSTRUMENTS = "/api/v5/public/instruments"
BINANCE_BRACKETS = "/fapi/v1/leverageBracket"
BINANCE_RECV_WINDOW = 5000
USER_AGENT = "isocross-tier-refresh/1"
EXIT_FAILED = 1
EXIT_USAGE = 2
_MAX_PAGES = 1000
_MAX_TIMEOUT = 600


class RefreshError(Exception):
    """A fetch or a response failed; the message is one line, safe to print (no keys, no query)."""


@dataclass(frozen=True)
class Job:
    """What every exchange's refresh needs, read once from the arguments and the environment."""

    out: Path
    timeout: float
    symbols: tuple[str, ...]
    now: datetime
    binance_key: str = field(repr=False)
    binance_secret: str = field(repr=False)

    @property
    def as_of(self) -> str:
        return self.now.date().isoformat()

    @property
    def stamp(self) -> str:
        return self.now.strftime("%Y-%m-%dT%H:%M:%SZ")


def register(commands: Any) -> None:
    """Add `refresh` to the `tiers` subcommands; base URLs default from the environment."""
    parser = commands.add_parser("refresh", help="fetch current tier tables into dated files")
    parser.add_argument(
        "--exchange",
        choices=("bybit", "okx", "binance", "all"),
        default="all",
        help="default all: bybit and okx, and binance when its keys are set",
    )
    parser.add_argument(
        "--symbols",
        type=_symbol_list,
        default=(),
        help="comma-separated, e.g. BTC,ETH (default: Bybit and Binance all "
        "USDT perpetuals, OKX the symbols the existing tables know)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder to write into (default: the shipped tier folder)",
    )
    for name, env, official in (
        ("bybit", "ISOCROSS_BYBIT_URL", BYBIT_URL),
        ("okx", "ISOCROSS_OKX_URL", OKX_URL),
        ("binance", "ISOCROSS_BINANCE_URL", BINANCE_URL),
    ):
        parser.add_argument(
            f"--{name}-url",
            type=_base_url,
            default=os.environ.get(env, official),
            help=f"base URL (default: ${env}, else {official})",
        )
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Refresh each selected exchange on its own; 0 only if every one was written."""
    if not 0 < args.timeout <= _MAX_TIMEOUT:
        print(f"refresh: --timeout must be between 0 and {_MAX_TIMEOUT} seconds", file=sys.stderr)
        return EXIT_USAGE
    job = Job(
        out=args.out or shipped_tier_dir(),
        timeout=args.timeout,
        symbols=tuple(args.symbols),
        now=datetime.now(UTC),
        binance_key=os.environ.get("BINANCE_API_KEY", ""),
        binance_secret=os.environ.get("BINANCE_API_SECRET", ""),
    )
    status = 0
    for exchange in _selected(args.exchange, job):
        try:
            path, count = _refresh(exchange, job, getattr(args, f"{exchange}_url"))
        except (RefreshError, EngineError) as exc:
            print(f"{exchange}: refresh failed: {exc}", file=sys.stderr)
            status = EXIT_FAILED
        except OSError as exc:
            print(
                f"{exchange}: cannot write into {job.out}: {exc.strerror or exc}", file=sys.stderr
            )
            status = EXIT_FAILED
        else:
            print(f"{exchange}: wrote {count} symbol{'' if count == 1 else 's'} to {path}")
    return status


def _selected(choice: str, job: Job) -> list[str]:
    if choice != "all":
        return [choice]
    return ["bybit", "okx"] + (["binance"] if job.binance_key and job.binance_secret else [])


def _refresh(exchange: str, job: Job, base: str) -> tuple[Path, int]:
    """Fetch, validate as the loader will read it, then write atomically.

    OKX is asked family by family, so without `--symbols` it refreshes the symbols the
    existing tables know; Bybit and Binance list every symbol in a few requests.
    """
    existing = _existing(exchange, job.out)
    if exchange == "okx" and not job.symbols:
        job = replace(job, symbols=_known_symbols(existing))
    data = _FETCHERS[exchange](job, base)
    path = job.out / f"{exchange}_{job.as_of}.json"
    document = _with_fallback(data, _newest_fallback(existing))
    _validate(document, path.name)
    _write_atomically(path, json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    return path, len(document["symbols"])


# --- fetching ----------------------------------------------------------------------------------


def _get_json(url: str, timeout: float, headers: Mapping[str, str] | None = None) -> Any:
    """GET and parse JSON with Decimal for every fraction; errors name the path, not the query."""
    shown = url.split("?", 1)[0]
    # `_base_url` admits only http(s), so urlopen never reads a local file here.
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": USER_AGENT, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise RefreshError(f"HTTP {exc.code} from {shown}") from None
    except urllib.error.URLError as exc:
        raise RefreshError(f"cannot reach {shown}: {exc.reason}") from None
    except (OSError, http.client.HTTPException) as exc:
        raise RefreshError(f"cannot read {shown}: {exc or type(exc).__name__}") from None
    try:
        return json.loads(body, parse_float=Decimal)
    except ValueError:
        raise RefreshError(f"response from {shown} is not JSON") from None


def _bybit(job: Job, base: str) -> dict[str, Any]:
    """One paginated listing of every linear contract, or one per requested symbol."""
    url = base + BYBIT_RISK_LIMIT
    queries = [{"category": "linear", "symbol": s} for s in job.symbols] or [{"category": "linear"}]
    rows = [row for query in queries for row in _bybit_pages(url, query, job.timeout)]
    source = (
        f"Bybit GET {url}?category=linear (public), fetched {job.stamp} by "
        "`python -m engine tiers refresh`. Tiers by position value in USDT; "
        "MM = position value x mmr - maintenance_amount (Bybit's mmDeduction)."
    )
    return bybit_tier_file(rows, as_of=job.as_of, source=source)


def _bybit_pages(url: str, query: Mapping[str, str], timeout: float) -> list[Any]:
    """Follow `nextPageCursor` until it is empty; a cursor seen twice is a loop, not more data."""
    rows: list[Any] = []
    cursor = ""
    seen: set[str] = set()
    for _ in range(_MAX_PAGES):
        page_query = {**query, "cursor": cursor} if cursor else dict(query)
        page, cursor = bybit_page(_get_json(f"{url}?{urlencode(page_query)}", timeout))
        rows.extend(page)
        if not cursor:
            return rows
        if cursor in seen:
            raise RefreshError(f"{url} repeats page cursor {cursor[:40]!r}")
        seen.add(cursor)
    raise RefreshError(f"{url} has more than {_MAX_PAGES} pages")


def _okx(job: Job, base: str) -> dict[str, Any]:
    """ctVal from the instruments list, then one position-tiers request per instrument family."""
    instruments = okx_data(_get_json(f"{base}{OKX_INSTRUMENTS}?instType=SWAP", job.timeout))
    rows: list[Any] = []
    for symbol in job.symbols:
        family = f"{base_asset(symbol)}-{QUOTE}"
        query = urlencode({"instType": "SWAP", "tdMode": "cross", "instFamily": family})
        tiers = okx_data(_get_json(f"{base}{OKX_TIERS}?{query}", job.timeout))
        if not tiers:
            raise RefreshError(f"OKX has no position tiers for {family}")
        rows.extend(tiers)
    source = (
        f"OKX GET {base}{OKX_TIERS}?instType=SWAP&tdMode=cross&instFamily=<BASE>-USDT and "
        f"{base}{OKX_INSTRUMENTS}?instType=SWAP (ctVal), fetched {job.stamp} by "
        "`python -m engine tiers refresh`. Tiers in contracts (x contract_value = base units); "
        "floor = the previous tier's maxSz; no deduction, so maintenance_amount is 0."
    )
    return okx_tier_file(rows, okx_contract_values(instruments), as_of=job.as_of, source=source)


def sign_query(query: str, secret: str) -> str:
    """Binance SIGNED endpoints: hex HMAC-SHA256 of the query string, keyed by the API secret."""
    return hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()


def _binance(job: Job, base: str) -> dict[str, Any]:
    """All brackets in one signed request; `--symbols` keeps only those asked for."""
    if not (job.binance_key and job.binance_secret):
        raise RefreshError("needs BINANCE_API_KEY and BINANCE_API_SECRET (a signed endpoint)")
    millis = int(job.now.timestamp() * 1000)
    query = urlencode({"recvWindow": BINANCE_RECV_WINDOW, "timestamp": millis})
    url = f"{base}{BINANCE_BRACKETS}?{query}&signature={sign_query(query, job.binance_secret)}"
    response = _get_json(url, job.timeout, {"X-MBX-APIKEY": job.binance_key})
    source = (
        f"Binance GET {base}{BINANCE_BRACKETS} (signed), fetched {job.stamp} by "
        "`python -m engine tiers refresh`. Default brackets of USDT perpetuals; "
        "MM = notional x mmr - maintenance_amount (Binance's cum)."
    )
    return _only(binance_tier_file(response, as_of=job.as_of, source=source), job.symbols)


def _only(data: dict[str, Any], symbols: Iterable[str]) -> dict[str, Any]:
    wanted = list(symbols)
    if not wanted:
        return data
    missing = [s for s in wanted if s not in data["symbols"]]
    if missing:
        raise RefreshError(f"not in the response: {', '.join(missing)}")
    return {**data, "symbols": {s: data["symbols"][s] for s in wanted}}


_FETCHERS: dict[str, Callable[[Job, str], dict[str, Any]]] = {
    "bybit": _bybit,
    "okx": _okx,
    "binance": _binance,
}


# --- existing files, validation, writing -------------------------------------------------------


def _existing(exchange: str, out: Path) -> list[Mapping[str, Any]]:
    """The exchange's files in the shipped folder and in `out`, oldest first."""
    folders = {shipped_tier_dir().resolve(), out.resolve()}
    documents = []
    for path in sorted(p for folder in folders for p in folder.glob(f"{exchange}_*.json")):
        try:
            documents.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise RefreshError(f"cannot read existing {path.name}: {exc}") from None
    return sorted(documents, key=lambda d: str(d.get("as_of", "")))


def _known_symbols(documents: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    known = {canonical_symbol(s) for document in documents for s in document.get("symbols", {})}
    return tuple(sorted(known))


def _newest_fallback(documents: Iterable[Mapping[str, Any]]) -> Any:
    fallbacks = [d[FALLBACK_KEY] for d in documents if FALLBACK_KEY in d]
    return fallbacks[-1] if fallbacks else None


def _with_fallback(data: Mapping[str, Any], fallback: Any) -> dict[str, Any]:
    """The file's keys in the shipped order, with the previous file's fallback kept."""
    head = {k: v for k, v in data.items() if k != "symbols"}
    if fallback is not None:
        head[FALLBACK_KEY] = fallback
    return {**head, "symbols": data["symbols"]}


def _validate(document: Mapping[str, Any], origin: str) -> None:
    """Read the document exactly as `load_tier_book` will, and build every table."""
    book = TierBook()
    book.add(parse_tier_file(document, origin=origin))
    exchange = Exchange(document["exchange"])
    for symbol in book.symbols(exchange):
        book.table(exchange, symbol)


def _write_atomically(path: Path, text: str) -> None:
    """Temp file in the same folder, then os.replace: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# --- argument types ----------------------------------------------------------------------------


def _symbol_list(text: str) -> tuple[str, ...]:
    try:
        symbols = [canonical_symbol(part) for part in text.split(",") if part.strip()]
    except EngineError:
        raise argparse.ArgumentTypeError(f"not a symbol list: {text!r}") from None
    if not symbols:
        raise argparse.ArgumentTypeError("no symbols given")
    return tuple(dict.fromkeys(symbols))


def _base_url(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"not an http(s) URL: {text!r}")
    return text.rstrip("/")
