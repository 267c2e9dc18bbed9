"""A watched wallet's messages as replies: what changed between two snapshots, and a
snapshot gone stale. One short line per change, as a trader reads a fill:
"hl:main: BTC short 0.5 opened at 97,200 — liquidation 101,850"."""

from __future__ import annotations

from bot.alerts.messages import WalletChange, WalletChangeMessage, WalletStaleMessage
from bot.i18n import Translator
from bot.reply import Paragraph, Reply
from bot.views.tables import side_name

__all__ = ["change_reply", "stale_reply"]


def change_reply(tr: Translator, p: WalletChangeMessage) -> Reply:
    return Reply(tuple(Paragraph(_line(tr, p.portfolio, c)) for c in p.changes))


def _line(tr: Translator, portfolio: str, c: WalletChange) -> str:
    side = side_name(tr, c.side)
    if c.what == "closed":
        return tr(
            "{portfolio}: {coin} {side} {qty} closed",
            portfolio=portfolio,
            coin=c.coin,
            side=side,
            qty=tr.quantity(c.qty),
        )
    if c.liquidation is None:
        liquidation = tr("no liquidation price")
    else:
        liquidation = tr("liquidation {price}", price=tr.liquidation(c.liquidation, c.entry))
    if c.what == "opened":
        return tr(
            "{portfolio}: {coin} {side} {qty} opened at {entry} — {liquidation}",
            portfolio=portfolio,
            coin=c.coin,
            side=side,
            qty=tr.quantity(c.qty),
            entry=tr.price(c.entry),
            liquidation=liquidation,
        )
    return tr(
        "{portfolio}: {coin} {side} now {qty} (was {before}), entry {entry} — {liquidation}",
        portfolio=portfolio,
        coin=c.coin,
        side=side,
        qty=tr.quantity(c.qty),
        before=tr.quantity(c.before_qty if c.before_qty is not None else c.qty),
        entry=tr.price(c.entry),
        liquidation=liquidation,
    )


def stale_reply(tr: Translator, p: WalletStaleMessage) -> Reply:
    if p.since is None:
        text = tr(
            "{portfolio}: I have not been able to read this wallet from Hyperliquid yet; "
            "it shows nothing until I can.",
            portfolio=p.portfolio,
        )
    else:
        text = tr(
            "{portfolio}: I cannot read this wallet from Hyperliquid; its positions are those "
            "of the snapshot of {time} UTC and may have changed since.",
            portfolio=p.portfolio,
            time=p.since.strftime("%Y-%m-%d %H:%M"),
        )
    return Reply((Paragraph(text),))
