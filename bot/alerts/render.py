"""Outbox messages as replies, in the user's language, at the moment they are sent.

An alert names the position, its mark with source and age, the liquidation
price, the distance and the margin ratio, then the fixes with their numbers and
buttons that run them (each button is the command line it stands for).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from bot.feeds.book import MarkQuote
from bot.i18n import N_, Translator
from bot.reply import Block, Button, Paragraph, Reply, Table, Title
from bot.views.advice import brief_blocks
from bot.views.advice_brief import brief_from_payload
from bot.views.tables import age_text, mark_text, side_name
from engine.models import Side
from engine.symbols import base_asset
from storage._time import from_text
from storage.alerts import OutboxMessage

__all__ = ["render"]

_TITLES = {
    "warning": N_("Warning: {subject} is {distance} from liquidation"),
    "danger": N_("Danger: {subject} is {distance} from liquidation"),
    "liquidated": N_("Liquidation: the {symbol} mark has passed the liquidation price"),
}
_SNOOZE = "2h"


def _dec(payload: Mapping[str, Any], key: str) -> Decimal | None:
    value = payload.get(key)
    return None if value is None else Decimal(str(value))


def _quote(payload: Mapping[str, Any], price: Decimal) -> MarkQuote | None:
    source, at = payload.get("mark_source"), payload.get("mark_at")
    if source is None or at is None:
        return None
    return MarkQuote(str(payload["symbol"]), price, from_text(str(at)), str(source))


def _mark(tr: Translator, payload: Mapping[str, Any], now: datetime) -> str:
    price = _dec(payload, "mark") or Decimal(0)
    quote = _quote(payload, price)
    if quote is None:
        return tr("{price} (entry price, no live mark)", price=tr.price(price))
    return mark_text(tr, quote, now)


def render(tr: Translator, message: OutboxMessage, now: datetime) -> Reply:
    """The reply for one outbox message; `now` is when it is sent."""
    if message.kind in _TITLES:
        return _alert(tr, message.payload, now)
    if message.kind == "feed_down":
        return _feed_down(tr, message.payload)
    if message.kind == "digest":
        return _digest(tr, message.payload, now)
    if message.kind == "weekly":
        return _weekly(tr, message.payload)
    raise ValueError(f"unknown outbox message kind {message.kind!r}")


def _subject(tr: Translator, p: Mapping[str, Any]) -> str:
    side = side_name(tr, Side(p["side"]))
    if p["cross"]:
        return tr("your cross account ({symbol} {side})", symbol=p["symbol"], side=side)
    return tr("{symbol} {side}", symbol=p["symbol"], side=side)


def _alert(tr: Translator, p: Mapping[str, Any], now: datetime) -> Reply:
    distance = _dec(p, "distance")
    title = tr(
        _TITLES[p["level"]],
        subject=_subject(tr, p),
        symbol=p["symbol"],
        distance="—" if distance is None else tr.percent(abs(distance), 1),
    )
    long = p["side"] == Side.LONG.value
    liquidation = _dec(p, "liquidation")
    ratio = _dec(p, "ratio")
    rows = (
        (tr("Position"), _position(tr, p)),
        (tr("Mark"), _mark(tr, p, now)),
        (
            tr("Liquidation price"),
            "—" if liquidation is None else tr.price(liquidation, toward_danger_of_long=long),
        ),
        (tr("Distance"), "—" if distance is None else tr.percent(distance, 1)),
        (tr("Margin ratio"), "—" if ratio is None else tr.percent(ratio, 1)),
    )
    facts = "\n".join(tr("{label}: {value}", label=label, value=value) for label, value in rows)
    blocks: list[Block] = [Title(title), Paragraph(facts), *_fixes(tr, p, long)]
    if p.get("advice"):
        blocks.append(Title(tr("Margin mode")))
        blocks.extend(brief_blocks(tr, brief_from_payload(p["advice"])))
    return Reply(tuple(blocks), buttons=_buttons(tr, p), private_only=True)


def _position(tr: Translator, p: Mapping[str, Any]) -> str:
    line = tr(
        "#{n} {qty} {base} ×{leverage}, portfolio “{portfolio}”",
        n=p["position"],
        qty=tr.quantity(Decimal(p["qty"])),
        base=base_asset(p["symbol"]),
        leverage=tr.quantity(Decimal(p["leverage"])),
        portfolio=p["portfolio"],
    )
    if p["cross"] and p["positions"] > 1:
        line += " " + tr("(the nearest of {count} cross positions)", count=p["positions"])
    return line


def _fixes(tr: Translator, p: Mapping[str, Any], long: bool) -> list[Paragraph]:
    target = tr.percent(Decimal(p["target"]), 0)
    fixes: list[Paragraph] = []
    add = _dec(p, "add_margin")
    if add is not None:
        template = (
            N_("Deposit {amount} USDT to get back to {target} from liquidation.")
            if p["cross"]
            else N_("Add {amount} USDT margin to get back to {target} from liquidation.")
        )
        fixes.append(Paragraph(tr(template, amount=tr.money(add), target=target)))
    close = _dec(p, "close_qty")
    if close is not None:
        fixes.append(
            Paragraph(
                tr(
                    "Or close {qty} {base} to get back to {target}.",
                    qty=tr.quantity(close),
                    base=base_asset(p["symbol"]),
                    target=target,
                )
            )
        )
    other = _dec(p, "other_mode")
    if other is not None:
        template = (
            N_("In isolated mode its liquidation price would be {price}.")
            if p["cross"]
            else N_("In cross mode the liquidation price would be {price}.")
        )
        fixes.append(Paragraph(tr(template, price=tr.price(other, toward_danger_of_long=long))))
    if p["level"] == "liquidated":
        fixes.append(
            Paragraph(tr("If your exchange closed it, remove it with /close {n}.", n=p["position"]))
        )
    if not p["active"]:
        fixes.append(
            Paragraph(
                tr(
                    "It is in portfolio “{name}”: switch to it with /portfolio {name} "
                    "to change it.",
                    name=p["portfolio"],
                )
            )
        )
    return fixes


def _buttons(tr: Translator, p: Mapping[str, Any]) -> tuple[tuple[Button, ...], ...]:
    row: list[Button] = []
    add = _dec(p, "add_margin")
    if add is not None and p["active"]:
        if p["cross"]:
            wallet = Decimal(p["wallet"]) + add
            row.append(Button(tr("Deposit {amount}", amount=tr.money(add)), f"/balance {wallet}"))
        else:
            row.append(Button(tr("Add margin"), f"/margin {p['position']} +{add}"))
    symbol = base_asset(p["symbol"])
    row.append(
        Button(tr("Snooze {symbol} 2h", symbol=symbol), f"/alerts snooze {symbol} {_SNOOZE}")
    )
    row.append(Button(tr("Show position"), "/positions"))
    return (tuple(row),)


def _feed_down(tr: Translator, p: Mapping[str, Any]) -> Reply:
    since = from_text(str(p["since"]))
    text = tr(
        "Live prices from {exchange} are unavailable since {time} UTC. Alerts for your "
        "positions priced there wait until prices return; replies use your manual marks "
        "or entry prices meanwhile.",
        exchange=p["exchange"],
        time=since.strftime("%Y-%m-%d %H:%M"),
    )
    return Reply((Paragraph(text),))


def _digest(tr: Translator, p: Mapping[str, Any], now: datetime) -> Reply:
    blocks: list[Block] = [Title(tr("Daily digest"))]
    for portfolio in p["portfolios"]:
        rows = tuple(_digest_row(tr, row) for row in portfolio["positions"])
        header = (tr("Position"), tr("Mark"), tr("Liq. price"), tr("Distance"), tr("Margin ratio"))
        blocks.append(
            Paragraph(
                tr(
                    "Portfolio “{name}”, wallet {wallet} USDT",
                    name=portfolio["name"],
                    wallet=tr.money(Decimal(portfolio["wallet"])),
                )
            )
        )
        blocks.append(Table(header, rows))
        ages = [
            tr(
                "{symbol} {source}, {age} old",
                symbol=row["symbol"],
                source=row["mark_source"],
                age=age_text(tr, max(timedelta(0), now - from_text(row["mark_at"]))),
            )
            if row.get("mark_at")
            else tr("{symbol} entry price", symbol=row["symbol"])
            for row in portfolio["positions"]
        ]
        blocks.append(Paragraph(tr("Marks: {marks}", marks=" · ".join(ages))))
        if portfolio.get("advice"):
            blocks.append(Paragraph(tr("The margin mode advice has changed:")))
            blocks.extend(brief_blocks(tr, brief_from_payload(portfolio["advice"])))
    return Reply(tuple(blocks), private_only=True)


def _digest_row(tr: Translator, row: Mapping[str, Any]) -> tuple[str, str, str, str, str]:
    long = row["side"] == Side.LONG.value
    liquidation = _dec(row, "liquidation")
    distance, ratio = _dec(row, "distance"), _dec(row, "ratio")
    return (
        f"#{row['position']} {row['symbol']} {side_name(tr, Side(row['side']))}",
        tr.price(Decimal(row["mark"])),
        "—" if liquidation is None else tr.price(liquidation, toward_danger_of_long=long),
        "—" if distance is None else tr.percent(distance, 1),
        "—" if ratio is None else tr.percent(ratio, 1),
    )


def _weekly(tr: Translator, p: Mapping[str, Any]) -> Reply:
    blocks: list[Block] = [Title(tr("Weekly review"))]
    for portfolio in p["portfolios"]:
        blocks.append(Paragraph(tr("Portfolio “{name}”", name=portfolio["name"])))
        best = portfolio.get("closest")
        if best is None:
            line = tr("No distance to liquidation was recorded this week.")
        else:
            line = tr(
                "Closest call this week: #{n} {symbol} came within {distance} of its "
                "liquidation price on {day}.",
                n=best["position"],
                symbol=best["symbol"],
                distance=tr.percent(Decimal(best["distance"]), 1),
                day=from_text(str(best["at"])).strftime("%Y-%m-%d"),
            )
        blocks.append(Paragraph(line))
        if portfolio.get("advice"):
            blocks.extend(brief_blocks(tr, brief_from_payload(portfolio["advice"])))
    return Reply(tuple(blocks), private_only=True)
