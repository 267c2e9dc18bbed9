"""What /whatif checks before it stresses anything: the symbols are held, and a bare
number is the move the user meant.

`/whatif btc -15` reads -15 as a move of 15 USDT, which on a 60,000 BTC is a rounding
error: the user more likely forgot the '%'. Below 1% of the price the bot asks instead
of answering a question nobody asked.
"""

from __future__ import annotations

from decimal import Decimal

from bot.commands.context import Context
from bot.commands.contracts import shocks_in_contracts
from bot.i18n import Translator
from bot.parsing.intents import WhatIf
from bot.reply import CALLBACK_LIMIT, Button, Paragraph, Reply, Title
from bot.views.lines import plain
from engine.models import Portfolio
from engine.scenarios import Shock, ShockKind
from engine.symbols import base_asset

__all__ = ["not_held", "not_held_reply", "unit_question"]

_SMALL = Decimal("0.01")  # a bare move below this share of the price asks


def not_held(ctx: Context, intent: WhatIf, portfolio: Portfolio) -> str | None:
    """The coin of the first symbol the line names that no position holds, else None."""
    named = [s for s in intent.shocks if s.symbol is not None]
    if intent.lone is not None:
        named.append(Shock(intent.lone, ShockKind.PERCENT, Decimal(0)))
    held = {p.symbol for p in portfolio.positions}
    for typed, moved in zip(named, shocks_in_contracts(ctx, tuple(named)), strict=True):
        if moved.symbol not in held and typed.symbol is not None:
            return base_asset(typed.symbol)
    return None


def not_held_reply(tr: Translator, coin: str) -> Reply:
    return Reply.error(
        tr(
            "You have no {coin} position, so there is nothing to move: see /positions.",
            coin=coin,
        )
    )


def unit_question(
    tr: Translator, intent: WhatIf, moved: tuple[Shock, ...], portfolio: Portfolio
) -> Reply | None:
    """'15 USDT or 15%?' for the first bare move below 1% of its symbol's price."""
    for index in intent.bare:
        shock = moved[index]
        prices = [
            p.mark for p in portfolio.positions if shock.symbol in (None, p.symbol) and p.mark
        ]
        if not prices or abs(shock.value) >= min(prices) * _SMALL:
            continue
        typed = intent.shocks[index]
        number = plain(abs(typed.value))
        sign = "-" if typed.value < 0 else "+"
        shown = tr.quantity(abs(typed.value))
        usdt = _line(intent, index, f"{sign}{number}usdt")
        pct = _line(intent, index, f"{sign}{number}%")
        buttons = [
            Button(label, line)
            for label, line in (
                (tr("{value} USDT", value=shown), usdt),
                (tr("{value}%", value=shown), pct),
            )
            if len(line.encode()) <= CALLBACK_LIMIT
        ]
        blocks = (
            Title(tr("{value} USDT or {value}%?", value=shown)),
            Paragraph(
                tr(
                    "A move of {value} USDT is less than 1% of the price ({price}). "
                    "Write {percent} for a percentage or {usdt} for USDT.",
                    value=shown,
                    price=tr.price(min(prices)),
                    percent=f"{sign}{number}%",
                    usdt=f"{sign}{number}usdt",
                )
            ),
        )
        return Reply(blocks, (tuple(buttons),) if buttons else (), private_only=True)
    return None


def _line(intent: WhatIf, index: int, word: str) -> str:
    """The /whatif line the user typed, with shock `index` written as `word` (another
    bare move stays bare: it gets its own question)."""
    words = ["/whatif"]
    for i, shock in enumerate(intent.shocks):
        words.append("all" if shock.symbol is None else base_asset(shock.symbol).lower())
        words.append(word if i == index else _written(shock, bare=i in intent.bare))
    return " ".join(words)


def _written(shock: Shock, *, bare: bool) -> str:
    value = plain(shock.value)
    if shock.kind is ShockKind.PERCENT:
        return ("+" if shock.value >= 0 else "") + value + "%"
    if shock.kind is ShockKind.DELTA:
        return ("+" if shock.value >= 0 else "") + value + ("" if bare else "usdt")
    return value
