"""An alert's fixes when the portfolio is a watched Hyperliquid wallet (issue 17).

A watched portfolio is read-only: `/close`, `/margin`, `/fix` and switching to it to
change it are all refused there, so its alert never proposes them. Each fix says it
is made on Hyperliquid, in the wallet's asset (USDC), and one line and one button
offer the copy (`/portfolio copy hl:main sandbox`) where a what-if can be tried.
The figures are the same as a typed portfolio's (`bot.alerts.compose`); only the
wording and the buttons differ.
"""

from __future__ import annotations

from bot.alerts.messages import AlertMessage
from bot.i18n import N_, Translator
from bot.reply import Button
from engine.symbols import base_asset

__all__ = ["COPY_NAME", "copy_button", "copy_line", "watched_aftermath", "watched_fixes"]

COPY_NAME = "sandbox"  # the copy's suggested name


def watched_fixes(tr: Translator, p: AlertMessage, target: str) -> list[str]:
    """The fixes, best first, each one to make on Hyperliquid."""
    found: list[str] = []
    add = p.add_margin
    if add is not None and p.cross:
        found.append(
            tr(
                "Deposit {amount} USDC on Hyperliquid to get back to {target} from liquidation.",
                amount=tr.money(add),
                target=target,
            )
        )
    elif add is not None and p.add_enough:
        found.append(
            tr(
                "Add {amount} USDC margin on Hyperliquid to get back to {target} from liquidation.",
                amount=tr.money(add),
                target=target,
            )
        )
    elif add is not None:
        found.append(
            tr(
                "Add your free {amount} USDC as margin on Hyperliquid: liquidation at {price}, "
                "{distance} away.",
                amount=tr.money(add),
                price="—"
                if p.add_liquidation is None
                else tr.liquidation(p.add_liquidation, p.mark),
                distance="—" if p.add_distance is None else tr.percent(abs(p.add_distance), 1),
            )
        )
    elif not p.cross:
        found.append(
            tr("No free balance for more margin: closing it on Hyperliquid ends the risk.")
        )
    if p.close_qty is not None:
        found.append(
            tr(
                "Or close {qty} {base} on Hyperliquid to get back to {target}.",
                qty=tr.quantity(p.close_qty),
                base=base_asset(p.symbol),
                target=target,
            )
        )
    return found


def watched_aftermath(tr: Translator, p: AlertMessage) -> list[str]:
    """What a liquidation took, in USDC; the next snapshot removes the position."""
    lines: list[str] = []
    if p.lost is not None and p.left is not None:
        template = (
            N_("Lost: about {lost} USDC of the cross account; about {left} USDC left.")
            if p.cross
            else N_("Lost: the {lost} USDC margin of #{n}; {left} USDC left in the wallet.")
        )
        lines.append(tr(template, lost=tr.money(p.lost), left=tr.money(p.left), n=p.position))
    lines.append(tr("Once Hyperliquid has closed it, the next snapshot removes it here."))
    return lines


def copy_line(tr: Translator, p: AlertMessage) -> str:
    """Where a what-if can be tried: a copy of the watched portfolio."""
    return tr(
        "For a what-if, copy the wallet: /portfolio copy {name} {copy}",
        name=p.portfolio,
        copy=COPY_NAME,
    )


def copy_button(tr: Translator, p: AlertMessage) -> Button:
    return Button(
        tr("Copy for a what-if"), f"/portfolio copy {p.portfolio} {COPY_NAME}", below=True
    )
