"""The checks a new position passes before it is stored, and the question asked when it
does not: a size the wallet cannot carry, an entry far from the mark, a position past
its liquidation price the moment it opens, a margin whose leverage is not the one stated.

`concerns` is pure (an engine result in, the list of concerns out); `question` is the
reply that lists them all at once. Nothing is stored until a line with the word
'confirm' comes back (a button, or a plain "yes" running `Reply.confirm`); that line
skips these checks, never the engine's own refusals.

A wallet of 0 is a balance not set yet, not an empty account: no size is checked
against it and a cross position's "past liquidation" (no balance, no margin) is not
asked about; the reply asks for the balance instead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from bot.commands.contracts import fits, intent_line
from bot.i18n import N_, Translator
from bot.parsing.intents import OpenPosition
from bot.reply import Block, Button, Paragraph, Reply, Title
from bot.views.position_summary import leverage_text, past_price_text, position_margin
from engine.margin import PositionResult, Status

__all__ = [
    "FAR_FROM_MARK",
    "LEVERAGE_TOLERANCE",
    "Concern",
    "FarFromMark",
    "LeverageMismatch",
    "Oversized",
    "PastLiquidation",
    "concerns",
    "question",
]

FAR_FROM_MARK = Decimal("0.5")  # an entry more than 50% from the mark is asked about
LEVERAGE_TOLERANCE = Decimal("0.01")  # margin's leverage within 1% of the stated: the same


@dataclass(frozen=True, slots=True)
class Oversized:
    """The position's margin is more than the whole wallet."""

    margin: Decimal
    wallet: Decimal


@dataclass(frozen=True, slots=True)
class FarFromMark:
    entry: Decimal
    mark: Decimal


@dataclass(frozen=True, slots=True)
class PastLiquidation:
    """At the current mark the position would be liquidated the moment it opens."""

    result: PositionResult


@dataclass(frozen=True, slots=True)
class LeverageMismatch:
    """`margin N` on the entry notional is another leverage than the one stated."""

    margin: Decimal
    notional: Decimal
    effective: Decimal
    stated: Decimal


Concern = Oversized | FarFromMark | PastLiquidation | LeverageMismatch


def concerns(result: PositionResult, wallet: Decimal) -> list[Concern]:
    """What to ask about before storing the position `result` was computed for."""
    position = result.position
    found: list[Concern] = []
    margin = position_margin(result)
    if wallet > 0 and margin > wallet:
        found.append(Oversized(margin, wallet))
    mark, entry = result.mark_price, position.entry_price
    if abs(entry - mark) > FAR_FROM_MARK * mark:
        found.append(FarFromMark(entry, mark))
    if result.status is Status.LIQUIDATED and (wallet > 0 or not position.is_cross):
        found.append(PastLiquidation(result))
    if position.isolated_margin is not None:
        notional = position.qty * entry
        effective = notional / position.isolated_margin
        if abs(effective - position.leverage) > LEVERAGE_TOLERANCE * position.leverage:
            found.append(
                LeverageMismatch(position.isolated_margin, notional, effective, position.leverage)
            )
    return found


def question(
    tr: Translator,
    typed: OpenPosition,
    title: str,
    about: list[Block],
    found: list[Concern],
) -> Reply:
    """One question listing every concern, under `title` and the figures `about` shows;
    buttons: confirm, the other reading of the size where there is one, cancel."""
    confirm = intent_line(replace(typed, confirmed=True))
    blocks: list[Block] = [
        Title(tr("Not stored yet: {line}", line=title)),
        *about,
        *(Paragraph("• " + _concern_text(tr, typed, c)) for c in found),
        Paragraph(
            tr("To store it as typed, confirm; or send the line again with the word “confirm”.")
        ),
    ]
    row = [Button(tr("Confirm"), confirm)] if fits(confirm) else []
    alternative = _notional_reading(typed) if any(isinstance(c, Oversized) for c in found) else None
    if alternative is not None and fits(alternative) and typed.qty is not None:
        row.append(Button(tr("${amount} notional", amount=tr.quantity(typed.qty)), alternative))
    row.append(Button(tr("Cancel"), "/positions"))
    return Reply(tuple(blocks), buttons=(tuple(row),), private_only=True, confirm=confirm)


def _notional_reading(typed: OpenPosition) -> str | None:
    """The line with the size typed read as USDT of notional ('300' -> '$300')."""
    if typed.qty is None:
        return None
    return intent_line(replace(typed, qty=None, notional=typed.qty, confirmed=False))


def _concern_text(tr: Translator, typed: OpenPosition, concern: Concern) -> str:
    if isinstance(concern, Oversized):
        text = tr(
            "This needs {margin} USDT of margin; your balance is {wallet} USDT.",
            margin=tr.money(concern.margin),
            wallet=tr.money(concern.wallet),
        )
        if typed.qty is None:
            return text
        meant = tr("Did you mean ${amount} of notional?", amount=tr.quantity(typed.qty))
        return f"{text} {meant}"
    if isinstance(concern, FarFromMark):
        message = (
            N_("The entry price {entry} is {distance} below the mark {mark}.")
            if concern.entry < concern.mark
            else N_("The entry price {entry} is {distance} above the mark {mark}.")
        )
        distance = abs(concern.entry - concern.mark) / concern.mark
        return tr(
            message,
            entry=tr.price(concern.entry),
            distance=tr.percent(distance, 1),
            mark=tr.price(concern.mark),
        )
    if isinstance(concern, PastLiquidation):
        return _past_text(tr, concern.result)
    return _mismatch_text(tr, typed, concern)


def _past_text(tr: Translator, result: PositionResult) -> str:
    mark = tr.price(result.mark_price)
    if result.liquidation_price is None:
        return tr("At the mark {mark} it would be liquidated the moment it opens.", mark=mark)
    return tr(
        "At the mark {mark} it is already past its liquidation price {price}: "
        "it would be liquidated the moment it opens.",
        mark=mark,
        price=past_price_text(tr, result),
    )


def _mismatch_text(tr: Translator, typed: OpenPosition, concern: LeverageMismatch) -> str:
    message = (
        N_(
            "Margin {margin} USDT on a {notional} USDT notional is {effective}x effective "
            "leverage, not the {stated}x you typed."
        )
        if typed.leverage is not None
        else N_(
            "Margin {margin} USDT on a {notional} USDT notional is {effective}x effective "
            "leverage, not the {stated}x of your defaults."
        )
    )
    return tr(
        message,
        margin=tr.money(concern.margin),
        notional=tr.money(concern.notional),
        effective=leverage_text(tr, concern.effective),
        stated=tr.quantity(concern.stated),
    )
