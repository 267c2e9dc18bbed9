"""How much a market moves, and how two markets move together: volatility and correlation.

The liquidation odds and the hedge test read them from `MarketData`, which
prefers recent closes the caller passes in (klines from the market-data feed)
and otherwise falls back to shipped defaults computed from public weekly
closes of the majors (`data/market/weekly_closes_*.csv`, source and window in
its header). A symbol with neither gets `GENERIC_VOLATILITY`, and no
correlation with any other symbol. Every estimate says which of these it is.

Formulas (closes c_0..c_n at a fixed interval of `dt` seconds):
    r_i = ln(c_i / c_{i-1})
    volatility = stdev(r) * sqrt(year / dt)     sample stdev (n - 1), year = 365 days
    correlation = Pearson's r of the two return series
Crypto trades every day of the year, hence 365 days of 24 hours.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from enum import StrEnum
from functools import cache
from importlib import resources
from itertools import pairwise

from engine.errors import InvalidInput
from engine.numbers import ONE, ZERO, to_decimal
from engine.symbols import base_asset

__all__ = [
    "GENERIC_VOLATILITY",
    "MIN_CLOSES",
    "SECONDS_PER_YEAR",
    "CorrelationEstimate",
    "MarketData",
    "MarketDefaults",
    "Source",
    "VolatilityEstimate",
    "correlation",
    "load_market_defaults",
    "log_returns",
    "realised_volatility",
]

SECONDS_PER_YEAR = 365 * 24 * 3600
MIN_CLOSES = 21  # 20 returns: fewer make a standard deviation too noisy to act on
# No data for a symbol: 150% a year (about 7.9% a day). Every major in the shipped
# window moved less (the most volatile, SOL, about 96%); small caps often move this
# much, so the odds for an unknown symbol lean to the pessimistic side.
GENERIC_VOLATILITY = Decimal("1.50")
_PRECISION = 40
_DATA_GLOB = "weekly_closes_*.csv"
_WEEK = 7 * 24 * 3600


class Source(StrEnum):
    KLINES = "klines"  # recent closes the caller passed in
    DEFAULT = "default"  # the shipped default for this symbol
    GENERIC = "generic"  # no data for this symbol: the generic default
    SAME_SYMBOL = "same_symbol"  # a market is perfectly correlated with itself


@dataclass(frozen=True, slots=True)
class VolatilityEstimate:
    symbol: str
    annual: Decimal  # annualised standard deviation of log returns (0.5 is 50%)
    source: Source
    returns: int  # how many returns it rests on (0 for the generic default)
    as_of: str  # the last close's date for defaults; "" for klines and generic


@dataclass(frozen=True, slots=True)
class CorrelationEstimate:
    first: str
    second: str
    value: Decimal  # Pearson's r of the two markets' log returns, -1..1
    source: Source
    returns: int


def log_returns(closes: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """ln(c_i / c_{i-1}) for consecutive closes; every close must be positive."""
    if any(close <= ZERO for close in closes):
        raise InvalidInput(field="closes", reason="not_positive")
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return tuple((now / before).ln() for before, now in pairwise(closes))


def realised_volatility(closes: Sequence[Decimal], interval_seconds: int) -> Decimal:
    """Annualised volatility of closes taken every `interval_seconds`."""
    if interval_seconds <= 0:
        raise InvalidInput(field="interval_seconds", reason="not_positive")
    if len(closes) < MIN_CLOSES:
        raise InvalidInput(field="closes", reason="too_few", minimum=MIN_CLOSES)
    returns = log_returns(closes)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        per_interval = _stdev(returns)
        result = per_interval * (Decimal(SECONDS_PER_YEAR) / Decimal(interval_seconds)).sqrt()
    return +result


def correlation(first: Sequence[Decimal], second: Sequence[Decimal]) -> Decimal:
    """Pearson's correlation of two aligned close series' log returns."""
    if len(first) != len(second):
        raise InvalidInput(field="closes", reason="not_aligned")
    if len(first) < MIN_CLOSES:
        raise InvalidInput(field="closes", reason="too_few", minimum=MIN_CLOSES)
    return _pearson(log_returns(first), log_returns(second))


def _mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, ZERO) / len(values)


def _stdev(values: Sequence[Decimal]) -> Decimal:
    mean = _mean(values)
    return (sum(((v - mean) ** 2 for v in values), ZERO) / (len(values) - 1)).sqrt()


def _pearson(xs: Sequence[Decimal], ys: Sequence[Decimal]) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        mx, my = _mean(xs), _mean(ys)
        cov = sum(((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)), ZERO)
        vx = sum(((x - mx) ** 2 for x in xs), ZERO)
        vy = sum(((y - my) ** 2 for y in ys), ZERO)
        if ZERO in (vx, vy):
            return ZERO  # a flat market moves with nothing
        result = cov / (vx * vy).sqrt()
    return +max(-ONE, min(ONE, result))


@dataclass(frozen=True)
class MarketDefaults:
    """Shipped closes per base asset ('BTC'), with the volatilities and correlations
    derived from them once, at load."""

    closes: Mapping[str, tuple[Decimal, ...]]
    interval_seconds: int
    as_of: str
    source: str
    volatility: Mapping[str, Decimal] = field(init=False)
    correlations: Mapping[frozenset[str], Decimal] = field(init=False)

    def __post_init__(self) -> None:
        vols = {
            asset: realised_volatility(series, self.interval_seconds)
            for asset, series in self.closes.items()
        }
        returns = {asset: log_returns(series) for asset, series in self.closes.items()}
        assets = sorted(returns)
        pairs = {
            frozenset((a, b)): _pearson(returns[a], returns[b])
            for i, a in enumerate(assets)
            for b in assets[i + 1 :]
        }
        object.__setattr__(self, "volatility", vols)
        object.__setattr__(self, "correlations", pairs)

    def correlation(self, first: str, second: str) -> Decimal | None:
        return self.correlations.get(frozenset((first, second)))


@cache
def load_market_defaults() -> MarketDefaults:
    """The newest shipped closes file, parsed once per process."""
    folder = resources.files("engine") / "data" / "market"
    names = sorted(
        entry.name for entry in folder.iterdir() if entry.name.startswith("weekly_closes_")
    )
    if not names:
        raise InvalidInput(field="market_defaults", reason="missing", pattern=_DATA_GLOB)
    return parse_closes((folder / names[-1]).read_text(encoding="utf-8"))


def parse_closes(text: str) -> MarketDefaults:
    """A closes file: '# key: value' header lines, then 'date,ASSET,...' and one row a week."""
    meta: dict[str, str] = {}
    rows: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            meta.setdefault(key.strip(), value.strip())
        elif line.strip():
            rows.append(line.strip().split(","))
    header, *body = rows
    assets = header[1:]
    columns: dict[str, list[Decimal]] = {asset: [] for asset in assets}
    for row in body:
        for asset, cell in zip(assets, row[1:], strict=True):
            columns[asset].append(to_decimal(cell, f"closes.{asset}"))
    return MarketDefaults(
        closes={asset: tuple(values) for asset, values in columns.items()},
        interval_seconds=_WEEK,
        as_of=meta.get("as_of", ""),
        source=meta.get("source", ""),
    )


class MarketData:
    """Volatility per symbol and correlation per pair: recent closes first, then defaults.

    `recent` maps canonical symbols ('BTCUSDT') to closes taken every
    `interval_seconds`, oldest first; series shorter than MIN_CLOSES are ignored.
    """

    def __init__(
        self,
        defaults: MarketDefaults | None = None,
        recent: Mapping[str, Sequence[Decimal]] | None = None,
        interval_seconds: int = 3600,
    ) -> None:
        self.defaults = defaults if defaults is not None else load_market_defaults()
        self.recent = {
            symbol: tuple(closes)
            for symbol, closes in (recent or {}).items()
            if len(closes) >= MIN_CLOSES
        }
        self.interval_seconds = interval_seconds

    def volatility(self, symbol: str) -> VolatilityEstimate:
        closes = self.recent.get(symbol)
        if closes is not None:
            annual = realised_volatility(closes, self.interval_seconds)
            return VolatilityEstimate(symbol, annual, Source.KLINES, len(closes) - 1, "")
        asset = base_asset(symbol)
        default = self.defaults.volatility.get(asset)
        if default is not None:
            count = len(self.defaults.closes[asset]) - 1
            return VolatilityEstimate(symbol, default, Source.DEFAULT, count, self.defaults.as_of)
        return VolatilityEstimate(symbol, GENERIC_VOLATILITY, Source.GENERIC, 0, "")

    def correlation(self, first: str, second: str) -> CorrelationEstimate | None:
        """None when nothing is known about the pair: never assume two markets move together."""
        if first == second:
            return CorrelationEstimate(first, second, ONE, Source.SAME_SYMBOL, 0)
        a, b = self.recent.get(first), self.recent.get(second)
        if a is not None and b is not None and len(a) == len(b):
            return CorrelationEstimate(first, second, correlation(a, b), Source.KLINES, len(a) - 1)
        value = self.defaults.correlation(base_asset(first), base_asset(second))
        if value is None:
            return None
        count = len(self.defaults.closes[base_asset(first)]) - 1
        return CorrelationEstimate(first, second, value, Source.DEFAULT, count)
