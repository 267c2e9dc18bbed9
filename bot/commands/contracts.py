"""The exchange's contract for the symbol a trader typed (`engine.universe`): the intent
in the contract's units, the note that says what was converted, and the question asked
about a symbol no list knows (nothing is stored until 'listed' confirms it)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from bot.commands.context import Context
from bot.i18n import Translator
from bot.parsing.intents import Calc, OpenPosition
from bot.reply import CALLBACK_LIMIT, Button, Paragraph, Reply
from bot.views.lines import plain
from engine.models import MarginMode, Position
from engine.scenarios import Shock, ShockKind
from engine.symbols import base_asset
from engine.universe import Resolution, UnknownSymbol

__all__ = [
    "contract_symbol",
    "conversion_note",
    "converted",
    "fits",
    "in_contracts",
    "intent_line",
    "priced_in_contracts",
    "resolve",
    "shocks_in_contracts",
    "unknown_symbol_reply",
]


def resolve(ctx: Context, symbol: str) -> Resolution | UnknownSymbol:
    """The exchange's contract for the symbol typed (`engine.universe`)."""
    return ctx.services.listings.universe().resolve(ctx.user.exchange, symbol)


def contract_symbol(ctx: Context, symbol: str) -> str:
    """The contract `symbol` means on the user's exchange ('PEPEUSDT' -> '1000PEPEUSDT'),
    or `symbol` itself when no list knows it."""
    found = resolve(ctx, symbol)
    return found.contract.symbol if isinstance(found, Resolution) else symbol


def in_contracts(ctx: Context, intent: Calc) -> Calc:
    """A /calc in the contract's units ('pepe 50000 @ 0.000012' -> 50 1000PEPEUSDT @ 0.012);
    a symbol no list knows is calculated as typed (a calculation stores nothing)."""
    found = resolve(ctx, intent.symbol)
    if not isinstance(found, Resolution):
        return intent
    return replace(
        intent,
        symbol=found.contract.symbol,
        qty=None if intent.qty is None else found.size(intent.qty),
        price=found.price(intent.price),
    )


def priced_in_contracts(
    ctx: Context, symbol: str, price: Decimal | None
) -> tuple[str, Decimal | None]:
    """A mark typed for `symbol`, as the contract's symbol and its price per contract."""
    found = resolve(ctx, symbol)
    if not isinstance(found, Resolution):
        return symbol, price
    return found.contract.symbol, None if price is None else found.price(price)


def shocks_in_contracts(ctx: Context, shocks: tuple[Shock, ...]) -> tuple[Shock, ...]:
    """/whatif moves on the contracts they name: 'pepe 0.00001' is 0.01 on 1000PEPEUSDT
    (a percentage stays what it is)."""
    moved = []
    for shock in shocks:
        found = None if shock.symbol is None else resolve(ctx, shock.symbol)
        if not isinstance(found, Resolution):
            moved.append(shock)
            continue
        value = shock.value if shock.kind is ShockKind.PERCENT else found.price(shock.value)
        moved.append(Shock(found.contract.symbol, shock.kind, value))
    return tuple(moved)


def converted(intent: OpenPosition, found: Resolution) -> OpenPosition:
    """The intent in the contract's units: size typed / ratio, price typed x ratio."""
    return replace(
        intent,
        symbol=found.contract.symbol,
        qty=None if intent.qty is None else found.size(intent.qty),
        price=None if intent.price is None else found.price(intent.price),
    )


def conversion_note(
    tr: Translator, typed: OpenPosition, found: Resolution, position: Position, native: str
) -> list[Paragraph]:
    """Echo the rule: '1000PEPEUSDT: 50 contracts = 50,000 PEPE', and the price per contract."""
    if not found.converts:
        return []
    contract, coin = found.contract, found.contract.coin
    coins = tr.quantity(position.qty * contract.unit)
    if contract.unit > 1:
        count = position.qty
        size = tr.plural(
            "{symbol}: {contracts} contract = {coins} {coin}",
            "{symbol}: {contracts} contracts = {coins} {coin}",
            _plural_n(count),
            symbol=contract.symbol,
            contracts=tr.quantity(count),
            coins=coins,
            coin=coin,
        )
    else:
        size = tr(
            "{symbol} is sized in {coin}: {typed} × {unit} = {coins} {coin}",
            symbol=contract.symbol,
            coin=coin,
            typed=tr.quantity(typed.qty or position.qty * found.ratio),  # size() is typed / ratio
            unit=base_asset(found.typed.symbol),
            coins=coins,
        )
    notes = [Paragraph(size)]
    if contract.value is not None:
        notes.append(
            Paragraph(
                tr.plural(
                    "{native}: 1 contract = {value} {coin}; this size is {count} contract.",
                    "{native}: 1 contract = {value} {coin}; this size is {count} contracts.",
                    _plural_n(position.qty / contract.value),
                    native=native,
                    value=tr.quantity(contract.value),
                    coin=coin,
                    count=tr.quantity(position.qty / contract.value),
                )
            )
        )
    if typed.price is not None:
        notes.append(
            Paragraph(
                tr(
                    "Price {typed} per {typed_unit} = {price} per {unit}.",
                    typed=tr.quantity(typed.price),
                    typed_unit=base_asset(found.typed.symbol),
                    price=tr.quantity(position.entry_price),
                    unit=base_asset(contract.symbol),
                )
            )
        )
    return notes


def _line(intent: OpenPosition, symbol: str, *, listed: bool) -> str:
    """The command line that stands for `intent` with `symbol`, for a button; the checks
    of what it stores are still to come, so it carries no 'confirm'."""
    return intent_line(replace(intent, symbol=symbol, listed=listed, confirmed=False))


def intent_line(intent: OpenPosition) -> str:
    """The command line that stands for `intent` (its 'listed' and 'confirm' words too),
    written so it reads back the same in every locale: a button's action."""
    words = [f"/{intent.side.value}", intent.symbol.lower()]
    if intent.qty is not None:
        words.append(_plain(intent.qty))
    if intent.notional is not None:
        words.append("$" + _plain(intent.notional))
    if intent.price is not None:
        words += ["@", _plain(intent.price)]
    if intent.leverage is not None:
        words.append(_plain(intent.leverage) + "x")
    if intent.margin_mode is not None:
        words.append("iso" if intent.margin_mode is MarginMode.ISOLATED else "cross")
    if intent.margin is not None:
        words += ["margin", _plain(intent.margin)]
    if intent.listed:
        words.append("listed")
    if intent.confirmed:
        words.append("confirm")
    return " ".join(words)


def _plain(value: Decimal) -> str:
    return plain(value.normalize())


def fits(line: str) -> bool:
    """A line short enough to ride on a button (Telegram's callback data)."""
    return len(line.encode()) <= CALLBACK_LIMIT


def unknown_symbol_reply(ctx: Context, intent: OpenPosition, unknown: UnknownSymbol) -> Reply:
    """Nothing is stored: suggest the nearest coins; 'Yes, it is listed' stores it as typed."""
    tr, exchange = ctx.tr, ctx.user.exchange.value
    blocks = [
        Paragraph(
            tr(
                "{symbol} is not a contract IsoCross knows on {exchange}.",
                symbol=intent.symbol,
                exchange=exchange,
            )
        )
    ]
    if unknown.suggestions:
        blocks.append(
            Paragraph(tr("Did you mean {symbols}?", symbols=", ".join(unknown.suggestions)))
        )
    lines = {coin: _line(intent, coin, listed=False) for coin in unknown.suggestions}
    buttons = [tuple(Button(coin, line) for coin, line in lines.items() if fits(line))]
    confirm = _line(intent, intent.symbol, listed=True)
    if fits(confirm):
        blocks.append(
            Paragraph(
                tr(
                    "If it is a real contract on {exchange}, confirm it: "
                    "the position then uses the exchange's generic tier table, "
                    "and no live mark until the feed prices it.",
                    exchange=exchange,
                )
            )
        )
        buttons.append(
            (Button(tr("Yes, it is listed"), confirm), Button(tr("Cancel"), "/positions"))
        )
    else:
        blocks.append(
            Paragraph(
                tr(
                    "If it is a real contract on {exchange}, send the command again with the word "
                    "“listed”: the position then uses the exchange's generic tier table.",
                    exchange=exchange,
                )
            )
        )
    return Reply(tuple(blocks), buttons=tuple(row for row in buttons if row), private_only=True)


def _plural_n(count: Decimal) -> int:
    """The number a plural form is chosen by: a whole count itself, a fraction as 'many'
    (CLDR: 1.5 contracts, 0,5 контракта take the form of 2 in en and ru)."""
    return int(count) if count == count.to_integral_value() else 2
