"""Engine results as reply blocks: the tables a trader reads, in their locale."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from bot.i18n import N_, Translator
from bot.reply import Paragraph, Table
from engine.margin import AccountResult, PositionResult, Status
from engine.models import MarginMode, Position, Side

__all__ = [
    "account_table",
    "liquidation_text",
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
    """The liquidation price rounded toward danger, or why there is none."""
    if result.status is Status.NO_LIQUIDATION or result.liquidation_price is None:
        return tr("none")
    text = tr.price(
        result.liquidation_price, toward_danger_of_long=result.position.side is Side.LONG
    )
    return tr("{price} (past)", price=text) if result.status is Status.LIQUIDATED else text


def _optional_price(tr: Translator, price: Decimal | None, side: Side) -> str:
    if price is None:
        return tr("none")
    return tr.price(price, toward_danger_of_long=side is Side.LONG)


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
            _optional_price(tr, other.get(r.position.id), r.position.side),
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


def account_table(tr: Translator, account: AccountResult) -> Table:
    rows = (
        (tr("Wallet balance"), tr.money(account.wallet_balance)),
        (tr("Unrealized PnL"), tr.money(account.unrealized_pnl)),
        (tr("Equity"), tr.money(account.equity)),
        (tr("Maintenance margin"), tr.money(account.maintenance_margin)),
        (tr("Margin ratio"), _ratio(tr, account.margin_ratio)),
        (tr("Available balance"), tr.money(account.available_balance)),
        (tr("Cross wallet"), tr.money(account.cross_wallet)),
        (tr("Cross margin ratio"), _ratio(tr, account.cross_margin_ratio)),
    )
    return Table((tr("Account"), "USDT"), rows)


def fallback_note(tr: Translator, results: tuple[PositionResult, ...]) -> list[Paragraph]:
    symbols = sorted({r.position.symbol for r in results if r.fallback_tiers})
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


def entry_as_mark_note(tr: Translator, positions: tuple[Position, ...]) -> list[Paragraph]:
    if all(p.mark_price is not None for p in positions):
        return []
    return [Paragraph(tr("Marks: no live price yet, so the entry price stands in for the mark."))]
