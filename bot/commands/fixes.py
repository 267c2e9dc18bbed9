"""/fix: what an alert's fix button would change, shown before anything changes.

An alert's fix button (a `below` button) opens this preview as a new message,
the alert keeping its text: the new liquidation price and the margin it uses, with Confirm (the
command that makes the change, also what a plain "yes" runs) and Cancel. It
reads and never writes, so a refused preview leaves everything as it was.
"""

from __future__ import annotations

from decimal import Decimal

from bot.commands.command import Feature, Menu
from bot.commands.context import Context
from bot.i18n import N_, Translator
from bot.parsing import fixes as grammar
from bot.parsing.intents import PreviewFix
from bot.reply import Button, Paragraph, Reply, Title
from bot.views.lines import plain
from bot.views.tables import side_name
from engine.errors import InvalidInput
from engine.margin import PositionResult
from engine.models import Portfolio
from engine.remedies import with_margin
from engine.triggers import CROSS_KEY, closest, subjects_of
from storage.errors import NotFound

__all__ = ["commands", "fix"]

commands = Feature()
_CANCEL = "/fix cancel"


def _liquidation(tr: Translator, result: PositionResult) -> str:
    price = result.liquidation_price
    return "—" if price is None else tr.liquidation(price, result.mark_price)


def _distance(tr: Translator, result: PositionResult) -> str:
    distance = result.distance_to_liquidation
    return "—" if distance is None else tr.percent(abs(distance), 1)


def _move(tr: Translator, before: PositionResult, after: PositionResult) -> str:
    return tr(
        "Liquidation price: {before} → {after} ({distance} from the mark)",
        before=_liquidation(tr, before),
        after=_liquidation(tr, after),
        distance=_distance(tr, after),
    )


def _preview(tr: Translator, title: str, lines: list[str], confirm: str) -> Reply:
    buttons = ((Button(tr("Confirm"), confirm), Button(tr("Cancel"), _CANCEL)),)
    return Reply(
        (Title(title), Paragraph("\n".join(lines))),
        buttons=buttons,
        private_only=True,
        confirm=confirm,
    )


@commands.command("fix", grammar.fix, menu=Menu(private=False)).help(
    ("/fix N margin AMOUNT|deposit AMOUNT|cancel", "/fix 1 margin 150 · /fix deposit 500"),
    N_("Preview an alert's fix: the new liquidation price and the margin it uses, to confirm."),
)
async def fix(ctx: Context, intent: PreviewFix) -> Reply:
    tr = ctx.tr
    if intent.action == "cancel":
        return Reply((Paragraph(tr("Nothing changed.")),), private_only=True)
    portfolio = await ctx.held()
    if portfolio is None or intent.amount is None:
        raise NotFound(what="position", seq=intent.seq or 1)
    if intent.action == "deposit":
        return _deposit(ctx, portfolio, intent.amount)
    return _margin(ctx, portfolio, intent.seq or 0, intent.amount)


def _margin(ctx: Context, portfolio: Portfolio, seq: int, amount: Decimal) -> Reply:
    """Isolated margin comes out of the free balance: never more than it holds."""
    tr, position_id = ctx.tr, str(seq)
    evaluation = ctx.evaluate(portfolio)
    try:
        before = evaluation.by_id(position_id)
    except (KeyError, InvalidInput):
        raise NotFound(what="position", seq=seq) from None
    if before.position.is_cross:
        raise InvalidInput(field="margin", reason="cross_has_no_own_margin")
    free = evaluation.account.available_balance
    if amount > free:
        return Reply.error(
            tr(
                "That is more than your free balance of {free} USDT.",
                free=tr.money(free),
            )
        )
    after = with_margin(portfolio, ctx.services.book, position_id, amount)
    position = before.position
    title = tr(
        "Add {amount} USDT margin to #{n} {symbol} {side}?",
        amount=tr.money(amount),
        n=position_id,
        symbol=position.symbol,
        side=side_name(tr, position.side),
    )
    used = tr(
        "Margin used: {before} → {after} USDT; free balance {free} → {left} USDT",
        before=tr.money(before.isolated_wallet or Decimal(0)),
        after=tr.money(after.isolated_wallet or Decimal(0)),
        free=tr.money(free),
        left=tr.money(free - amount),
    )
    return _preview(tr, title, [_move(tr, before, after), used], f"/margin {seq} +{plain(amount)}")


def _deposit(ctx: Context, portfolio: Portfolio, amount: Decimal) -> Reply:
    """A deposit is new money in the wallet: it moves every cross liquidation price."""
    tr = ctx.tr
    cross = [s for s in subjects_of(portfolio) if s.key == CROSS_KEY]
    if not cross:
        return Reply.error(
            tr("No position is in cross mode: a deposit moves no liquidation price.")
        )
    evaluation = ctx.evaluate(portfolio)
    before = closest(evaluation, cross[0])
    after = with_margin(portfolio, ctx.services.book, before.position.id, amount)
    wallet = portfolio.wallet_balance
    title = tr("Deposit {amount} USDT into your cross account?", amount=tr.money(amount))
    lines = [
        tr(
            "#{n} {symbol} {side}, the nearest to liquidation:",
            n=before.position.id,
            symbol=before.position.symbol,
            side=side_name(tr, before.position.side),
        ),
        _move(tr, before, after),
        tr(
            "Wallet: {before} → {after} USDT",
            before=tr.money(wallet),
            after=tr.money(wallet + amount),
        ),
    ]
    return _preview(tr, title, lines, f"/balance {plain(wallet + amount)}")
