"""Bybit USDT perpetuals (Unified Trading Account): the margin rules and the risk-limit source."""

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
from engine.numbers import ONE, ZERO

__all__ = ["NAMING", "RISK_LIMIT", "BybitProfile", "bybit_page", "bybit_tier_file"]

RISK_LIMIT = "/v5/market/risk-limit"
NAMING = SymbolNaming()  # BTCUSDT; 1000PEPEUSDT is 1,000 PEPE
MAX_PAGES = 1000
# Bybit documents imr = 1 / maxLeverage; its own example quotes rates in percent
# ("0.5", "1" at 100x) while live responses quote fractions ("0.005", "0.01").
_FRACTION_BAND = (Decimal("0.5"), Decimal(2))
_PERCENT_BAND = (Decimal(50), Decimal(200))
_PERCENT = Decimal(100)


def bybit_page(response: Any) -> tuple[list[Any], str]:
    """One page of GET /v5/market/risk-limit: its rows, and the next page's cursor ("" if last)."""
    if not isinstance(response, Mapping) or response.get("retCode") != 0:
        raise api_error("bybit", response, "retCode", "retMsg")
    result = response.get("result")
    if not isinstance(result, Mapping):
        raise TierDataError(reason="bad_response", field="result")
    cursor = result.get("nextPageCursor") or ""
    if not isinstance(cursor, str):
        raise TierDataError(reason="bad_response", field="result.nextPageCursor")
    return json_list(result.get("list"), "result.list"), cursor


def _row(row: Mapping[str, Any], symbol: str) -> Row:
    """mmr in fractions: rates that read as percent (imr x maxLeverage ~ 100) are divided by 100.

    Bybit: MM = position value x maintenanceMargin - mmDeduction; mmDeduction is "" on tier 1.
    """
    leverage = number(row, "maxLeverage", symbol)
    scale = _rate_scale(number(row, "initialMargin", symbol) * leverage, symbol)
    return Row(
        cap=number(row, "riskLimitValue", symbol),
        mmr=number(row, "maintenanceMargin", symbol) / scale,
        amount=number(row, "mmDeduction", symbol, blank=ZERO),
        leverage=leverage,
    )


def _rate_scale(imr_times_leverage: Decimal, symbol: str) -> Decimal:
    low, high = _FRACTION_BAND
    if low <= imr_times_leverage <= high:
        return ONE
    low, high = _PERCENT_BAND
    if low <= imr_times_leverage <= high:
        return _PERCENT
    raise TierDataError(reason="ambiguous_rate_unit", exchange="bybit", symbol=symbol)


def bybit_tier_file(rows: Iterable[Any], *, as_of: str, source: str) -> dict[str, Any]:
    """Every USDT linear perpetual in `rows` (all pages), tiers by position value in USDT."""
    by_symbol: dict[str, list[Row]] = {}
    for row in rows:
        symbol = text(row, "symbol")
        if NAMING.canonical(symbol) is not None:
            by_symbol.setdefault(symbol, []).append(_row(row, symbol))
    symbols = {NAMING.canonical(s) or s: entry(s, tiers) for s, tiers in by_symbol.items()}
    return tier_file("bybit", "notional", as_of, source, symbols)


def _fetch(http: Http, request: RefreshRequest) -> dict[str, Any]:
    """One paginated listing of every linear contract, or one per requested symbol."""
    url = request.base_url + RISK_LIMIT
    queries = [{"category": "linear", "symbol": s} for s in request.symbols] or [
        {"category": "linear"}
    ]
    rows = [row for query in queries for row in _pages(http, url, query)]
    source = (
        f"Bybit GET {url}?category=linear (public), fetched {request.stamp} by "
        "`python -m engine tiers refresh`. Tiers by position value in USDT; "
        "MM = position value x mmr - maintenance_amount (Bybit's mmDeduction)."
    )
    return bybit_tier_file(rows, as_of=request.as_of, source=source)


def _pages(http: Http, url: str, query: Mapping[str, str]) -> list[Any]:
    """Follow `nextPageCursor` until it is empty; a cursor seen twice is a loop, not more data."""
    rows: list[Any] = []
    cursor = ""
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        page_query = {**query, "cursor": cursor} if cursor else dict(query)
        page, cursor = bybit_page(http.get_json(f"{url}?{http.query(page_query)}"))
        rows.extend(page)
        if not cursor:
            return rows
        if cursor in seen:
            raise RefreshError(f"{url} repeats page cursor {cursor[:40]!r}")
        seen.add(cursor)
    raise RefreshError(f"{url} has more than {MAX_PAGES} pages")


def _closing_factor(position: Position) -> Decimal:
    """Bankruptcy price / entry: (leverage -/+ 1) / leverage for a long / short."""
    leverage = position.leverage
    return (leverage - ONE if position.side.sign > 0 else leverage + ONE) / leverage


class BybitProfile(ExchangeProfile):
    """Bybit USDT perpetual, UTA isolated margin:
    MM = position value(mark) x MMR - mm deduction + estimated fee to close,
    IM = entry value / leverage + estimated fee to close (isolated; cross: mark value).

    The fee to close is qty x entry x (1 -/+ 1/leverage) x taker fee for a long /
    short (the taker fee at the bankruptcy price of the opening margin); it sits in
    the initial margin and in the maintenance margin, so it is held in the isolated
    wallet and is not lost before bankruptcy:
        bankruptcy = entry x (1 -/+ 1/leverage) -/+ extra / ((1 -/+ taker fee) x qty)
    (Bybit's "What is Bankruptcy Price?": long = entry x (1 - initial margin rate);
    1 BTC long @ 60,000 at 50x goes bankrupt at 58,800).
    Margin added by hand counts as extra / (1 -/+ taker fee) for a long / short.
    The risk-limit tier follows the position value as the mark moves, so the table
    is re-read at the price being tested.

    Since 2025-09-02 isolated MM is computed at the mark while isolated IM stays at
    the entry ("Position IM: no change"); cross IM and MM are both at the mark.

    Source: Bybit help centre "Liquidation Price Calculation under Isolated Mode
    (Unified Trading Account)", USDT perpetual formulas, last updated 2026-05-27;
    for mark and entry, Bybit help centre "The New Margin Calculation: Adjustments
    and Implications" (effective 2025-09-02, last updated 2025-09-18),
    https://www.bybit.com/en/help-center/article/Understanding-the-Adjustment-and-Impact-of-the-New-Margin-Calculation
    USDT isolated table: Position IM "No change"; Position MM "[(Position Size x
    Mark Price x MM Rate) - MM Deduction] + [Position Size x Entry Price x (1 -/+
    1/Leverage) x Taker Fee Rate]". Tiers: GET /v5/market/risk-limit (public),
    bounded by position value in USDT.
    """

    exchange = Exchange.BYBIT
    title = "Bybit USDT perpetual (Unified Trading Account)"
    source = (
        "https://www.bybit.com/en/help-center/article/"
        "Liquidation-Price-Calculation-under-Isolated-Mode-Unified-Trading-Account"
    )
    source_date = "2026-05-27"
    taker_fee = Decimal("0.00055")
    tier_basis = "notional"
    naming = NAMING
    reports_fee_to_close = True
    api_url = "https://api.bybit.com"
    tier_source = TierSource(
        docs="https://bybit-exchange.github.io/docs/v5/market/risk-limit", fetch=_fetch
    )

    def fee_to_close(self, position: Position, fee: Decimal) -> Decimal:
        """Bybit's estimated fee to close: qty x bankruptcy price x taker fee."""
        return position.qty * position.entry_price * _closing_factor(position) * fee

    def initial_margin(self, position: Position, fee: Decimal) -> Decimal:
        """Bybit positionIM: isolated at the entry (unchanged by the 2025-09-02 margin
        update), cross at the mark; plus the fee to close either way."""
        price = position.mark if position.is_cross else position.entry_price
        return position.qty * price / position.leverage + self.fee_to_close(position, fee)

    def extra_for_wallet(self, wallet: Decimal, sign: int, fee: Decimal) -> Decimal:
        """Added margin counts / (1 -/+ fee), so growing the wallet by `wallet` takes less."""
        return wallet * (ONE - fee if sign > 0 else ONE + fee)

    def added_margin(self, position: Position, fee: Decimal) -> Decimal:
        """Extra margin added / (1 - taker fee) for a long, / (1 + taker fee) for a short."""
        extra = position.extra_margin
        if not extra:
            return extra
        return extra / (ONE - fee if position.side.sign > 0 else ONE + fee)
