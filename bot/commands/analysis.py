"""Isolated against cross: the comparison, the stress test and the stateless calculator."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from bot.commands.chart import whatif_chart_action
from bot.commands.command import ANYWHERE, Feature, Menu, always
from bot.commands.context import Context
from bot.commands.contracts import in_contracts, shocks_in_contracts
from bot.commands.whatif_checks import not_held, not_held_reply, unit_question
from bot.i18n import N_, Translator
from bot.parsing import ParseError, position, simple
from bot.parsing.intents import Calc, Compare, WhatIf
from bot.reply import Block, Button, Paragraph, Reply, Table, Title
from bot.views.tables import fallback_note, liquidation_text, mode_name, side_name
from engine.models import MarginMode, Portfolio, Position
from engine.scenarios import ModeOutcome, as_mode, run_scenario
from engine.sizing import max_position_size

__all__ = ["calc", "commands", "compare", "whatif"]


commands = Feature()


@commands.command("compare", simple.compare, aliases=("cmp",), reads_only=always).help(
    ("/compare", "/compare"), N_("The whole portfolio side by side in isolated and in cross.")
)
async def compare(ctx: Context, _: Compare) -> Reply:
    tr = ctx.tr
    portfolio = await ctx.held()
    if portfolio is None:
        return Reply.of(tr("No positions to compare yet."))
    isolated = ctx.evaluate(as_mode(portfolio, MarginMode.ISOLATED))
    cross = ctx.evaluate(as_mode(portfolio, MarginMode.CROSS))
    rows = tuple(
        (
            f"#{i.position.id} {i.position.symbol}",
            liquidation_text(tr, i),
            liquidation_text(tr, c),
            tr.money(i.isolated_margin or Decimal(0)),
        )
        for i, c in zip(isolated.positions, cross.positions, strict=True)
    )
    header = (tr("Position"), tr("Liq. isolated"), tr("Liq. cross"), tr("Isolated max loss"))
    blocks: list[Title | Paragraph | Table] = [
        Title(tr("Isolated against cross")),
        Table(header, rows),
    ]
    blocks.append(
        Paragraph(
            tr(
                "Isolated: each position can lose at most its own margin; together {total} USDT.",
                total=tr.money(
                    sum((r.isolated_margin or Decimal(0) for r in isolated.positions), Decimal(0))
                ),
            )
        )
    )
    closest = cross.closest()
    if closest is not None:
        blocks.append(
            Paragraph(
                tr.plural(
                    "Cross: the whole wallet ({wallet} USDT) backs the position. "
                    "If {symbol} reaches {price}, it is liquidated and the wallet with it.",
                    "Cross: the whole wallet ({wallet} USDT) backs every position. "
                    "If {symbol} reaches {price}, all {n} positions are liquidated "
                    "together.",
                    len(cross.positions),
                    wallet=tr.money(portfolio.wallet_balance),
                    symbol=closest.position.symbol,
                    price=liquidation_text(tr, closest),
                )
            )
        )
    blocks.extend(ctx.sources_note(portfolio.positions))
    chart_button = (Button(tr("Chart"), "/chart"), Button(tr("Advice"), "/recommend"))
    return Reply(tuple(blocks), (chart_button,), private_only=True)


def _outcome_rows(tr: Translator, outcome: ModeOutcome) -> tuple[str, str, str]:
    """A gain shows as +600.00 under "Profit/loss", never as a negative "Loss"."""
    gone = tr.integer(outcome.liquidated_count)
    change = -outcome.loss
    signed = ("+" if change > 0 else "") + tr.money(change)
    return (signed, tr.money(outcome.equity_after), gone)


@commands.command("whatif", simple.whatif, aliases=("what-if", "stress"), reads_only=always).help(
    ("/whatif SYMBOL|all CHANGE ...", "/whatif BTC -15% ETH -20% · /whatif all -10%"),
    N_(
        "A price shock, and what it does in each mode. CHANGE is -15% (percent), "
        "55000 (a price) or -500 (a move)."
    ),
)
async def whatif(ctx: Context, intent: WhatIf) -> Reply:
    tr = ctx.tr
    portfolio = await ctx.held()
    if portfolio is None:
        return Reply.of(tr("No positions to stress yet."))
    coin = not_held(ctx, intent, portfolio)
    if coin is not None:
        return not_held_reply(tr, coin)
    if intent.lone is not None:
        raise ParseError("missing_argument", "whatif")
    moved = shocks_in_contracts(ctx, intent.shocks)
    question = unit_question(tr, intent, moved, portfolio)
    if question is not None:
        return question
    intent = replace(intent, shocks=moved)
    result = run_scenario(portfolio, ctx.services.book, intent.shocks)
    yes, no = tr("liquidated"), tr("survives")
    rows = tuple(
        (
            f"#{a.position_id} {a.symbol}",
            tr.price(a.mark_after),
            yes if i.liquidated else no,
            yes if c.liquidated else no,
        )
        for a, i, c in zip(
            result.as_is.positions, result.isolated.positions, result.cross.positions, strict=True
        )
    )
    per_position = Table((tr("Position"), tr("Price after"), tr("Isolated"), tr("Cross")), rows)
    totals = Table(
        (tr("Mode"), tr("Profit/loss"), tr("Equity left"), tr("Liquidated")),
        (
            (tr("as it is"), *_outcome_rows(tr, result.as_is)),
            (mode_name(tr, MarginMode.ISOLATED), *_outcome_rows(tr, result.isolated)),
            (mode_name(tr, MarginMode.CROSS), *_outcome_rows(tr, result.cross)),
        ),
    )
    blocks: list[Block] = [
        Title(tr("What if: the move happens at once")),
        per_position,
        totals,
        *ctx.sources_note(portfolio.positions),
    ]
    action = whatif_chart_action(intent.shocks)
    buttons = ((Button(tr("Chart"), action),),) if action else ()
    return Reply(tuple(blocks), buttons, private_only=True)


@commands.command(
    "calc",
    position.parse_calc,
    aliases=("calculate", "calculator"),
    places=ANYWHERE,  # stores and reads nothing of anyone's
    reads_only=always,
    menu=Menu(group=2),
).help(
    (
        "/calc long|short SYMBOL @ PRICE [LEVx] [SIZE] [BALANCE]",
        "/calc long BTC @ 62000 x20 0.1 1000",
    ),
    N_("A quick calculation that stores nothing."),
)
async def calc(ctx: Context, intent: Calc) -> Reply:
    """A one-position portfolio that is never stored: safe in groups and inline mode."""
    tr = ctx.tr
    intent = in_contracts(ctx, intent)
    leverage = intent.leverage or ctx.user.default_leverage
    qty = _calc_qty(ctx, intent, leverage)
    position = Position(
        id="1",
        symbol=intent.symbol,
        side=intent.side,
        qty=qty,
        entry_price=intent.price,
        leverage=leverage,
    )
    margin = qty * intent.price / leverage
    wallet = intent.balance if intent.balance is not None else margin
    base = Portfolio(
        exchange=ctx.user.exchange,
        wallet_balance=max(wallet, margin),
        positions=(position,),
        custom=ctx.user.custom_rates,
    )
    isolated = ctx.evaluate(base).positions[0]
    cross = ctx.evaluate(as_mode(base, MarginMode.CROSS)).positions[0]
    rows = (
        (tr("Liquidation price"), liquidation_text(tr, isolated), liquidation_text(tr, cross)),
        (tr("Margin at stake"), tr.money(margin), tr.money(max(wallet, margin))),
    )
    title = tr(
        "{side} {qty} {symbol} @ {price} ×{leverage}",
        side=side_name(tr, intent.side),
        qty=tr.quantity(qty),
        symbol=intent.symbol,
        price=tr.price(intent.price),
        leverage=tr.quantity(leverage),
    )
    header = ("", mode_name(tr, MarginMode.ISOLATED), mode_name(tr, MarginMode.CROSS))
    return Reply((Title(title), Table(header, rows), *fallback_note(tr, (isolated,))))


def _calc_qty(ctx: Context, intent: Calc, leverage: Decimal) -> Decimal:
    if intent.qty is not None:
        return intent.qty
    if intent.notional is not None:
        return intent.notional / intent.price
    if intent.balance is not None:
        table = ctx.services.book.table(ctx.user.exchange, intent.symbol)
        return max_position_size(intent.balance, leverage, intent.price, table).qty
    return Decimal(1)
