"""An order on a symbol already held: what /long and /short do instead of refusing.

As the exchanges do, an order on the held side averages in, and in one-way mode an order
on the other side reduces the position, or closes it and opens the rest on the other side.
Each is first asked as a question whose confirming line (`Reply.confirm`, and the first
button) performs it: `/add N SIZE @ PRICE`, `/close N SIZE @ PRICE`, or the order itself
with `confirm` for the close-and-open, which then runs as one change. The price is fixed
in the question (the typed one, else the mark at the time of asking), so the line
confirmed does what was shown.
"""

from __future__ import annotations

from decimal import Decimal

from bot.commands.context import Context
from bot.commands.contracts import converted, resolve
from bot.commands.stale import stamped
from bot.commands.trades import book, closed_reply, price_or_mark
from bot.parsing.intents import OpenPosition
from bot.reply import CALLBACK_LIMIT, Button, Paragraph, Reply
from bot.views.lines import plain
from bot.views.tables import position_line
from bot.views.trades import flip_question, reduce_question
from engine.models import MarginMode, Position, PositionMode
from engine.trades import Fill, net_order
from engine.universe import Resolution
from storage.portfolios import Change, StoredPortfolio, StoredPosition

__all__ = ["existing_position"]


async def existing_position(ctx: Context, typed: OpenPosition) -> Reply | None:
    """None when the order opens a new position; else the question (or, confirmed, the
    close-and-open) for an order on a symbol the active portfolio holds."""
    found = resolve(ctx, typed.symbol)
    intent = converted(typed, found) if isinstance(found, Resolution) else typed
    stored = await ctx.stored()
    item = _held(stored, intent)
    if item is None:
        return None
    price = price_or_mark(ctx, intent.price, intent.symbol, intent.side.value)
    qty = intent.qty if intent.qty is not None else (intent.notional or Decimal(0)) / price
    if item.position.side is intent.side:
        return _add_question(ctx, stored.id, item, qty, price)
    fill = net_order(item.position, qty, price)
    if fill.opened is None:
        return _reduce_question(ctx, stored.id, item, fill, qty, price)
    opened = _as_ordered(fill.opened, intent)
    if not intent.confirmed:
        return _flip_question(ctx, item, fill, opened, _order_line(intent, qty, price))
    change, side = Change.REVERSE_POSITION, intent.side.value
    wallet = await book(ctx, stored, item.seq, change, fill.reduction, opened, side)
    reply = await closed_reply(ctx, item.seq, item.position, fill.reduction, wallet)
    line = position_line(ctx.tr, str(item.seq), opened)
    opened_text = Paragraph(ctx.tr("Opened {line}.", line=line))
    return Reply((*reply.blocks[:-1], opened_text, reply.blocks[-1]), private_only=True)


def _held(stored: StoredPortfolio, intent: OpenPosition) -> StoredPosition | None:
    """The position the order meets: in one-way mode any on the symbol, in hedge mode the
    one on the order's side (the other side opens its own)."""
    for item in stored.positions:
        position = item.position
        if position.symbol != intent.symbol:
            continue
        if stored.position_mode is PositionMode.ONE_WAY or position.side is intent.side:
            return item
    return None


def _as_ordered(opened: Position, intent: OpenPosition) -> Position:
    """The opened rest takes the order's leverage and mode where it gave them."""
    update: dict[str, object] = {}
    if intent.leverage is not None:
        update["leverage"] = intent.leverage
    if intent.margin_mode is not None:
        update["margin_mode"] = intent.margin_mode
    return opened.model_copy(update=update) if update else opened


def _number(value: Decimal) -> str:
    return plain(value.normalize())


def _question(
    ctx: Context, text: Paragraph, label: str, line: str, pressed: str | None = None
) -> Reply:
    """The question; its button runs `pressed` (the line bound to the position asked
    about, `stale`), a plain "yes" the line itself."""
    tr = ctx.tr
    buttons: tuple[tuple[Button, ...], ...] = ()
    press = pressed or line
    if len(press.encode()) <= CALLBACK_LIMIT:
        buttons = ((Button(label, press), Button(tr("Cancel"), "/positions")),)
    return Reply((text,), buttons=buttons, private_only=True, confirm=line)


def _add_question(
    ctx: Context, portfolio_id: int, item: StoredPosition, qty: Decimal, price: Decimal
) -> Reply:
    tr, position = ctx.tr, item.position
    line = f"/add {item.seq} {_number(qty)} @ {_number(price)}"
    text = tr(
        "You already hold {line}. Add {qty} at {price} to it? The entry becomes the average.",
        line=position_line(tr, str(item.seq), position),
        qty=tr.quantity(qty),
        price=tr.price(price),
    )
    return _question(ctx, Paragraph(text), tr("Add"), line, stamped(portfolio_id, item, line))


def _reduce_question(
    ctx: Context,
    portfolio_id: int,
    item: StoredPosition,
    fill: Fill,
    qty: Decimal,
    price: Decimal,
) -> Reply:
    tr = ctx.tr
    line = f"/close {item.seq} {_number(qty)} @ {_number(price)}"
    text = reduce_question(tr, item.seq, item.position, fill.reduction)
    label = tr("Close") if fill.reduction.remaining is None else tr("Reduce")
    return _question(ctx, text, label, line, stamped(portfolio_id, item, line))


def _flip_question(
    ctx: Context, item: StoredPosition, fill: Fill, opened: Position, line: str
) -> Reply:
    tr = ctx.tr
    text = flip_question(tr, item.seq, item.position, fill.reduction, opened)
    return _question(ctx, text, tr("Close and open"), line)


def _order_line(intent: OpenPosition, qty: Decimal, price: Decimal) -> str:
    """The order as a line that runs it once confirmed, at the price shown."""
    words = [f"/{intent.side.value}", intent.symbol.lower(), _number(qty), "@", _number(price)]
    if intent.leverage is not None:
        words.append(_number(intent.leverage) + "x")
    if intent.margin_mode is not None:
        words.append("iso" if intent.margin_mode is MarginMode.ISOLATED else "cross")
    return " ".join([*words, "confirm"])
