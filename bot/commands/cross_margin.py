"""'Add margin' on a cross position: there is no margin of its own to add.

A cross position is backed by the whole wallet, so the useful answer to "+100 on #2" is
a deposit: the same 100 USDT added to the balance protects it (and every other cross
position). The reply says so and offers that deposit as a button.
"""

from __future__ import annotations

from decimal import Decimal

from bot.i18n import Translator
from bot.reply import Button, Paragraph, Reply
from bot.views.lines import plain

__all__ = ["cross_margin_reply"]


def cross_margin_reply(
    tr: Translator, seq: int, delta: Decimal, wallet: Decimal, switch: str | None = None
) -> Reply:
    """The refusal, with a button that sets the balance `delta` higher (a deposit), and
    one that switches #seq to isolated (`switch`: that line bound to the position)."""
    explain = tr(
        "#{n} is a cross position: it has no margin of its own, it uses the shared "
        "wallet balance ({wallet} USDT), like every cross position.",
        n=seq,
        wallet=tr.money(wallet),
    )
    if delta <= 0:
        advice = tr(
            "To take money out, lower the balance with /balance; to give #{n} its own "
            "margin, switch it to isolated with /mode {n} iso.",
            n=seq,
        )
        return Reply((Paragraph(explain), Paragraph(advice)), private_only=True)
    after = wallet + delta
    advice = tr(
        "To give it {amount} USDT more room, deposit it: the balance becomes {after} USDT.",
        amount=tr.money(delta),
        after=tr.money(after),
    )
    buttons = (
        (
            Button(tr("Deposit {amount} USDT", amount=tr.money(delta)), f"/balance {plain(after)}"),
            Button(tr("Switch to isolated"), switch or f"/mode {seq} iso"),
        ),
    )
    return Reply((Paragraph(explain), Paragraph(advice)), buttons, private_only=True)
