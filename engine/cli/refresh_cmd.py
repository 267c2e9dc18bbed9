"""`python -m engine tiers refresh`: fetch the exchanges' current tier tables into dated files.

Writes `<exchange>_<today, UTC>.json` next to the shipped tables (or into `--out`);
the loader prefers the newest file symbol by symbol, so a refresh of a few
symbols never loses the others. Every exchange profile with a `tier_source` can
be refreshed; how it fetches lives in its profile (`engine.exchanges`), and this
module only does the I/O for it. A source that needs keys (Binance's signed
brackets: BINANCE_API_KEY and BINANCE_API_SECRET) runs under "all" only when they
are set. Each exchange stands alone: a failure prints one line to stderr, writes
nothing for that exchange, and makes the exit code 1; the others still run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from engine.errors import EngineError
from engine.exchanges import PROFILES, ExchangeProfile, RefreshError, RefreshRequest, TierSource
from engine.exchanges.binance import sign_query
from engine.models import Exchange
from engine.symbols import canonical_symbol
from engine.tiers import FALLBACK_KEY, TierBook, parse_tier_file, shipped_tier_dir

__all__ = ["RefreshError", "register", "run", "sign_query"]

USER_AGENT = "isocross-tier-refresh/1"
EXIT_FAILED = 1
EXIT_USAGE = 2
_MAX_TIMEOUT = 600


def _sources() -> dict[str, tuple[ExchangeProfile, TierSource]]:
    """The exchanges that publish tiers: public sources first, then those that need keys."""
    found = [(p, p.tier_source) for p in PROFILES.values() if p.tier_source is not None]
    found.sort(key=lambda pair: bool(pair[1].credentials))
    return {p.exchange.value: (p, source) for p, source in found}


def url_setting(exchange: str) -> str:
    """The environment variable of an exchange's base URL, shared with the bot's config."""
    return f"ISOCROSS_{exchange.upper()}_URL"


@dataclass(frozen=True)
class Job:
    """What every exchange's refresh needs, read once from the arguments and the environment."""

    out: Path
    timeout: float
    symbols: tuple[str, ...]
    now: datetime
    credentials: Mapping[str, str] = field(repr=False)

    @property
    def as_of(self) -> str:
        return self.now.date().isoformat()


def register(commands: Any) -> None:
    """Add `refresh` to the `tiers` subcommands; base URLs default from the environment."""
    sources = _sources()
    keyed = [name for name, (_, source) in sources.items() if source.credentials]
    asked = [name for name, (_, source) in sources.items() if not source.lists_every_symbol]
    parser = commands.add_parser("refresh", help="fetch current tier tables into dated files")
    parser.add_argument(
        "--exchange",
        choices=(*sources, "all"),
        default="all",
        help=f"default all: every public source, and {', '.join(keyed)} when its keys are set",
    )
    parser.add_argument(
        "--symbols",
        type=_symbol_list,
        default=(),
        help="comma-separated, e.g. BTC,ETH (default: every USDT perpetual; for "
        f"{', '.join(asked)}, asked symbol by symbol, the symbols the existing tables know)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder to write into (default: the shipped tier folder)",
    )
    for name, (profile, _) in sources.items():
        env, official = url_setting(name), profile.api_url
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
    sources = _sources()
    names = {key for _, source in sources.values() for key in source.credentials}
    job = Job(
        out=args.out or shipped_tier_dir(),
        timeout=args.timeout,
        symbols=tuple(args.symbols),
        now=datetime.now(UTC),
        credentials={name: os.environ.get(name, "") for name in sorted(names)},
    )
    status = 0
    for exchange in _selected(args.exchange, job, sources):
        try:
            path, count = _refresh(
                exchange, sources[exchange][1], job, getattr(args, f"{exchange}_url")
            )
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


def _selected(
    choice: str, job: Job, sources: Mapping[str, tuple[ExchangeProfile, TierSource]]
) -> list[str]:
    """One exchange, or "all": each source whose keys (if it needs any) are set."""
    if choice != "all":
        return [choice]
    return [
        name
        for name, (_, source) in sources.items()
        if all(job.credentials.get(key) for key in source.credentials)
    ]


def _refresh(exchange: str, source: TierSource, job: Job, base: str) -> tuple[Path, int]:
    """Fetch, validate as the loader will read it, then write atomically.

    A source asked symbol by symbol (OKX, family by family) refreshes, without
    `--symbols`, the symbols the existing tables know; the others list every symbol.
    """
    existing = _existing(exchange, job.out)
    if not source.lists_every_symbol and not job.symbols:
        job = replace(job, symbols=_known_symbols(existing))
    request = RefreshRequest(base, job.symbols, job.now, job.credentials)
    data = source.fetch(_UrllibHttp(job.timeout), request)
    path = job.out / f"{exchange}_{job.as_of}.json"
    document = _with_fallback(data, _newest_fallback(existing))
    _validate(document, path.name)
    _write_atomically(path, json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    return path, len(document["symbols"])


# --- fetching ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _UrllibHttp:
    """The `Http` a tier source gets: urllib, one timeout per request."""

    timeout: float

    def query(self, params: Mapping[str, object]) -> str:
        return urlencode(params)

    def get_json(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
        return _get_json(url, self.timeout, headers)


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
