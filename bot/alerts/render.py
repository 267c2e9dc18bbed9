"""Outbox messages as replies, in the user's language, at the moment they are sent.

An alert's text is `bot.alerts.alert_text`'s (eight lines at most, details one
button away); digests, outage notices and weekly reviews are here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.alerts.alert_text import alert_reply
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
from bot.alerts.symbol_price import SymbolPriceMessage, render_symbol_price
from bot.i18n import N_, Translator
from bot.reply import Block, Paragraph, Reply, Table, Title
from bot.views.advice import brief_blocks
from bot.views.tables import age_text, side_name
from storage.portfolios import is_watched

__all__ = ["render"]

# a digest's portfolio line by whether it is a watched wallet (its asset: USDC)
_DIGEST_HEAD = {
    False: N_("Portfolio “{name}”, wallet {wallet} USDT"),
    True: N_("Portfolio “{name}”, wallet {wallet} USDC"),
}


def render(tr: Translator, message: Message, now: datetime, message_id: int | None = None) -> Reply:
    """The reply for one outbox message; `now` is when it is sent, `message_id` its
    outbox id (an alert's Details button names it)."""
    reply: Reply
    match message:
        case AlertMessage():
            reply = alert_reply(tr, message, now, message_id)
        case FeedDownMessage():
            reply = _feed_down(tr, message)
        case DigestMessage():
            reply = _digest(tr, message, now)
        case WeeklyMessage():
            reply = _weekly(tr, message)
        case SymbolPriceMessage():
            reply = render_symbol_price(tr, message, now)
        case WalletChangeMessage():
            reply = change_reply(tr, message)
        case WalletStaleMessage():
            reply = stale_reply(tr, message)
    return reply


def _feed_down(tr: Translator, p: FeedDownMessage) -> Reply:
    text = tr(
        "Live prices from {exchange} are unavailable since {time} UTC. Meanwhile your "
        "positions priced there use another exchange's live mark where there is one "
        "(every reply and alert says whose); where there is none, alerts wait until "
        "prices return and replies use your manual marks or entry prices.",
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
                    _DIGEST_HEAD[is_watched(portfolio.name)],
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
