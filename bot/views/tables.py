"""Engine results as reply blocks: the tables a trader reads, in their locale."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal

from bot.feeds.book import MarkQuote
from bot.i18n import N_, Translator
from bot.reply import Paragraph, Table
from engine.margin import AccountResult, PositionResult, Status
from engine.models import MarginMode, Position, Side

__all__ = [
    "account_table",
    "age_text",
    "fallback_note",
    "generic_tables_note",
    "liquidation_text",
    "mark_text",
    "marks_note",
    "mode_name",
    "position_line",
    "positions_table",
    "side_name",
]

_MODE = {MarginMode.ISOLATED: N_("isolated"), MarginMode.CROSS: N_("cross")}
_SIDE = {Side.LONG: N_("long"), Side.SHORT: N_("short")}


def mode_name(tr: Translator, mode: MarginMode) -> str:
    return tr(_MODE[mode])


def side_name(tr: Translator, side: Side) -> str:
    return tr(_SIDE[side])


def position_line(tr: Translator, seq: str, position: Position) -> str:
    """'#1 BTCUSDT long 0.5 @ 62,000.00 ×10 isolated'."""
    return tr(
        "#{n} {symbol} {side} {qty} @ {price} ×{leverage} {mode}",
        n=seq,
        symbol=position.symbol,
        side=side_name(tr, position.side),
        qty=tr.quantity(position.qty),
        price=tr.price(position.entry_price),
        leverage=tr.quantity(position.leverage),
        mode=mode_name(tr, position.margin_mode),
    )


def liquidation_text(tr: Translator, result: PositionResult) -> str:
    """The liquidation price rounded toward danger, or why there is none.

    Toward danger is toward the mark: a price below it rounds up, one above it down
    (a hedge leg's price can lie on either side). An account that liquidates on both
    sides of the mark shows both prices.
    """
    price = result.liquidation_price
    if result.status is Status.NO_LIQUIDATION or price is None:
        return tr("none")
    if result.status is Status.LIQUIDATED:
        text = tr.price(price, toward_danger_of_long=result.position.side is Side.LONG)
        return tr("{price} (past)", price=text)
    below, above = result.liquidation_below, result.liquidation_above
    if below is not None and above is not None:
        return tr(
            "below {below} or above {above}",
            below=tr.price(below, toward_danger_of_long=True),
            above=tr.price(above, toward_danger_of_long=False),
        )
    return tr.liquidation(price, result.mark_price)


def _optional_price(tr: Translator, price: Decimal | None, mark: Decimal) -> str:
    return tr("none") if price is None else tr.liquidation(price, mark)


def _distance(tr: Translator, result: PositionResult) -> str:
    if result.distance_to_liquidation is None:
        return "—"
    return tr.percent(result.distance_to_liquidation, 1)


def _ratio(tr: Translator, ratio: Decimal | None) -> str:
    return "—" if ratio is None else tr.percent(ratio, 1)


def positions_table(
    tr: Translator, results: tuple[PositionResult, ...], other: Mapping[str, Decimal | None]
) -> Table:
    """One row per position: mark, liquidation in its mode and in the other, distance, ratio."""
    rows = tuple(
        (
            "#" + r.position.id,
            r.position.symbol,
            tr.price(r.mark_price),
            liquidation_text(tr, r),
            _optional_price(tr, other.get(r.position.id), r.mark_price),
            _distance(tr, r),
            _ratio(tr, r.margin_ratio),
        )
        for r in results
    )
    header = (
        "#",
        tr("Symbol"),
        tr("Mark"),
        tr("Liq. now"),
        tr("Liq. other mode"),
        tr("Distance"),
        tr("Margin ratio"),
    )
    return Table(header, rows)


def account_table(tr: Translator, account: AccountResult, currency: str = "USDT") -> Table:
    """The account's figures; on OKX also its liquidation fee (kept apart from `mmr`, as
    OKX reports it) and the margin ratio the way OKX shows it (`mgnRatio`, the reciprocal)."""
    rows: list[tuple[str, str]] = [
        (tr("Wallet balance"), tr.money(account.wallet_balance)),
        (tr("Unrealized PnL"), tr.money(account.unrealized_pnl)),
        (tr("Equity"), tr.money(account.equity)),
        (tr("Maintenance margin"), tr.money(account.maintenance_margin)),
    ]
    if account.liquidation_fee is not None:
        rows.append((tr("Liquidation fee"), tr.money(account.liquidation_fee)))
    rows.append((tr("Margin ratio"), _ratio(tr, account.margin_ratio)))
    if account.liquidation_fee is not None:
        okx = None if not account.margin_ratio else 1 / account.margin_ratio
        rows.append((tr("Margin ratio as OKX shows it"), _ratio(tr, okx)))
    rows += [
        (tr("Available balance"), tr.money(account.available_balance)),
        (tr("Cross wallet"), tr.money(account.cross_wallet)),
        (tr("Cross margin ratio"), _ratio(tr, account.cross_margin_ratio)),
    ]
    return Table((tr("Account"), currency), tuple(rows))


def fallback_note(tr: Translator, results: tuple[PositionResult, ...]) -> list[Paragraph]:
    """The generic-table note for the results that were computed on one."""
    return generic_tables_note(tr, sorted({r.position.symbol for r in results if r.fallback_tiers}))


def generic_tables_note(tr: Translator, symbols: list[str]) -> list[Paragraph]:
    """Which symbols' figures use the exchange's generic table, not its own for them."""
    if not symbols:
        return []
    return [
        Paragraph(
            tr(
                "No exchange tier table for {symbols}: figures use a conservative generic table.",
                symbols=", ".join(symbols),
            )
        )
    ]


def age_text(tr: Translator, age: timedelta) -> str:
    """'12 s', '4 min', '3 h', '2 d': how old a number is, at a glance."""
    seconds = int(age.total_seconds())
    if seconds < 90:
        return tr("{n} s", n=tr.integer(seconds))
    if seconds < 90 * 60:
        return tr("{n} min", n=tr.integer(seconds // 60))
    if seconds < 48 * 3600:
        return tr("{n} h", n=tr.integer(seconds // 3600))
    return tr("{n} d", n=tr.integer(seconds // 86400))


def mark_text(tr: Translator, quote: MarkQuote, now: datetime) -> str:
    """'61,234.50 (binance, 12 s old)' or '61,000.00 (manual, set 2 h ago)'."""
    age = age_text(tr, quote.age(now))
    if quote.manual:
        return tr("{price} (manual, set {age} ago)", price=tr.price(quote.price), age=age)
    return tr(
        "{price} ({source}, {age} old)", price=tr.price(quote.price), source=quote.source, age=age
    )


def marks_note(
    tr: Translator, quotes: Mapping[str, MarkQuote | None], now: datetime
) -> list[Paragraph]:
    """Every mark a reply used: its price, where it came from and its age; the entry
    price stands in where there is none."""
    if not quotes:
        return []
    parts = [
        tr("{symbol} {mark}", symbol=symbol, mark=mark_text(tr, quote, now))
        for symbol, quote in quotes.items()
        if quote is not None
    ]
    unpriced = [symbol for symbol, quote in quotes.items() if quote is None]
    if unpriced:  # said once for all of them: a long list must not repeat the sentence
        parts.append(
            tr("entry price for {symbols} (no live or manual mark)", symbols=", ".join(unpriced))
        )
    return [Paragraph(tr("Marks: {marks}", marks=" · ".join(parts)))]
