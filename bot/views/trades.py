"""What a trade on a held position answers: averaging in, closing all or part of it (the
realized PnL and the wallet after), hedge mode, and the questions an order on a held
symbol asks first."""

from __future__ import annotations

from decimal import Decimal

from bot.i18n import Translator
from bot.reply import Block, Paragraph, Title
from bot.views.tables import liquidation_text, position_line, side_name
from engine.margin import PositionResult
from engine.models import Position
from engine.trades import Reduction

__all__ = [
    "added_blocks",
    "closed_blocks",
    "flip_question",
    "hedge_blocks",
    "reduce_question",
    "remaining_blocks",
    "removed_blocks",
    "signed_money",
]


def signed_money(tr: Translator, value: Decimal) -> str:
    """'+500.00' for a gain, '-120.00' for a loss: the sign is the point of a PnL."""
    return ("+" if value > 0 else "") + tr.money(value)


def added_blocks(
    tr: Translator, seq: int, was: Position, before: PositionResult, after: PositionResult
) -> list[Block]:
    """The grown position, its new average entry and the liquidation price before and after."""
    grown = after.position
    return [
        Title(tr("Added to {line}", line=position_line(tr, str(seq), grown))),
        Paragraph(
            tr(
                "Size {before} → {after}; average entry {old} → {new}.",
                before=tr.quantity(was.qty),
                after=tr.quantity(grown.qty),
                old=tr.price(was.entry_price),
                new=tr.price(grown.entry_price),
            )
        ),
        Paragraph(
            tr(
                "Liquidation price: {before} before, {after} now.",
                before=liquidation_text(tr, before),
                after=liquidation_text(tr, after),
            )
        ),
        Paragraph(tr("/undo takes it back.")),
    ]


def closed_blocks(
    tr: Translator, seq: int, was: Position, done: Reduction, wallet: Decimal
) -> list[Block]:
    """What was closed at which price, the PnL booked and the wallet after."""
    return [
        Title(
            tr(
                "Closed {qty} of {line} at {price}.",
                qty=tr.quantity(done.closed_qty),
                line=position_line(tr, str(seq), was),
                price=tr.price(done.price),
            )
        ),
        Paragraph(
            tr(
                "Realized PnL {pnl} USDT, added to the wallet: balance {wallet} USDT.",
                pnl=signed_money(tr, done.realized_pnl),
                wallet=tr.money(wallet),
            )
        ),
    ]


def remaining_blocks(tr: Translator, result: PositionResult) -> list[Block]:
    return [
        Paragraph(
            tr(
                "Remaining {qty} {symbol}; liquidation price: {price}.",
                qty=tr.quantity(result.position.qty),
                symbol=result.position.symbol,
                price=liquidation_text(tr, result),
            )
        )
    ]


def removed_blocks(tr: Translator, seq: int, was: Position) -> list[Block]:
    """A full close with neither a price nor a mark: removed, the wallet left as it was."""
    return [
        Paragraph(
            tr("Closed {line}. /undo brings it back.", line=position_line(tr, str(seq), was))
        ),
        Paragraph(
            tr(
                "No price to book a PnL at (no mark for {symbol}), so the wallet is "
                "unchanged; to book one, close at a price: /close {n} @ PRICE.",
                symbol=was.symbol,
                n=seq,
            )
        ),
    ]


def reduce_question(tr: Translator, seq: int, held: Position, done: Reduction) -> Paragraph:
    """One-way mode nets an opposite order: say what it would do to the held position."""
    if done.remaining is None:
        text = tr(
            "This closes your {symbol} {side} #{n} of {qty} at {price}: realized PnL "
            "{pnl} USDT. Go ahead?",
            symbol=held.symbol,
            side=side_name(tr, held.side),
            n=seq,
            qty=tr.quantity(held.qty),
            price=tr.price(done.price),
            pnl=signed_money(tr, done.realized_pnl),
        )
    else:
        text = tr(
            "This reduces your {symbol} {side} #{n} from {before} to {after} at {price}: "
            "realized PnL {pnl} USDT. Go ahead?",
            symbol=held.symbol,
            side=side_name(tr, held.side),
            n=seq,
            before=tr.quantity(held.qty),
            after=tr.quantity(done.remaining.qty),
            price=tr.price(done.price),
            pnl=signed_money(tr, done.realized_pnl),
        )
    return Paragraph(text)


def flip_question(
    tr: Translator, seq: int, held: Position, done: Reduction, opened: Position
) -> Paragraph:
    """An opposite order larger than the position: it closes it and opens the rest."""
    return Paragraph(
        tr(
            "This closes your {symbol} {side} #{n} of {qty} at {price} (realized PnL {pnl} "
            "USDT) and opens a {other} of {rest} at the same price. Go ahead?",
            symbol=held.symbol,
            side=side_name(tr, held.side),
            n=seq,
            qty=tr.quantity(held.qty),
            price=tr.price(done.price),
            pnl=signed_money(tr, done.realized_pnl),
            other=side_name(tr, opened.side),
            rest=tr.quantity(opened.qty),
        )
    )


def hedge_blocks(tr: Translator, name: str, on: bool, changed: bool) -> list[Block]:
    """The portfolio's position mode, and what it means."""
    if on:
        state = tr("Hedge mode is on for “{name}”.", name=name)
        meaning = tr(
            "A long and a short of one market are two positions, each with its own row; "
            "they share one margin mode. /hedge off goes back to one position per market."
        )
    else:
        state = tr("Hedge mode is off for “{name}” (one-way).", name=name)
        meaning = tr(
            "One position per market: an order on the other side reduces it. /hedge on "
            "keeps a long and a short side by side."
        )
    blocks: list[Block] = [Paragraph(state), Paragraph(meaning)]
    if changed:
        blocks.append(Paragraph(tr("/undo switches it back.")))
    return blocks
