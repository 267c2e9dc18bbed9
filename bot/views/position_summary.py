"""What a reply that adds or changes a position says about it.

The figures a trader checks before trusting what was stored (margin, notional,
effective leverage, the liquidation price and its distance from the mark), and which
settings the defaults filled in, so a misreading shows at once. Any command that adds
to or changes a position (/long, /margin, /lev, /mode, /add, a partial /close) calls
`position_summary` on the engine's result.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from bot.i18n import N_, Translator
from bot.reply import Paragraph
from bot.views.tables import liquidation_text, mode_name
from engine.margin import PositionResult, Status
from engine.models import Position, Side

__all__ = [
    "defaults_note",
    "effective_leverage",
    "leverage_text",
    "past_price_text",
    "position_margin",
    "position_summary",
]

_TENTH = Decimal("0.1")


def position_margin(result: PositionResult) -> Decimal:
    """The margin the position holds: its isolated wallet, or in cross its initial margin."""
    if result.isolated_wallet is not None:
        return result.isolated_wallet
    return result.initial_margin


def effective_leverage(result: PositionResult) -> Decimal | None:
    """Notional at the mark over the margin held: what the exchange's risk really is,
    whatever leverage the position is set to. None when no margin backs it."""
    margin = position_margin(result)
    return result.notional / margin if margin > 0 else None


def leverage_text(tr: Translator, leverage: Decimal) -> str:
    """'60', '42.9': one decimal at most (half up), trailing zeros dropped."""
    rounded = leverage.quantize(_TENTH, rounding=ROUND_HALF_UP)
    return tr.quantity(rounded if rounded != rounded.to_integral_value() else rounded.quantize(1))


def position_summary(tr: Translator, result: PositionResult) -> list[Paragraph]:
    """Margin, notional, effective leverage; the liquidation price and its distance."""
    effective = effective_leverage(result)
    figures = tr(
        "Margin {margin} USDT · notional {notional} USDT · effective leverage {leverage}x",
        margin=tr.money(position_margin(result)),
        notional=tr.money(result.notional),
        leverage="—" if effective is None else leverage_text(tr, effective),
    )
    return [Paragraph(figures), Paragraph(_liquidation_line(tr, result))]


def past_price_text(tr: Translator, result: PositionResult) -> str:
    """The liquidation price the mark is already past, rounded toward danger."""
    price = result.liquidation_price
    if price is None:
        return tr("none")
    return tr.price(price, toward_danger_of_long=result.position.side is Side.LONG)


def _liquidation_line(tr: Translator, result: PositionResult) -> str:
    mark = tr.price(result.mark_price)
    if result.status is Status.LIQUIDATED and result.liquidation_price is not None:
        return tr(
            "Liquidation price: {price}: the mark {mark} is already past it.",
            price=past_price_text(tr, result),
            mark=mark,
        )
    price = liquidation_text(tr, result)
    if result.distance_to_liquidation is None:
        return tr("Liquidation price: {price}", price=price)
    return tr(
        "Liquidation price: {price}, {distance} from the mark {mark}",
        price=price,
        distance=tr.percent(result.distance_to_liquidation, 1),
        mark=mark,
    )


def defaults_note(
    tr: Translator, position: Position, *, leverage_typed: bool, mode_typed: bool
) -> list[Paragraph]:
    """Exactly what the defaults filled in: never a setting the trader typed."""
    leverage = tr.quantity(position.leverage)
    mode = mode_name(tr, position.margin_mode)
    if leverage_typed and mode_typed:
        return []
    if mode_typed:
        message = N_("Leverage {leverage}x from your defaults; change them with /defaults.")
    elif leverage_typed:
        message = N_("Mode {mode} from your defaults; change them with /defaults.")
    else:
        message = N_(
            "Leverage {leverage}x and mode {mode} from your defaults; change them with /defaults."
        )
    return [Paragraph(tr(message, leverage=leverage, mode=mode))]
