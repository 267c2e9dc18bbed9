"""The Mini App's calculator: one position, never stored, isolated and cross side by side.

The form's fields become the chat's `/calc` intent, converted to the exchange's contract
by the chat's `in_contracts`, and are evaluated by `engine.margin.evaluate` twice (all
isolated, all cross, as `/calc` does); every figure is formatted by the user's
`Translator`, so the page shows what the chat shows, digit for digit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from bot.commands.context import Context
from bot.commands.contracts import in_contracts
from bot.i18n import Translator
from bot.parsing.intents import Calc
from bot.views.tables import fallback_note, liquidation_text, mode_name, side_name
from engine.margin import PositionResult, Status
from engine.models import Exchange, MarginMode, Portfolio, Position, Side
from engine.scenarios import as_mode
from engine.symbols import canonical_symbol

__all__ = ["EXCHANGES", "FormError", "calculate"]

EXCHANGES = (Exchange.BINANCE, Exchange.BYBIT, Exchange.OKX)  # custom needs the user's rates
_FIELDS = ("entry", "leverage", "size", "margin", "balance", "target")  # the form's numbers


class FormError(Exception):
    """A field the calculator cannot read: `field` names it, `message` says why, translated."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class _Form:
    exchange: Exchange
    intent: Calc
    margin: Decimal | None
    target: Decimal | None


def calculate(ctx: Context, data: Mapping[str, Any]) -> dict[str, Any]:
    """The figures for the form `data`, as the page shows them (and each raw, for tests)."""
    form = _read(ctx.tr, data)
    ctx = _on_exchange(ctx, form.exchange)
    intent = in_contracts(ctx, form.intent)
    leverage = intent.leverage or ctx.user.default_leverage
    # a size as typed, else the size the margin buys at this leverage (notional / entry)
    qty = intent.qty or (form.margin or Decimal(0)) * leverage / intent.price
    position = Position(
        id="1",
        symbol=intent.symbol,
        side=intent.side,
        qty=qty,
        entry_price=intent.price,
        leverage=leverage,
    )
    margin = qty * intent.price / leverage
    wallet = max(intent.balance if intent.balance is not None else margin, margin)
    base = Portfolio(
        exchange=form.exchange,
        wallet_balance=wallet,
        positions=(position,),
        custom=ctx.user.custom_rates,
    )
    modes = {mode: ctx.evaluate(as_mode(base, mode)).positions[0] for mode in MarginMode}
    at_target = _at_target(ctx, base, form.target)
    tr = ctx.tr
    return {
        "title": tr(
            "{side} {qty} {symbol} @ {price} ×{leverage}",
            side=side_name(tr, intent.side),
            qty=tr.quantity(qty),
            symbol=intent.symbol,
            price=tr.price(intent.price),
            leverage=tr.quantity(leverage),
        ),
        "modes": [mode_name(tr, mode) for mode in MarginMode],
        "rows": _rows(tr, modes, margin, wallet, at_target),
        "raw": {mode.value: _raw(result) for mode, result in modes.items()},
        "notes": [p.text for p in fallback_note(tr, (modes[MarginMode.ISOLATED],))],
    }


def _on_exchange(ctx: Context, exchange: Exchange) -> Context:
    """The context with the form's exchange, for symbol resolution and tier tables."""
    return replace(ctx, user=replace(ctx.user, exchange=exchange))


def _at_target(
    ctx: Context, base: Portfolio, target: Decimal | None
) -> dict[MarginMode, PositionResult] | None:
    if target is None:
        return None
    moved = base.model_copy(
        update={"positions": (base.positions[0].model_copy(update={"mark_price": target}),)}
    )
    return {mode: ctx.evaluate(as_mode(moved, mode)).positions[0] for mode in MarginMode}


def _rows(
    tr: Translator,
    modes: dict[MarginMode, PositionResult],
    margin: Decimal,
    wallet: Decimal,
    at_target: dict[MarginMode, PositionResult] | None,
) -> list[dict[str, Any]]:
    iso, cross = modes[MarginMode.ISOLATED], modes[MarginMode.CROSS]
    rows = [
        (
            "liquidation",
            tr("Liquidation price"),
            liquidation_text(tr, iso),
            liquidation_text(tr, cross),
        ),
        (
            "bankruptcy",
            tr("Bankruptcy price"),
            _price(tr, iso.bankruptcy_price),
            _price(tr, cross.bankruptcy_price),
        ),
        (
            "initial",
            tr("Initial margin"),
            tr.money(iso.initial_margin),
            tr.money(cross.initial_margin),
        ),
        (
            "maintenance",
            tr("Maintenance margin"),
            tr.money(iso.maintenance_margin),
            tr.money(cross.maintenance_margin),
        ),
        ("stake", tr("Margin at stake"), tr.money(margin), tr.money(wallet)),
        (
            "distance",
            tr("Distance to liquidation"),
            _percent(tr, iso.distance_to_liquidation),
            _percent(tr, cross.distance_to_liquidation),
        ),
    ]
    if at_target is not None:
        iso_t, cross_t = at_target[MarginMode.ISOLATED], at_target[MarginMode.CROSS]
        rows.append(("pnl", tr("PnL at target"), _pnl(tr, iso_t), _pnl(tr, cross_t)))
        rows.append(("roe", tr("ROE at target"), _roe(tr, iso_t), _roe(tr, cross_t)))
    return [{"key": k, "label": label, "values": [i, c]} for k, label, i, c in rows]


def _price(tr: Translator, price: Decimal | None) -> str:
    return tr("none") if price is None or price <= 0 else tr.price(price)


def _percent(tr: Translator, fraction: Decimal | None) -> str:
    return "—" if fraction is None else tr.percent(fraction, 1)


def _pnl(tr: Translator, result: PositionResult) -> str:
    if result.status is Status.LIQUIDATED:
        return tr("liquidated")
    return tr.money(result.unrealized_pnl)


def _roe(tr: Translator, result: PositionResult) -> str:
    if result.status is Status.LIQUIDATED:
        return tr("liquidated")
    return tr.percent(result.roe, 1)


def _raw(result: PositionResult) -> dict[str, str | None]:
    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "liquidation_price": text(result.liquidation_price),
        "bankruptcy_price": text(result.bankruptcy_price),
        "initial_margin": text(result.initial_margin),
        "maintenance_margin": text(result.maintenance_margin),
        "status": result.status.value,
    }


def _read(tr: Translator, data: Mapping[str, Any]) -> _Form:
    """The form's fields, numbers read in the user's locale; every one positive."""
    try:
        exchange = Exchange(str(data.get("exchange", "binance")))
    except ValueError:
        raise FormError("exchange", tr("Choose an exchange.")) from None
    if exchange not in EXCHANGES:
        raise FormError("exchange", tr("Choose an exchange."))
    side = Side.SHORT if data.get("side") == "short" else Side.LONG
    symbol = canonical_symbol(str(data.get("symbol", "")))
    numbers = {name: _number(tr, data, name) for name in _FIELDS}
    if numbers["entry"] is None:
        raise FormError("entry", tr("Type a number above zero."))
    if numbers["size"] is None and numbers["margin"] is None:
        raise FormError("size", tr("Type a size or a margin."))
    intent = Calc(
        side=side,
        symbol=symbol,
        price=numbers["entry"],
        leverage=numbers["leverage"],
        qty=numbers["size"],
        balance=numbers["balance"],
    )
    return _Form(exchange, intent, numbers["margin"], numbers["target"])


def _number(tr: Translator, data: Mapping[str, Any], name: str) -> Decimal | None:
    raw = str(data.get(name) or "").strip()
    if not raw:
        return None
    value = tr.numbers.read(raw[:40])
    if value is None or not value.is_finite() or value <= 0:
        raise FormError(name, tr("Type a number above zero."))
    return value
