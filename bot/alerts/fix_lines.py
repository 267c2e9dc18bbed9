"""An alert's fix lines, best first: margin that fits (a deposit, for cross), or what the
free balance buys, then closing part. One shape for every portfolio; the words differ
(a typed portfolio names its commands, a watched wallet says "on Hyperliquid" in USDC),
so each kind passes its `FixTexts`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.alerts.messages import AlertMessage
from bot.i18n import Translator
from engine.symbols import base_asset

__all__ = ["FixTexts", "margin_fixes"]


@dataclass(frozen=True, slots=True)
class FixTexts:
    """The msgids (marked with N_ where they are written) of one kind of portfolio."""

    deposit: str  # {amount} {target}
    add: str  # {amount} {target}
    add_free: str  # {amount} {price} {distance}
    no_free: str  # {n}
    close: str  # {qty} {base} {target}


def margin_fixes(tr: Translator, p: AlertMessage, target: str, texts: FixTexts) -> list[str]:
    """The margin and close fixes of `p`, in the words of `texts`."""
    found: list[str] = []
    add = p.add_margin
    if add is not None and p.cross:
        found.append(tr(texts.deposit, amount=tr.money(add), target=target))
    elif add is not None and p.add_enough:
        found.append(tr(texts.add, amount=tr.money(add), target=target))
    elif add is not None:
        liquidation = p.add_liquidation
        found.append(
            tr(
                texts.add_free,
                amount=tr.money(add),
                price="—" if liquidation is None else tr.liquidation(liquidation, p.mark),
                distance="—" if p.add_distance is None else tr.percent(abs(p.add_distance), 1),
            )
        )
    elif not p.cross:
        found.append(tr(texts.no_free, n=p.position))
    if p.close_qty is not None:
        found.append(
            tr(
                texts.close,
                qty=tr.quantity(p.close_qty),
                base=base_asset(p.symbol),
                target=target,
            )
        )
    return found
