"""The wallet, the account summary, undo/reset and switching portfolios."""

from __future__ import annotations

from decimal import Decimal

from bot.commands.command import Feature, always
from bot.commands.context import Context
from bot.i18n import N_, Translator
from bot.parsing import simple
from bot.parsing.intents import PortfolioAction, Reset, Risk, SetBalance, Undo
from bot.reply import CALLBACK_LIMIT, Button, Paragraph, Reply, Table, Title
from bot.views.tables import account_table, liquidation_text
from engine.margin import Status
from storage.errors import Conflict
from storage.portfolios import Change, PortfolioSummary, is_watched

__all__ = ["balance", "commands", "portfolio", "reset", "risk", "undo"]

_UNDONE = {
    Change.SET_BALANCE: N_("Undone: the balance change."),
    Change.ADD_POSITION: N_("Undone: the position you added."),
    Change.REPLACE_POSITION: N_("Undone: the change to a position."),
    Change.REMOVE_POSITION: N_("Undone: the position is back."),
    Change.SET_MODE_ALL: N_("Undone: the margin modes are as they were."),
    Change.RESET: N_("Undone: the reset. Everything is back."),
    Change.DELETE_PORTFOLIO: N_("Undone: portfolio “{name}” is back."),
    Change.ADD_TO_POSITION: N_("Undone: the addition; the size and entry are as they were."),
    Change.REDUCE_POSITION: N_("Undone: the partial close; the size and wallet are as they were."),
    Change.CLOSE_POSITION: N_("Undone: the position is back and the wallet as it was."),
    Change.REVERSE_POSITION: N_("Undone: the position is back on its side, the wallet as it was."),
    Change.SET_POSITION_MODE: N_("Undone: hedge mode is as it was."),
}


commands = Feature()


@commands.command(
    "balance",
    simple.balance,
    aliases=("bal", "wallet"),
    reads_only=lambda intent: intent.amount is None,
).help(("/balance [AMOUNT]", "/balance 5000"), N_("Set or show the wallet balance in USDT."))
async def balance(ctx: Context, intent: SetBalance) -> Reply:
    tr = ctx.tr
    if intent.amount is None:
        stored = await ctx.stored()
        return Reply.of(tr("Wallet balance: {amount} USDT", amount=tr.money(stored.wallet_balance)))
    stored = await ctx.stored()
    ctx.evaluate(ctx.portfolio(stored, wallet=intent.amount))
    await ctx.services.portfolios.set_balance(ctx.user.id, intent.amount)
    await ctx.changed()
    return Reply(
        (Paragraph(tr("Wallet balance set to {amount} USDT.", amount=tr.money(intent.amount))),),
        private_only=True,
    )


@commands.command("undo", simple.undo).help(
    ("/undo", "/undo"), N_("Revert the last change of the active portfolio, or a deletion.")
)
async def undo(ctx: Context, _: Undo) -> Reply:
    """The active portfolio's latest change, or a portfolio deleted after it: whichever
    came last (`PortfolioRepository.undo_last`); never a change in another portfolio."""
    undone = await ctx.services.portfolios.undo_last(ctx.user.id)
    if undone is None:
        return Reply.of(ctx.tr("Nothing to undo."))
    await ctx.changed()
    text = ctx.tr(_UNDONE[undone.change], name=undone.portfolio)
    return Reply((Paragraph(text),), private_only=True)


@commands.command("reset", simple.reset).help(
    ("/reset [yes]", "/reset"), N_("Delete every position and the balance of this portfolio.")
)
async def reset(ctx: Context, intent: Reset) -> Reply:
    tr = ctx.tr
    if not intent.confirmed:
        stored = await ctx.stored()
        question = tr.plural(
            "Delete {n} position and the balance of “{name}”?",
            "Delete all {n} positions and the balance of “{name}”?",
            len(stored.positions),
            name=stored.name,
        )
        return Reply(
            (Paragraph(question), Paragraph(tr("Answer yes or no."))),
            buttons=(
                (Button(tr("Yes, delete"), "/reset yes"), Button(tr("Cancel"), "/positions")),
            ),
            private_only=True,
            confirm="/reset yes",
        )
    await ctx.services.portfolios.reset(ctx.user.id)
    await ctx.changed()
    return Reply(
        (Paragraph(tr("The portfolio is empty. /undo brings it back.")),), private_only=True
    )


@commands.command("risk", simple.risk, aliases=("account", "summary"), reads_only=always).help(
    ("/risk", "/risk"), N_("The account summary: equity, maintenance margin, margin ratio.")
)
async def risk(ctx: Context, _: Risk) -> Reply:
    tr = ctx.tr
    stored = await ctx.stored()
    portfolio = ctx.portfolio(stored)
    result = ctx.evaluate(portfolio)
    blocks: list[Title | Paragraph | Table] = [
        Title(tr("Account “{name}” on {exchange}", name=stored.name, exchange=ctx.exchange.value)),
        account_table(tr, result.account, ctx.currency),
    ]
    closest = result.closest()
    if closest is not None:
        blocks.append(
            Paragraph(
                tr(
                    "Closest to liquidation: #{n} {symbol}, {distance} away at {price}.",
                    n=closest.position.id,
                    symbol=closest.position.symbol,
                    distance=tr.percent(closest.distance_to_liquidation or Decimal(0), 1),
                    price=liquidation_text(tr, closest),
                )
            )
        )
    gone = [r for r in result.positions if r.status is Status.LIQUIDATED]
    if gone:
        blocks.append(
            Paragraph(
                tr(
                    "Already past liquidation: {symbols}.",
                    symbols=", ".join(r.position.symbol for r in gone),
                )
            )
        )
    blocks.extend(ctx.sources_note(portfolio.positions))
    return Reply(tuple(blocks), private_only=True)


@commands.command(
    "portfolio",
    simple.portfolio,
    aliases=("portfolios", "pf"),
    reads_only=lambda intent: intent.action == "list",
).help(
    (
        "/portfolio [list|NAME|new NAME|delete NAME|copy NAME NEW]",
        "/portfolio new test · /portfolio copy hl:main sandbox",
    ),
    N_("List, switch, create, copy or delete portfolios."),
)
async def portfolio(ctx: Context, intent: PortfolioAction) -> Reply:
    tr = ctx.tr
    repo = ctx.services.portfolios
    name = intent.name or ""
    if intent.action == "new":
        await repo.create(ctx.user.id, name, activate=True)
        return Reply.of(tr("Created portfolio “{name}”; it is now active.", name=name))
    if intent.action == "switch":
        await repo.switch(ctx.user.id, name)
        return Reply.of(tr("Switched to portfolio “{name}”.", name=name))
    if intent.action == "copy":
        await repo.copy(ctx.user.id, intent.source or "", name)
        return Reply.of(
            tr(
                "Copied “{source}” to “{name}”; it is now active, and yours to change.",
                source=intent.source or "",
                name=name,
            )
        )
    if intent.action == "delete":
        return await _delete(ctx, name, confirmed=intent.confirmed)
    rows = tuple(
        (
            ("▶ " if p.active else "") + p.name,
            tr.integer(p.position_count),
            tr.money(p.wallet_balance),
        )
        for p in await repo.list(ctx.user.id)
    )
    return Reply(
        (Table((tr("Portfolio"), tr("Positions"), tr("Wallet")), rows),), private_only=True
    )


async def _delete(ctx: Context, name: str, *, confirmed: bool) -> Reply:
    """A portfolio with positions is deleted after a yes; every deletion is undoable. A
    watched wallet's portfolio goes only with /unwatch (no question that cannot be done)."""
    if is_watched(name):
        raise Conflict("watched_portfolio", name=name)
    tr = ctx.tr
    repo = ctx.services.portfolios
    summaries = await repo.list(ctx.user.id)
    found = next((p for p in summaries if p.name.casefold() == name.casefold()), None)
    if found is not None and found.position_count and len(summaries) > 1 and not confirmed:
        return _delete_question(tr, found)
    active = await repo.delete(ctx.user.id, name)
    await ctx.changed()
    blocks = [tr("Deleted portfolio “{name}”. /undo brings it back.", name=name)]
    if found is not None and found.active:
        blocks.append(tr("The active portfolio is now “{name}”.", name=active))
    return Reply.of(*blocks)


def _delete_question(tr: Translator, found: PortfolioSummary) -> Reply:
    line = f"/portfolio delete {found.name} yes"
    question = tr.plural(
        "Delete portfolio “{name}” with its {n} position and a balance of {balance} USDT?",
        "Delete portfolio “{name}” with its {n} positions and a balance of {balance} USDT?",
        found.position_count,
        name=found.name,
        balance=tr.money(found.wallet_balance),
    )
    # a long name in a wide script may not fit a button's 64 bytes: a typed yes still does
    short = f"/pf del {found.name} yes"
    fits = [press for press in (line, short) if len(press.encode()) <= CALLBACK_LIMIT]
    yes = [Button(tr("Yes, delete"), fits[0])] if fits else []
    return Reply(
        (Paragraph(question), Paragraph(tr("Answer yes or no; /undo brings it back."))),
        buttons=((*yes, Button(tr("Cancel"), "/portfolio")),),
        private_only=True,
        confirm=line,
    )
