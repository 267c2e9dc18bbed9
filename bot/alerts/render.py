"""Outbox messages as replies, in the user's language, at the moment they are sent.

An alert names the position, its mark with source and age, the liquidation
price, the distance and the margin ratio, then the fixes with their numbers and
buttons that run them (each button is the command line it stands for).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.alerts.messages import (
    AlertMessage,
    DigestMessage,
    DigestPosition,
    FeedDownMessage,
    Message,
    WalletChangeMessage,
    WalletStaleMessage,
    WeeklyMessage,
)
from bot.alerts.render_wallets import change_reply, stale_reply
from bot.feeds.book import MarkQuote
from bot.i18n import N_, Translator
from bot.reply import Block, Button, Paragraph, Reply, Table, Title
from bot.views.advice import brief_blocks
from bot.views.lines import plain
from bot.views.tables import age_text, mark_text, side_name
from engine.alerts import Level
from engine.models import Side
from engine.symbols import base_asset

__all__ = ["render"]

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


def render(tr: Translator, message: Message, now: datetime) -> Reply:
    """The reply for one outbox message; `now` is when it is sent."""
    match message:
        case AlertMessage():
            return _alert(tr, message, now)
        case FeedDownMessage():
            return _feed_down(tr, message)
        case DigestMessage():
            return _digest(tr, message, now)
        case WeeklyMessage():
            return _weekly(tr, message)
        case WalletChangeMessage():
            return change_reply(tr, message)
        case WalletStaleMessage():
            return stale_reply(tr, message)


def _subject(tr: Translator, p: AlertMessage) -> str:
    side = side_name(tr, p.side)
    if p.cross:
        return tr("your cross account ({symbol} {side})", symbol=p.symbol, side=side)
    return tr("{symbol} {side}", symbol=p.symbol, side=side)


def _alert(tr: Translator, p: AlertMessage, now: datetime) -> Reply:
    distance = p.distance
    title = tr(
        _TITLES[p.level],
        subject=_subject(tr, p),
        symbol=p.symbol,
        distance="—" if distance is None else tr.percent(abs(distance), 1),
    )
    long = p.side is Side.LONG
    liquidation, ratio = p.liquidation, p.ratio
    rows = (
        (tr("Position"), _position(tr, p)),
        (tr("Mark"), _mark(tr, p, now)),
        (
            tr("Liquidation price"),
            "—" if liquidation is None else tr.liquidation(liquidation, p.mark),
        ),
        (tr("Distance"), "—" if distance is None else tr.percent(distance, 1)),
        (tr("Margin ratio"), "—" if ratio is None else tr.percent(ratio, 1)),
    )
    facts = "\n".join(tr("{label}: {value}", label=label, value=value) for label, value in rows)
    blocks: list[Block] = [Title(title), Paragraph(facts), *_fixes(tr, p, long)]
    if p.advice is not None:
        blocks.append(Title(tr("Margin mode")))
        blocks.extend(brief_blocks(tr, p.advice.brief()))
    return Reply(tuple(blocks), buttons=_buttons(tr, p), private_only=True)


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
        line += " " + tr("(the nearest of {count} cross positions)", count=p.positions)
    return line


def _fixes(tr: Translator, p: AlertMessage, long: bool) -> list[Paragraph]:
    target = tr.percent(p.target, 0)
    fixes: list[Paragraph] = []
    if p.add_margin is not None:
        template = (
            N_("Deposit {amount} USDT to get back to {target} from liquidation.")
            if p.cross
            else N_("Add {amount} USDT margin to get back to {target} from liquidation.")
        )
        fixes.append(Paragraph(tr(template, amount=tr.money(p.add_margin), target=target)))
    if p.close_qty is not None:
        fixes.append(
            Paragraph(
                tr(
                    "Or close {qty} {base} to get back to {target}.",
                    qty=tr.quantity(p.close_qty),
                    base=base_asset(p.symbol),
                    target=target,
                )
            )
        )
    if p.other_mode is not None:
        template = (
            N_("In isolated mode its liquidation price would be {price}.")
            if p.cross
            else N_("In cross mode the liquidation price would be {price}.")
        )
        price = tr.liquidation(p.other_mode, p.mark)
        fixes.append(Paragraph(tr(template, price=price)))
    if p.level is Level.LIQUIDATED:
        fixes.append(
            Paragraph(tr("If your exchange closed it, remove it with /close {n}.", n=p.position))
        )
    if not p.active:
        fixes.append(
            Paragraph(
                tr(
                    "It is in portfolio “{name}”: switch to it with /portfolio {name} "
                    "to change it.",
                    name=p.portfolio,
                )
            )
        )
    return fixes


def _buttons(tr: Translator, p: AlertMessage) -> tuple[tuple[Button, ...], ...]:
    row: list[Button] = []
    add = p.add_margin
    if add is not None and p.active:
        if p.cross:
            wallet = p.wallet + add
            row.append(
                Button(tr("Deposit {amount}", amount=tr.money(add)), f"/balance {plain(wallet)}")
            )
        else:
            row.append(Button(tr("Add margin"), f"/margin {p.position} +{plain(add)}"))
    symbol = base_asset(p.symbol)
    row.append(
        Button(tr("Snooze {symbol} 2h", symbol=symbol), f"/alerts snooze {symbol} {_SNOOZE}")
    )
    row.append(Button(tr("Show position"), "/positions"))
    return (tuple(row),)


def _feed_down(tr: Translator, p: FeedDownMessage) -> Reply:
    text = tr(
        "Live prices from {exchange} are unavailable since {time} UTC. Alerts for your "
        "positions priced there wait until prices return; replies use your manual marks "
        "or entry prices meanwhile.",
        exchange=p.exchange.value,
        time=p.since.strftime("%Y-%m-%d %H:%M"),
    )
    return Reply((Paragraph(text),))


def _digest(tr: Translator, p: DigestMessage, now: datetime) -> Reply:
    blocks: list[Block] = [Title(tr("Daily digest"))]
    for portfolio in p.portfolios:
        rows = tuple(_digest_row(tr, row) for row in portfolio.positions)
        header = (tr("Position"), tr("Mark"), tr("Liq. price"), tr("Distance"), tr("Margin ratio"))
        blocks.append(
            Paragraph(
                tr(
                    "Portfolio “{name}”, wallet {wallet} USDT",
                    name=portfolio.name,
                    wallet=tr.money(portfolio.wallet),
                )
            )
        )
        blocks.append(Table(header, rows))
        ages = [_digest_age(tr, row, now) for row in portfolio.positions]
        blocks.append(Paragraph(tr("Marks: {marks}", marks=" · ".join(ages))))
        if portfolio.advice is not None:
            blocks.append(Paragraph(tr("The margin mode advice has changed:")))
            blocks.extend(brief_blocks(tr, portfolio.advice.brief()))
    return Reply(tuple(blocks), private_only=True)


def _digest_age(tr: Translator, row: DigestPosition, now: datetime) -> str:
    if row.mark_at is None:
        return tr("{symbol} entry price", symbol=row.symbol)
    return tr(
        "{symbol} {source}, {age} old",
        symbol=row.symbol,
        source=row.mark_source,
        age=age_text(tr, max(timedelta(0), now - row.mark_at)),
    )


def _digest_row(tr: Translator, row: DigestPosition) -> tuple[str, str, str, str, str]:
    liquidation, distance, ratio = row.liquidation, row.distance, row.ratio
    return (
        f"#{row.position} {row.symbol} {side_name(tr, row.side)}",
        tr.price(row.mark),
        "—" if liquidation is None else tr.liquidation(liquidation, row.mark),
        "—" if distance is None else tr.percent(distance, 1),
        "—" if ratio is None else tr.percent(ratio, 1),
    )


def _weekly(tr: Translator, p: WeeklyMessage) -> Reply:
    blocks: list[Block] = [Title(tr("Weekly review"))]
    for portfolio in p.portfolios:
        blocks.append(Paragraph(tr("Portfolio “{name}”", name=portfolio.name)))
        best = portfolio.closest
        if best is None:
            line = tr("No distance to liquidation was recorded this week.")
        else:
            line = tr(
                "Closest call this week: #{n} {symbol} came within {distance} of its "
                "liquidation price on {day}.",
                n=best.position,
                symbol=best.symbol,
                distance=tr.percent(best.distance, 1),
                day=best.at.strftime("%Y-%m-%d"),
            )
        blocks.append(Paragraph(line))
        if portfolio.advice is not None:
            blocks.extend(brief_blocks(tr, portfolio.advice.brief()))
    return Reply(tuple(blocks), private_only=True)
