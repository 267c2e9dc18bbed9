"""A watched wallet's positions: Hyperliquid's liquidation price beside the engine's.

Both are shown for every watched position, and the gap between them when it is
more than `SHOWN_GAP` of the price ("Hyperliquid: 101,850.2 · IsoCross: 101,851.0"):
the exchange's figure is what will happen, the engine's is what the what-ifs,
comparisons and advice are computed from, so a reader should see when they part.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Protocol

from bot.i18n import Translator
from bot.reply import Paragraph
from bot.views.tables import age_text
from engine.margin import PositionResult

__all__ = ["SHOWN_GAP", "Held", "liquidation_gap", "liquidation_pairs", "snapshot_age"]

SHOWN_GAP = Decimal("0.001")  # 0.1%: below it the two prices are the same for a trader


class Held(Protocol):
    """What the exchange reported for a position (a `storage.wallets.HeldPosition`)."""

    @property
    def symbol(self) -> str: ...

    @property
    def liquidation(self) -> Decimal | None: ...

    @property
    def liquidation_kind(self) -> str: ...


def liquidation_gap(exchange: Decimal | None, engine: Decimal | None) -> Decimal | None:
    """|exchange - engine| / exchange; None unless both prices exist."""
    if exchange is None or engine is None or exchange <= 0:
        return None
    return abs(exchange - engine) / exchange


def liquidation_pairs(
    tr: Translator, results: Sequence[PositionResult], held: Iterable[Held]
) -> list[Paragraph]:
    """One line per watched position: 'BTCUSDT — Hyperliquid: 101,850.2 · IsoCross: …'."""
    reported = {h.symbol: h for h in held}
    lines = []
    for result in results:
        found = reported.get(result.position.symbol)
        mark = result.mark_price
        ours = result.liquidation_price
        ours_text = tr("none") if ours is None else tr.liquidation(ours, mark)
        if found is None or found.liquidation_kind == "unreadable":
            theirs_text = tr("not readable")
        elif found.liquidation is None:
            theirs_text = tr("none")
        else:
            theirs_text = tr.liquidation(found.liquidation, mark)
        text = tr(
            "{symbol} — Hyperliquid: {theirs} · IsoCross: {ours}",
            symbol=result.position.symbol,
            theirs=theirs_text,
            ours=ours_text,
        )
        gap = liquidation_gap(None if found is None else found.liquidation, ours)
        if gap is not None and gap > SHOWN_GAP:
            text += " " + tr("(apart by {gap})", gap=tr.percent(gap, 2))
        lines.append(Paragraph(text))
    return lines


def snapshot_age(tr: Translator, age: timedelta | None, stale: bool) -> str:
    """'read 40 s ago', 'stale: read 3 min ago', or 'not read yet'."""
    if age is None:
        return tr("not read yet")
    if stale:
        return tr("stale: read {age} ago", age=age_text(tr, age))
    return tr("read {age} ago", age=age_text(tr, age))
