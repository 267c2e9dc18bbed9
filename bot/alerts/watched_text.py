"""An alert's fixes when the portfolio is a watched Hyperliquid wallet (issue 17).

A watched portfolio is read-only: `/close`, `/margin`, `/fix` and switching to it to
change it are all refused there, so its alert never proposes them. Each fix says it
is made on Hyperliquid, in the wallet's asset (USDC), and one line and one button
offer the copy (`/portfolio copy hl:main sandbox`) where a what-if can be tried.
The figures are the same as a typed portfolio's (`bot.alerts.compose`); only the
wording and the buttons differ.
"""

from __future__ import annotations

from bot.alerts.fix_lines import FixTexts
from bot.alerts.messages import AlertMessage
from bot.i18n import N_, Translator
from bot.reply import Button

__all__ = ["COPY_NAME", "WATCHED", "copy_button", "copy_line", "watched_aftermath"]

COPY_NAME = "sandbox"  # the copy's suggested name


WATCHED = FixTexts(  # the fixes of a watched wallet, each made on Hyperliquid
    deposit=N_("Deposit {amount} USDC on Hyperliquid to get back to {target} from liquidation."),
    add=N_("Add {amount} USDC margin on Hyperliquid to get back to {target} from liquidation."),
    add_free=N_(
        "Add your free {amount} USDC as margin on Hyperliquid: liquidation at {price}, "
        "{distance} away."
    ),
    no_free=N_("No free balance for more margin: closing it on Hyperliquid ends the risk."),
    close=N_("Or close {qty} {base} on Hyperliquid to get back to {target}."),
)


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
