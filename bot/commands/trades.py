"""Trades on a held position: /add (average in), /close of all or part of it with the
PnL booked into the wallet, and /hedge (the active portfolio's position mode).

Each trade is one change through the storage write path, so /undo restores the position
and the wallet together. The math is `engine.trades`; the replies `bot.views.trades`.
"""

from __future__ import annotations

from decimal import Decimal

from bot.commands.command import Feature
from bot.commands.context import Context
from bot.commands.contracts import contract_symbol
from bot.i18n import N_
from bot.parsing import ParseError
from bot.parsing import trades as grammar
from bot.parsing.intents import AddToPosition, ClosePosition, SetHedge
from bot.reply import Paragraph, Reply
from bot.views.trades import (
    added_blocks,
    closed_blocks,
    hedge_blocks,
    remaining_blocks,
    removed_blocks,
)
from engine.models import Position, PositionMode, Side
from engine.numbers import ZERO
from engine.trades import Reduction, average_in, reduce
from storage.portfolios import Change, StoredPortfolio, StoredPosition

__all__ = [
    "add",
    "book",
    "close",
    "closed_reply",
    "commands",
    "hedge",
    "held",
    "price_or_mark",
]

_HUNDRED = Decimal(100)

commands = Feature()


def held(
    ctx: Context, stored: StoredPortfolio, seq: int | None, symbol: str | None, command: str
) -> StoredPosition:
    """The position a trade names by number or symbol; a symbol with no position, or with
    two (a hedge), is refused in those words."""
    if symbol is None:
        for item in stored.positions:
            if item.seq == seq:
                return item
        raise ParseError("bad_position_number", command, token=str(seq))
    wanted = {contract_symbol(ctx, symbol), symbol}
    found = [item for item in stored.positions if item.position.symbol in wanted]
    if not found:
        raise ParseError("no_position", command, coin=symbol.removesuffix("USDT"))
    if len(found) > 1:
        numbers = " / ".join(f"#{item.seq}" for item in found)
        raise ParseError("two_positions", command, symbol=found[0].position.symbol, n=numbers)
    return found[0]


def price_or_mark(ctx: Context, price: Decimal | None, symbol: str, command: str) -> Decimal:
    """The price typed, else the current mark; neither: ask for one."""
    if price is not None:
        return price
    quote = ctx.quote(symbol)
    if quote is None:
        raise ParseError("no_mark", command, symbol=symbol)
    return quote.price


async def book(
    ctx: Context,
    stored: StoredPortfolio,
    seq: int,
    change: Change,
    done: Reduction,
    position: Position | None,
    command: str = "close",
) -> Decimal:
    """Store a trade's result: position `seq` becomes `position` (None: closed) and the
    wallet takes the PnL, once the engine accepted the result; a loss the wallet cannot
    pay is refused. Returns the new balance."""
    wallet = stored.wallet_balance + done.realized_pnl
    if wallet < 0:
        tr = ctx.tr
        raise ParseError(
            "loss_exceeds_wallet",
            command,
            loss=tr.money(-done.realized_pnl),
            wallet=tr.money(stored.wallet_balance),
        )
    kept = () if position is None else (position,)
    positions = tuple(
        p for s in stored.positions for p in ((s.position,) if s.seq != seq else kept)
    )
    ctx.evaluate(ctx.portfolio(stored, positions, wallet))
    portfolios = ctx.services.portfolios
    balance = await portfolios.update_position_and_balance(
        ctx.user.id, change, seq, position, done.realized_pnl, based_on=stored
    )
    await ctx.changed()
    return balance


def _close_qty(ctx: Context, position: Position, intent: ClosePosition) -> Decimal:
    """How much of the position a /close takes: a share, a size, or all of it."""
    if intent.percent is not None:
        return position.qty * intent.percent / _HUNDRED
    if intent.qty is None:
        return position.qty
    if intent.qty > position.qty:
        tr = ctx.tr
        raise ParseError(
            "exceeds_position",
            "close",
            qty=tr.quantity(intent.qty),
            size=tr.quantity(position.qty),
            symbol=position.symbol,
        )
    return intent.qty


@commands.command("close", grammar.close, aliases=("cl",)).help(
    (
        "/close N|SYMBOL [SIZE|PERCENT%] [@ PRICE]",
        "/close 2 · /close btc · /close 1 50% · /close 1 0.1 @ 64000",
    ),
    N_("Close a position, or part of it: the realized PnL goes into the wallet."),
)
async def close(ctx: Context, intent: ClosePosition) -> Reply:
    tr = ctx.tr
    stored = await ctx.stored()
    item = held(ctx, stored, intent.seq, intent.symbol, "close")
    position = item.position
    qty = _close_qty(ctx, position, intent)
    whole = qty == position.qty
    if intent.price is None and whole and ctx.quote(position.symbol) is None:
        await ctx.services.portfolios.remove_position(ctx.user.id, item.seq, based_on=stored)
        await ctx.changed()
        return Reply(tuple(removed_blocks(tr, item.seq, position)), private_only=True)
    price = price_or_mark(ctx, intent.price, position.symbol, "close")
    change = Change.CLOSE_POSITION if whole else Change.REDUCE_POSITION
    done = reduce(position, qty, price)
    wallet = await book(ctx, stored, item.seq, change, done, done.remaining)
    return await closed_reply(ctx, item.seq, position, done, wallet)


async def closed_reply(
    ctx: Context, seq: int, was: Position, done: Reduction, wallet: Decimal
) -> Reply:
    """The close, then what is left of the position and its liquidation price, read back."""
    tr = ctx.tr
    blocks = closed_blocks(tr, seq, was, done, wallet)
    if done.remaining is not None:
        stored = await ctx.stored()
        blocks.extend(remaining_blocks(tr, ctx.evaluate(ctx.portfolio(stored)).by_id(str(seq))))
    blocks.append(Paragraph(tr("/undo brings it back.")))
    return Reply(tuple(blocks), private_only=True)


@commands.command("add", grammar.add).help(
    ("/add N SIZE [@ PRICE]", "/add 1 0.2 @ 58000 · /add 1 0.2"),
    N_("Add to a position: the size grows and the entry becomes the average, as on the exchange."),
)
async def add(ctx: Context, intent: AddToPosition) -> Reply:
    stored = await ctx.stored()
    item = held(ctx, stored, intent.seq, None, "add")
    price = price_or_mark(ctx, intent.price, item.position.symbol, "add")
    grown = average_in(item.position, intent.qty, price)
    before = ctx.evaluate(ctx.portfolio(stored)).by_id(str(item.seq))
    positions = tuple(grown if s.seq == item.seq else s.position for s in stored.positions)
    after = ctx.evaluate(ctx.portfolio(stored, positions)).by_id(str(item.seq))
    portfolios = ctx.services.portfolios
    await portfolios.update_position_and_balance(
        ctx.user.id, Change.ADD_TO_POSITION, item.seq, grown, ZERO, based_on=stored
    )
    await ctx.changed()
    blocks = added_blocks(ctx.tr, item.seq, item.position, before, after)
    return Reply(tuple(blocks), private_only=True)


def _both_sides(stored: StoredPortfolio) -> list[str]:
    """Symbols holding a long and a short: one-way mode has no place for them."""
    sides: dict[str, set[Side]] = {}
    for item in stored.positions:
        sides.setdefault(item.position.symbol, set()).add(item.position.side)
    return sorted(symbol for symbol, found in sides.items() if len(found) == 2)


@commands.command("hedge", grammar.hedge, reads_only=lambda intent: intent.on is None).help(
    ("/hedge [on|off]", "/hedge on · /hedge off · /hedge"),
    N_("Hedge mode for this portfolio: a long and a short of one market side by side."),
)
async def hedge(ctx: Context, intent: SetHedge) -> Reply:
    stored = await ctx.stored()
    now_on = stored.position_mode is PositionMode.HEDGE
    if intent.on is None or intent.on == now_on:
        return Reply(tuple(hedge_blocks(ctx.tr, stored.name, now_on, False)), private_only=True)
    both = _both_sides(stored)
    if not intent.on and both:
        raise ParseError("hedge_both_sides", "hedge", symbols=", ".join(both))
    mode = PositionMode.HEDGE if intent.on else PositionMode.ONE_WAY
    await ctx.services.portfolios.set_position_mode(ctx.user.id, mode)
    await ctx.changed()
    return Reply(tuple(hedge_blocks(ctx.tr, stored.name, intent.on, True)), private_only=True)
