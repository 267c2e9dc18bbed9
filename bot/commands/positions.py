"""Adding, changing and showing positions."""

from __future__ import annotations

import logging
from decimal import Decimal

from bot.commands.checks import concerns, question
from bot.commands.command import Feature, always
from bot.commands.context import Context, other_mode_prices
from bot.commands.contracts import (
    conversion_note,
    converted,
    resolve,
    unknown_symbol_reply,
)
from bot.commands.cross_margin import cross_margin_reply
from bot.commands.netting import existing_position
from bot.commands.stale import position_buttons, stamped
from bot.commands.watch import exchange_liquidations
from bot.feeds.book import MarkQuote
from bot.i18n import N_, Translator
from bot.parsing import ParseError, position, simple
from bot.parsing.intents import (
    AdjustMargin,
    OpenPosition,
    SetLeverage,
    SetMode,
    ShowPositions,
)
from bot.reply import Block, Button, Paragraph, Reply, Title
from bot.views.alert_levels import opening_level_note
from bot.views.position_summary import defaults_note, position_summary
from bot.views.tables import (
    fallback_note,
    mark_text,
    position_line,
    positions_table,
)
from engine.alerts import Thresholds
from engine.exchanges import profile
from engine.margin import PositionResult
from engine.models import MarginMode, Portfolio, Position
from engine.universe import Resolution, UnknownSymbol
from storage.portfolios import StoredPortfolio

__all__ = [
    "adjust_margin",
    "commands",
    "open_position",
    "set_leverage",
    "set_mode",
    "show",
]

_OPEN_SYNTAX = "SYMBOL SIZE [@ PRICE] [LEVx] [iso|cross] [margin AMOUNT]"
# said on an add while no balance is set (0): what the missing balance leaves unchecked
_NO_BALANCE = {
    MarginMode.CROSS: N_("Cross positions share the wallet: set it with /balance."),
    MarginMode.ISOLATED: N_(
        "No balance is set, so this size was not checked against it: set it with /balance."
    ),
}


def _entry(ctx: Context, intent: OpenPosition) -> tuple[Decimal, MarkQuote | None]:
    """The price typed, else the current mark (live, else manual) with where it came from."""
    if intent.price is not None:
        return intent.price, None
    quote = ctx.quote(intent.symbol)
    if quote is None:
        raise ParseError("no_mark", intent.side.value, symbol=intent.symbol)
    return quote.price, quote


def _new_position(ctx: Context, intent: OpenPosition, seq: int, price: Decimal) -> Position:
    leverage = intent.leverage or ctx.user.default_leverage
    mode = intent.margin_mode or ctx.user.default_margin_mode
    qty = intent.qty if intent.qty is not None else (intent.notional or Decimal(0)) / price
    if intent.margin is not None and mode is MarginMode.CROSS:
        raise ParseError("unexpected", intent.side.value, token="margin")
    return Position(
        id=str(seq),
        symbol=intent.symbol,
        side=intent.side,
        qty=qty,
        entry_price=price,
        leverage=leverage,
        margin_mode=mode,
        isolated_margin=intent.margin,
    )


log = logging.getLogger(__name__)
commands = Feature()


@commands.command("long", position.long, aliases=("buy",)).help(
    (f"/long {_OPEN_SYNTAX}", "/long BTC 0.5 @ 62000 x10 iso · /long eth $5000 at 3.1k 20x cross"),
    N_("Add a long position."),
)
@commands.command("short", position.short, aliases=("sell",)).help(
    (f"/short {_OPEN_SYNTAX}", "/short ETH 3 @ 3100 20x cross"), N_("Add a short position.")
)
async def open_position(ctx: Context, typed: OpenPosition) -> Reply:
    held = await existing_position(ctx, typed)  # a held symbol: average in, reduce or flip
    if held is not None:
        return held
    tr = ctx.tr
    found = resolve(ctx, typed.symbol)
    if isinstance(found, UnknownSymbol):
        if not typed.listed:
            return unknown_symbol_reply(ctx, typed, found)
        intent = typed
    else:
        intent = converted(typed, found)
    stored = await ctx.stored()
    price, quote = _entry(ctx, intent)
    seq = len(stored.positions) + 1
    position = _new_position(ctx, intent, seq, price)
    portfolio = ctx.portfolio(stored, (*stored.engine_positions, position))
    # the engine refuses leverage, hedge and margin problems first, confirmed or not
    result = ctx.evaluate(portfolio).positions[-1]
    about = _about(ctx, intent, result, quote)
    if isinstance(found, Resolution):
        native = profile(ctx.user.exchange).naming.native(position.symbol)
        about.extend(conversion_note(tr, typed, found, position, native))
    if not typed.confirmed and (found_concerns := concerns(result, stored.wallet_balance)):
        line = position_line(tr, str(seq), position)
        return question(tr, typed, line, about, found_concerns)
    seq = await ctx.services.portfolios.add_position(ctx.user.id, position)
    await ctx.changed()
    buttons = await _buttons_for(ctx, seq)
    blocks = [Title(tr("Added {line}", line=position_line(tr, str(seq), position))), *about]
    blocks.extend(await _opening_level(ctx, result))
    if stored.wallet_balance == 0:
        blocks.append(Paragraph(tr(_NO_BALANCE[position.margin_mode])))
    blocks.extend(fallback_note(tr, (result,)))
    return Reply(tuple(blocks), buttons=buttons, private_only=True)


async def _opening_level(ctx: Context, result: PositionResult) -> list[Block]:
    """The alert level the position opens at, said here: the watch arms it without an
    alert, since nothing happened but the trader's own command (issue 16)."""
    settings = await ctx.services.alerts.settings(ctx.user.id)
    if not settings.enabled:
        return []
    thresholds = Thresholds(
        settings.warn_ratio, settings.danger_ratio, settings.warn_distance, settings.danger_distance
    )
    note = opening_level_note(ctx.tr, result, thresholds, fixed_distance=settings.fixed_distance)
    return [] if note is None else [Paragraph(note)]


def _about(
    ctx: Context, intent: OpenPosition, result: PositionResult, quote: MarkQuote | None
) -> list[Block]:
    """The new position's figures, what the defaults filled in and where the entry came from."""
    tr = ctx.tr
    blocks: list[Block] = [*position_summary(tr, result)]
    blocks += defaults_note(
        tr,
        result.position,
        leverage_typed=intent.leverage is not None,
        mode_typed=intent.margin_mode is not None,
    )
    if quote is not None:
        blocks.append(
            Paragraph(tr("Entry at the current mark {mark}.", mark=mark_text(tr, quote, ctx.now)))
        )
    return blocks


async def _buttons_for(ctx: Context, seq: int) -> tuple[tuple[Button, ...], ...]:
    """The new position's buttons, bound to its stable key (`stale`): read back, since
    the key is stamped when it is stored. A failure here never fails the committed add."""
    try:
        after = await ctx.services.portfolios.active(ctx.user.id)
        return position_buttons(ctx.tr, after.id, after.positions[seq - 1])
    except Exception:
        log.exception("position buttons not built: user=%s", ctx.user.id)
        return ()


def _title(tr: Translator, stored: StoredPortfolio, currency: str) -> Title:
    """The portfolio's name, size and wallet, in its asset (a watched wallet's: USDC)."""
    n, name, wallet = len(stored.positions), stored.name, tr.money(stored.wallet_balance)
    if currency == "USDC":
        return Title(
            tr.plural(
                "Portfolio “{name}”: {n} position, wallet {wallet} USDC",
                "Portfolio “{name}”: {n} positions, wallet {wallet} USDC",
                n,
                name=name,
                wallet=wallet,
            )
        )
    return Title(
        tr.plural(
            "Portfolio “{name}”: {n} position, wallet {wallet} USDT",
            "Portfolio “{name}”: {n} positions, wallet {wallet} USDT",
            n,
            name=name,
            wallet=wallet,
        )
    )


@commands.command(
    "positions", simple.positions, aliases=("pos", "p", "list"), reads_only=always
).help(("/positions", "/positions"), N_("Every position with its liquidation price in both modes."))
async def show(ctx: Context, _: ShowPositions) -> Reply:
    tr = ctx.tr
    stored = await ctx.stored()
    if not stored.positions:
        return Reply.of(tr("No positions yet. Add one: /long BTC 0.5 @ 62000 x10 iso"))
    portfolio = ctx.portfolio(stored)
    result = ctx.evaluate(portfolio)
    lines = [Paragraph(position_line(tr, s.position.id, s.position)) for s in stored.positions]
    blocks: list[Block] = [
        _title(tr, stored, ctx.currency),
        *lines,
        positions_table(tr, result.positions, other_mode_prices(ctx, portfolio)),
        *ctx.funding_note(portfolio),
        *await exchange_liquidations(ctx, stored, result.positions),
        *ctx.sources_note(portfolio.positions),
    ]
    return Reply(tuple(blocks), private_only=True)


def _find(stored: StoredPortfolio, seq: int | None, symbols: tuple[str, ...], command: str) -> int:
    for item in stored.positions:
        if item.seq == seq or item.position.symbol in symbols:
            return item.seq
    typed = symbols[-1] if symbols else str(seq)
    raise ParseError("bad_position_number", command, token=typed)


async def _replace(
    ctx: Context, stored: StoredPortfolio, seq: int, position: Position
) -> Portfolio:
    positions = tuple(position if s.seq == seq else s.position for s in stored.positions)
    portfolio = ctx.portfolio(stored, positions)
    ctx.evaluate(portfolio)
    await ctx.services.portfolios.replace_position(ctx.user.id, seq, position, based_on=stored)
    await ctx.changed()
    return portfolio


@commands.command("margin", simple.margin, aliases=("addmargin",)).help(
    ("/margin N +AMOUNT|-AMOUNT|-funding PAID", "/margin 1 +200 · /margin 1 -funding 12.5"),
    N_(
        "Add margin to an isolated position, or take some out; -funding sets the funding "
        "it has paid since opening, which comes out of its margin."
    ),
)
async def adjust_margin(ctx: Context, intent: AdjustMargin) -> Reply:
    stored = await ctx.stored()
    seq = _find(stored, intent.seq, (), "margin")
    position = stored.positions[seq - 1].position
    if position.margin_mode is MarginMode.CROSS:
        switch = stamped(stored.id, stored.positions[seq - 1], f"/mode {seq} iso")
        return cross_margin_reply(ctx.tr, seq, intent.delta, stored.wallet_balance, switch)
    if intent.funding_paid is not None:
        return await _set_funding(ctx, stored, seq, position, intent.funding_paid)
    changed = position.model_copy(update={"extra_margin": position.extra_margin + intent.delta})
    portfolio = await _replace(ctx, stored, seq, changed)
    tr = ctx.tr
    message = (
        N_("Margin added: {amount} USDT; this position's extra margin is now {total} USDT.")
        if intent.delta > 0
        else N_("Margin removed: {amount} USDT; this position's extra margin is now {total} USDT.")
    )
    echo = tr(message, amount=tr.money(abs(intent.delta)), total=tr.money(changed.extra_margin))
    return await _changed_reply(ctx, portfolio, seq, echo)


async def _set_funding(
    ctx: Context, stored: StoredPortfolio, seq: int, position: Position, paid: Decimal
) -> Reply:
    """Funding paid out of the position's margin since opening (received: negative)."""
    changed = position.model_copy(update={"funding_paid": paid})
    portfolio = await _replace(ctx, stored, seq, changed)
    tr = ctx.tr
    message = (
        N_("Funding paid since opening: {amount} USDT, out of this position's margin.")
        if paid >= 0
        else N_("Funding received since opening: {amount} USDT, added to this position's margin.")
    )
    return await _changed_reply(ctx, portfolio, seq, tr(message, amount=tr.money(abs(paid))))


@commands.command("lev", simple.lev, aliases=("leverage",)).help(
    ("/lev N LEVERAGE", "/lev 1 20"), N_("Change a position's leverage.")
)
async def set_leverage(ctx: Context, intent: SetLeverage) -> Reply:
    stored = await ctx.stored()
    seq = _find(stored, intent.seq, (), "lev")
    position = stored.positions[seq - 1].position
    portfolio = await _replace(
        ctx, stored, seq, position.model_copy(update={"leverage": intent.leverage})
    )
    return await _changed_reply(ctx, portfolio, seq)


@commands.command("mode", simple.mode).help(
    ("/mode N|all cross|isolated", "/mode 2 cross · /mode all iso"),
    N_("Switch a position, or all of them, between cross and isolated."),
)
async def set_mode(ctx: Context, intent: SetMode) -> Reply:
    stored = await ctx.stored()
    if intent.seq is None:
        positions = tuple(
            s.position.model_copy(update={"margin_mode": intent.mode}) for s in stored.positions
        )
        ctx.evaluate(ctx.portfolio(stored, positions))
        await ctx.services.portfolios.set_mode_all(ctx.user.id, intent.mode)
        await ctx.changed()
        return await show(ctx, ShowPositions())
    seq = _find(stored, intent.seq, (), "mode")
    position = stored.positions[seq - 1].position
    changed = position.model_copy(
        update={
            "margin_mode": intent.mode,
            "extra_margin": Decimal(0),
            "isolated_margin": None,
            "funding_paid": Decimal(0),  # a new isolated margin has paid nothing yet
        }
    )
    portfolio = await _replace(ctx, stored, seq, changed)
    return await _changed_reply(ctx, portfolio, seq)


async def _changed_reply(ctx: Context, portfolio: Portfolio, seq: int, echo: str = "") -> Reply:
    """The changed position and its figures (`position_summary`); `echo` says what was
    stored, when the position line does not show it (margin)."""
    tr = ctx.tr
    result = ctx.evaluate(portfolio).positions[seq - 1]
    return Reply(
        (
            Title(tr("Changed {line}", line=position_line(tr, str(seq), result.position))),
            *((Paragraph(echo),) if echo else ()),
            *position_summary(tr, result),
        ),
        private_only=True,
    )
