"""Who is asking, in which language, about which portfolio."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from bot.feeds.book import MarkProblem, MarkQuote
from bot.feeds.venues import FEED_FOR
from bot.i18n import Translator
from bot.reply import Paragraph
from bot.services import Services
from bot.views.funding import funding_note
from bot.views.mark_problems import problems_note
from bot.views.tables import generic_tables_note, marks_note
from engine.errors import EngineError
from engine.exchanges import profile
from engine.margin import Evaluation, evaluate
from engine.models import Exchange, Portfolio, Position
from engine.other_mode import other_mode_liquidations
from storage.errors import Conflict
from storage.portfolios import StoredPortfolio
from storage.users import User

if TYPE_CHECKING:  # the registry's records name Context in their handlers' type
    from bot.commands.command import Registry

__all__ = ["Caller", "Context"]


@dataclass(frozen=True, slots=True)
class Caller:
    """The sender as a transport knows them."""

    user_id: int
    language_code: str | None = None
    private: bool = True


@dataclass(frozen=True)
class Context:
    services: Services
    caller: Caller
    user: User
    tr: Translator
    commands: Registry  # every command, for /help
    writes: bool = False  # the command may change the portfolio (not its `reads_only`)
    # whose marks price the replies: the user's exchange, or Hyperliquid once the active
    # portfolio read is a watched wallet's (set by `stored`, the one place that knows)
    _priced_by: Exchange | None = field(default=None, init=False, repr=False)

    async def stored(self) -> StoredPortfolio:
        """The active portfolio. A watched wallet's refuses every command that writes
        (`Conflict("watched_portfolio")`): the one place manual edits are refused."""
        stored = await self.services.portfolios.active(self.user.id)
        if stored.watched and self.writes:
            raise Conflict("watched_portfolio", name=stored.name)
        self._reading(stored)
        return stored

    async def shown(self) -> StoredPortfolio:
        """The active portfolio for a page that only shows it, whatever the command's
        `reads_only` says (a /price page is never re-run, but changes nothing)."""
        stored = await self.services.portfolios.active(self.user.id)
        self._reading(stored)
        return stored

    def _reading(self, stored: StoredPortfolio) -> None:
        """This command's marks and tables are those of `stored` from now on."""
        object.__setattr__(self, "_priced_by", stored.exchange_for(self.user))  # frozen

    @property
    def exchange(self) -> Exchange:
        """The rules and marks of the portfolio this command reads (see `stored`)."""
        return self._priced_by or self.user.exchange

    async def held(self) -> Portfolio | None:
        """The active portfolio as the engine sees it (see `portfolio`); None while it holds
        no position, which each command answers in its own words. Only commands that show
        ask for it (/compare, /whatif, /recommend, /chart), so a watched wallet's answers."""
        stored = await self.shown()
        return self.portfolio(stored) if stored.positions else None

    @cached_property
    def now(self) -> datetime:
        """One clock reading per command, so every age in a reply agrees."""
        return self.services.clock()

    def quote(self, symbol: str) -> MarkQuote | None:
        """The mark this user's positions in `symbol` are priced at (live, else manual; a
        watched wallet's: Hyperliquid's live mark, else the snapshot's)."""
        return self.services.marks.quote(self.user.id, self.exchange, symbol, self.now)

    def sources_note(self, positions: tuple[Position, ...]) -> list[Paragraph]:
        """Where a reply's figures come from: which symbols use a generic tier table
        instead of the exchange's, each mark's source and age, and why the user's feed
        gave no price of its own where it did not."""
        symbols = sorted({p.symbol for p in positions})
        generic = [s for s in symbols if self._generic_table(s)]
        return [
            *generic_tables_note(self.tr, generic),
            *marks_note(self.tr, {s: self.quote(s) for s in symbols}, self.now),
            *problems_note(self.tr, self._problems(symbols), self.now),
        ]

    def _problems(self, symbols: list[str]) -> dict[str, MarkProblem | None]:
        if self.user.exchange not in FEED_FOR:
            return {}
        feed, prices = FEED_FOR[self.user.exchange], self.services.prices
        return {s: prices.problem(feed, s, self.now) for s in symbols}

    def funding_note(self, portfolio: Portfolio) -> list[Paragraph]:
        """Each isolated position's funding at its feed's current rate, and its drift."""
        if self.exchange not in FEED_FOR:
            return []
        feed, prices = FEED_FOR[self.exchange], self.services.prices
        rates = {p.symbol: prices.funding(feed, p.symbol, self.now) for p in portfolio.positions}
        return funding_note(self.tr, portfolio, rates, self.services.book, self.currency)

    @property
    def currency(self) -> str:
        """The asset the portfolio's wallet is in: USDT, or USDC for a watched wallet."""
        return profile(self.exchange).settlement

    def _generic_table(self, symbol: str) -> bool:
        if self.exchange is Exchange.CUSTOM:  # the trader's own rates, no table
            return False
        try:
            return self.services.book.table(self.exchange, symbol).fallback
        except EngineError:
            return False

    async def changed(self) -> None:
        """After a write: let the alert watch look at this user's portfolios again."""
        await self.services.portfolio_changed(self.user.id)

    def _mark(self, symbol: str) -> Decimal | None:
        quote = self.quote(symbol)
        return None if quote is None else quote.price

    def portfolio(
        self,
        stored: StoredPortfolio,
        positions: tuple[Position, ...] | None = None,
        wallet: Decimal | None = None,
    ) -> Portfolio:
        """The engine's view of a stored portfolio (or of a change to it), validated,
        under this user's exchange settings, at the marks this user is priced at."""
        self._reading(stored)
        return stored.priced(self.user, self._mark, positions=positions, wallet=wallet)

    def evaluate(self, portfolio: Portfolio) -> Evaluation:
        return evaluate(portfolio, self.services.book)


def other_mode_prices(ctx: Context, portfolio: Portfolio) -> dict[str, Decimal | None]:
    """Each position's liquidation price were it alone switched to the other mode: the
    book is prepared and summed once (`engine.other_mode`), so linear in its size."""
    return other_mode_liquidations(portfolio, ctx.services.book)
