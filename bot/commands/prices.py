"""/price: the marks a user's positions are priced at, and manual marks for when no
feed answers."""

from __future__ import annotations

from bot.commands.command import Feature
from bot.commands.context import Context
from bot.commands.contracts import contract_symbol, priced_in_contracts
from bot.feeds.venues import FEED_FOR, FEEDS
from bot.i18n import N_
from bot.parsing import alerts as grammar
from bot.parsing.intents import SetPrice, ShowPrice
from bot.reply import Block, Paragraph, Reply, Table, Title
from bot.views.tables import age_text, mark_text
from engine.models import Exchange

__all__ = ["commands", "price"]


commands = Feature()


@commands.command("price", grammar.price, aliases=("mark", "prices")).help(
    ("/price [SYMBOL [PRICE|off]]", "/price BTC · /price BTC 61000 · /price BTC off"),
    N_(
        "The mark of a market on each exchange and its age; with a price, a manual mark "
        "used when no live price is fresh."
    ),
)
async def price(ctx: Context, intent: ShowPrice | SetPrice) -> Reply:
    if isinstance(intent, SetPrice):
        symbol, price = priced_in_contracts(ctx, intent.symbol, intent.price)
        return await _set(ctx, SetPrice(symbol, price))
    if intent.symbol is None:
        return await _portfolio_marks(ctx)
    return _symbol_marks(ctx, contract_symbol(ctx, intent.symbol))


async def _portfolio_marks(ctx: Context) -> Reply:
    stored = await ctx.shown()
    if not stored.positions:
        return Reply.of(ctx.tr("Which market? For example /price BTC"))
    return Reply(tuple(ctx.sources_note(stored.engine_positions)), private_only=True)


def _feed_row(ctx: Context, exchange: Exchange, symbol: str) -> tuple[str, str, str, str]:
    tr, prices = ctx.tr, ctx.services.prices
    latest = prices.latest(exchange, symbol)
    down = prices.outage(exchange, ctx.now)
    if down is not None:
        state = tr("feed down since {time} UTC", time=down.strftime("%H:%M"))
    elif latest is None:
        state = tr("no price")
    elif prices.own(exchange, symbol, ctx.now) is None:
        state = tr("too old to use")
    else:
        state = tr("live")
    shown = "—" if latest is None else tr.price(latest.price)
    age = "—" if latest is None else age_text(tr, latest.age(ctx.now))
    return (exchange.value, shown, age, state)


def _symbol_marks(ctx: Context, symbol: str) -> Reply:
    tr = ctx.tr
    rows = [_feed_row(ctx, exchange, symbol) for exchange in FEEDS]
    manual = ctx.services.marks.manual(ctx.user.id, symbol)
    if manual is not None:
        age = age_text(tr, manual.age(ctx.now))
        rows.append((tr("manual"), tr.price(manual.price), age, tr("set by you")))
    quote = ctx.quote(symbol)
    used = (
        tr(
            "Your positions ({exchange} rules) use {mark}.",
            exchange=ctx.user.exchange.value,
            mark=mark_text(tr, quote, ctx.now),
        )
        if quote is not None
        else tr(
            "No mark to use for {symbol}: positions fall back to their entry price.", symbol=symbol
        )
    )
    blocks: list[Block] = [
        Title(tr("{symbol} marks", symbol=symbol)),
        Table((tr("Source"), tr("Mark"), tr("Age"), tr("State")), tuple(rows)),
        Paragraph(used),
    ]
    if ctx.user.exchange is Exchange.CUSTOM:
        feed = FEED_FOR[Exchange.CUSTOM].value
        blocks.append(Paragraph(tr("The custom profile is priced by the {feed} feed.", feed=feed)))
    return Reply(tuple(blocks))


async def _set(ctx: Context, intent: SetPrice) -> Reply:
    tr, marks = ctx.tr, ctx.services.marks
    if intent.price is None:
        if await marks.clear_manual(ctx.user.id, intent.symbol):
            return Reply.of(tr("Manual mark for {symbol} removed.", symbol=intent.symbol))
        return Reply.of(tr("There was no manual mark for {symbol}.", symbol=intent.symbol))
    quote = await marks.set_manual(ctx.user.id, intent.symbol, intent.price, ctx.now)
    blocks = [
        Paragraph(
            tr(
                "Manual mark for {symbol}: {price}. It prices your positions whenever no live "
                "mark is fresh, and is marked manual wherever it is used; alerts only ever "
                "use live marks.",
                symbol=quote.symbol,
                price=tr.price(quote.price),
            )
        )
    ]
    live = marks.live(ctx.user.exchange, intent.symbol, ctx.now)
    if live is not None:
        blocks.append(
            Paragraph(
                tr(
                    "A live mark is flowing right now ({mark}); it wins while it stays fresh.",
                    mark=mark_text(tr, live, ctx.now),
                )
            )
        )
    return Reply(tuple(blocks))
