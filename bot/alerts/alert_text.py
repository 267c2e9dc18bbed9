"""An alert as the user reads it: at most eight lines before the buttons, and its details.

The alert: level and subject (the title); the mark with its source and age and
the liquidation price; the distance and the margin ratio; the best fix with its
numbers; a second fix. A liquidated subject gets no fix, only what happened and
what is left. Everything else (the position's terms, the margin-mode advice)
is one button away: "Details" sends the full breakdown as a new message.

Every button of an alert answers below it (`Button.below`): a fix opens its
preview (`/fix`, confirm or cancel) as a new message and the alert keeps its text.
"""

from __future__ import annotations

from datetime import datetime

from bot.alerts.fix_lines import FixTexts, margin_fixes
from bot.alerts.funding_drift import funding_lines
from bot.alerts.messages import AlertMessage
from bot.alerts.watched_text import WATCHED, copy_button, copy_line, watched_aftermath
from bot.feeds.book import MarkQuote
from bot.i18n import N_, Translator
from bot.reply import Block, Button, Paragraph, Reply, Title
from bot.views.advice import brief_blocks
from bot.views.lines import plain
from bot.views.tables import mark_text, side_name
from engine.alerts import Level
from engine.symbols import base_asset

__all__ = ["DETAILS_PREFIX", "alert_details", "alert_reply"]

DETAILS_PREFIX = "ad:"  # a button's data "ad:<outbox id>": that alert's details, below it
_TITLES = {
    Level.WARNING: N_("Warning: {subject} is {distance} from liquidation"),
    Level.DANGER: N_("Danger: {subject} is {distance} from liquidation"),
    Level.LIQUIDATED: N_("Liquidation: the {symbol} mark has passed the liquidation price"),
}
_SNOOZE = "2h"


def _mark(tr: Translator, p: AlertMessage, now: datetime) -> str:
    if p.mark_source is None or p.mark_at is None:
        return tr("{price} (entry price, no live mark)", price=tr.price(p.mark))
    return mark_text(tr, MarkQuote(p.symbol, p.mark, p.mark_at, p.mark_source), now)


def _currency(p: AlertMessage) -> str:
    """The wallet's asset: a watched Hyperliquid wallet's is USDC."""
    return "USDC" if p.watched else "USDT"


def _subject(tr: Translator, p: AlertMessage) -> str:
    side = side_name(tr, p.side)
    if p.cross:
        return tr("your cross account ({symbol} {side})", symbol=p.symbol, side=side)
    return tr("{symbol} {side}", symbol=p.symbol, side=side)


def _title(tr: Translator, p: AlertMessage) -> Title:
    distance = "—" if p.distance is None else tr.percent(abs(p.distance), 1)
    return Title(tr(_TITLES[p.level], subject=_subject(tr, p), symbol=p.symbol, distance=distance))


def _liquidation(tr: Translator, p: AlertMessage) -> str:
    return "—" if p.liquidation is None else tr.liquidation(p.liquidation, p.mark)


def alert_reply(
    tr: Translator, p: AlertMessage, now: datetime, message_id: int | None = None
) -> Reply:
    """The alert; `message_id` (its outbox id) lets the Details button find it again."""
    lines = [
        tr("Mark {mark} · liquidation {price}", mark=_mark(tr, p, now), price=_liquidation(tr, p))
    ]
    if p.level is Level.LIQUIDATED:
        lines.extend(_aftermath(tr, p))
    else:
        ratio = "—" if p.ratio is None else tr.percent(p.ratio, 1)
        distance = "—" if p.distance is None else tr.percent(p.distance, 1)
        lines.append(
            tr("Distance {distance} · margin ratio {ratio}", distance=distance, ratio=ratio)
        )
        lines.extend(
            block.text for block in funding_lines(tr, p.funding, _currency(p))
        )  # the cause
        lines.extend(_fix_lines(tr, p)[:2])
    if p.watched:
        lines.append(copy_line(tr, p))
    elif not p.active:
        lines.append(_elsewhere(tr, p))
    blocks = (_title(tr, p), Paragraph("\n".join(lines)))
    return Reply(blocks, buttons=_buttons(tr, p, message_id), private_only=True)


def _aftermath(tr: Translator, p: AlertMessage) -> list[str]:
    """What happened and what is left; no fix can undo a liquidation."""
    if p.watched:
        return watched_aftermath(tr, p)
    lines: list[str] = []
    if p.lost is not None and p.left is not None:
        template = (
            N_("Lost: about {lost} USDT of the cross account; about {left} USDT left.")
            if p.cross
            else N_("Lost: the {lost} USDT margin of #{n}; {left} USDT left in the wallet.")
        )
        lines.append(tr(template, lost=tr.money(p.lost), left=tr.money(p.left), n=p.position))
    lines.append(tr("If your exchange closed it, remove it with /close {n}.", n=p.position))
    return lines


def _fix_lines(tr: Translator, p: AlertMessage) -> list[str]:
    """The fixes, best first: margin that fits (a deposit, cross), then closing part
    (cross) or the other margin mode."""
    whole = (p.target * 100) == (p.target * 100).to_integral_value()
    target = tr.percent(p.target, 0 if whole else 1)
    found = margin_fixes(tr, p, target, WATCHED if p.watched else _TYPED)
    if p.other_mode is not None:
        template = (
            N_("In isolated mode its liquidation price would be {price}.")
            if p.cross
            else N_("In cross mode the liquidation price would be {price}.")
        )
        found.append(tr(template, price=tr.liquidation(p.other_mode, p.mark)))
    return found


_TYPED = FixTexts(
    deposit=N_("Deposit {amount} USDT to get back to {target} from liquidation."),
    add=N_("Add {amount} USDT margin to get back to {target} from liquidation."),
    add_free=N_("Add your free {amount} USDT as margin: liquidation at {price}, {distance} away."),
    no_free=N_("No free balance for more margin: /close {n} ends the risk."),
    close=N_("Or close {qty} {base} to get back to {target}."),
)


def _elsewhere(tr: Translator, p: AlertMessage) -> str:
    return tr(
        "It is in portfolio “{name}”: switch to it with /portfolio {name} to change it.",
        name=p.portfolio,
    )


def _buttons(
    tr: Translator, p: AlertMessage, message_id: int | None
) -> tuple[tuple[Button, ...], ...]:
    """The best fix (its preview), Details, and a snooze; each answers below the alert."""
    row: list[Button] = []
    add = p.add_margin
    if p.watched:  # its fixes are made on Hyperliquid; a copy takes the what-ifs
        row.append(copy_button(tr, p))
    elif add is not None and p.active and p.level is not Level.LIQUIDATED:
        if p.cross:
            row.append(
                Button(
                    tr("Deposit {amount}", amount=tr.money(add)),
                    f"/fix deposit {plain(add)}",
                    below=True,
                )
            )
        else:
            row.append(
                Button(tr("Add margin"), f"/fix {p.position} margin {plain(add)}", below=True)
            )
    if message_id is not None:
        row.append(Button(tr("Details"), f"{DETAILS_PREFIX}{message_id}", below=True))
    symbol = base_asset(p.symbol)
    snooze = Button(
        tr("Snooze {symbol} 2h", symbol=symbol), f"/alerts snooze {symbol} {_SNOOZE}", below=True
    )
    return (tuple(row), (snooze,)) if row else ((snooze,),)


def alert_details(tr: Translator, p: AlertMessage, now: datetime) -> Reply:
    """The full breakdown: the position, every figure, every fix, the mode advice."""
    rows = (
        (tr("Position"), _position(tr, p)),
        (tr("Mark"), _mark(tr, p, now)),
        (tr("Liquidation price"), _liquidation(tr, p)),
        (tr("Distance"), "—" if p.distance is None else tr.percent(p.distance, 1)),
        (tr("Margin ratio"), "—" if p.ratio is None else tr.percent(p.ratio, 1)),
    )
    facts = "\n".join(tr("{label}: {value}", label=label, value=value) for label, value in rows)
    blocks: list[Block] = [_title(tr, p), Paragraph(facts)]
    more = _aftermath(tr, p) if p.level is Level.LIQUIDATED else _fix_lines(tr, p)
    blocks.extend(Paragraph(line) for line in more)
    if p.watched:
        blocks.append(Paragraph(copy_line(tr, p)))
    elif not p.active:
        blocks.append(Paragraph(_elsewhere(tr, p)))
    if p.advice is not None:
        blocks.append(Title(tr("Margin mode")))
        blocks.extend(brief_blocks(tr, p.advice.brief()))
    return Reply(tuple(blocks), private_only=True)


def _position(tr: Translator, p: AlertMessage) -> str:
    line = tr(
        "#{n} {qty} {base} ×{leverage}, portfolio “{portfolio}”",
        n=p.position,
        qty=tr.quantity(p.qty),
        base=base_asset(p.symbol),
        leverage=tr.quantity(p.leverage),
        portfolio=p.portfolio,
    )
    if p.cross and p.positions > 1:
        line += " " + tr.plural(
            "(the nearest of {n} cross position)",
            "(the nearest of {n} cross positions)",
            p.positions,
        )
    return line
