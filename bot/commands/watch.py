"""Watching a Hyperliquid wallet: /watch to follow one (or list them), /unwatch to stop.

A watched wallet is a read-only portfolio 'hl:<label>' that the wallet sync
(`bot.alerts.wallets`) writes from the exchange; every command reads it like a
typed one, and `Context.stored` refuses those that would change it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.commands.command import Feature
from bot.commands.context import Context
from bot.i18n import N_, Translator
from bot.parsing import watch as grammar
from bot.parsing.watch import UnwatchWallet, WatchWallet
from bot.reply import Block, Paragraph, Reply, Table, Title
from bot.views.watched import liquidation_pairs, snapshot_age
from engine.margin import PositionResult
from storage.portfolios import StoredPortfolio
from storage.wallets import Watch

__all__ = ["commands", "exchange_liquidations", "unwatch", "watch"]

commands = Feature()


@commands.command("watch", grammar.watch, reads_only=lambda intent: intent.address is None).help(
    (
        "/watch [0xADDRESS [LABEL]]",
        "/watch 0x5e9ee1089755c3435139848e47e6635505d5a13a main",
    ),
    N_("Follow a Hyperliquid wallet by its address, read-only; without one, list them."),
)
async def watch(ctx: Context, intent: WatchWallet) -> Reply:
    if intent.address is None:
        return _listed(ctx.tr, await ctx.services.wallets.list(ctx.user.id), ctx)
    label = intent.label or grammar.DEFAULT_LABEL
    portfolio_id = await ctx.services.wallets.watch(ctx.user.id, intent.address, label)
    await ctx.services.wallet_watched(ctx.user.id, portfolio_id, intent.address)
    await ctx.changed()
    stored = await ctx.services.portfolios.get(ctx.user.id, portfolio_id)
    return await _watching(ctx, stored, intent.address)


@commands.command("unwatch", grammar.unwatch).help(
    ("/unwatch LABEL", "/unwatch main"),
    N_("Stop following a watched wallet; its portfolio is deleted."),
)
async def unwatch(ctx: Context, intent: UnwatchWallet) -> Reply:
    found = await ctx.services.wallets.unwatch(ctx.user.id, intent.label)
    await ctx.changed()
    return Reply.of(
        ctx.tr(
            "Stopped watching {address}; “{name}” is deleted.",
            address=short(found.address),
            name=found.portfolio,
        )
    )


async def exchange_liquidations(
    ctx: Context, stored: StoredPortfolio, results: tuple[PositionResult, ...]
) -> list[Paragraph]:
    """For a watched wallet's portfolio: each position's liquidation price as Hyperliquid
    reported it beside the engine's; nothing for a typed portfolio."""
    if not stored.watched:
        return []
    found = await ctx.services.wallets.of_portfolio(ctx.user.id, stored.id)
    if found is None or found.snapshot is None:
        return []
    return liquidation_pairs(ctx.tr, results, found.snapshot.positions)


async def _watching(ctx: Context, stored: StoredPortfolio, address: str) -> Reply:
    tr = ctx.tr
    blocks: list[Block] = [
        Title(tr("Watching {address} as “{name}”", address=short(address), name=stored.name))
    ]
    found = await ctx.services.wallets.of_portfolio(ctx.user.id, stored.id)
    if found is None or found.fetched_at is None:
        seconds = int(ctx.services.watch_interval.total_seconds())
        blocks.append(
            Paragraph(
                tr(
                    "I could not read it from Hyperliquid yet; I will try again every {n} s.",
                    n=tr.integer(seconds),
                )
            )
        )
    elif not stored.positions:
        blocks.append(Paragraph(tr("It holds no open position right now.")))
    else:
        result = ctx.evaluate(ctx.portfolio(stored))
        blocks.extend(await exchange_liquidations(ctx, stored, result.positions))
        blocks.append(
            Paragraph(
                tr(
                    "Wallet (account value less open PnL): {amount} USDC",
                    amount=tr.money(stored.wallet_balance),
                )
            )
        )
    blocks.append(
        Paragraph(
            tr(
                "Read-only: it follows the exchange, and alerts work on it. To try changes, "
                "copy it: /portfolio copy {name} sandbox",
                name=stored.name,
            )
        )
    )
    return Reply(tuple(blocks), private_only=True)


def _listed(tr: Translator, watches: tuple[Watch, ...], ctx: Context) -> Reply:
    if not watches:
        return Reply.of(tr("You watch no wallet. Add one: /watch 0xADDRESS main"))
    now = ctx.now
    rows = tuple(
        (
            w.portfolio,
            short(w.address),
            tr.integer(len(w.snapshot.positions)) if w.snapshot is not None else "—",
            snapshot_age(tr, _age(w, now), _stale(ctx, w, now)),
        )
        for w in watches
    )
    header = (tr("Portfolio"), tr("Address"), tr("Positions"), tr("Snapshot"))
    return Reply((Table(header, rows),), private_only=True)


def _age(w: Watch, now: datetime) -> timedelta | None:
    return None if w.fetched_at is None else now - w.fetched_at


def _stale(ctx: Context, w: Watch, now: datetime) -> bool:
    return w.fetched_at is None or now - w.fetched_at > 2 * ctx.services.watch_interval


def short(address: str) -> str:
    """'0x5e9e…a13a': enough of an address to tell wallets apart."""
    return f"{address[:6]}…{address[-4:]}"
