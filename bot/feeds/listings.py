"""Which contracts each exchange lists, as the bot knows them: the shipped tier tables
plus every symbol a live feed has priced (`engine.universe` resolves typed symbols
against it). A profile priced by another exchange's feed (`custom`) lists that
exchange's contracts too, since its marks carry that exchange's names.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from bot.feeds.book import PriceBook
from bot.feeds.venues import FEED_FOR
from engine.exchanges import profile
from engine.models import Exchange
from engine.tiers import TierBook
from engine.universe import SymbolUniverse

__all__ = ["Listings", "symbol_universe"]


class Listings:
    """The symbol universe, rebuilt only when a feed has priced a new symbol: building it
    reads every shipped table (~7 ms), which a /long should not pay each time."""

    def __init__(self, book: TierBook, prices: PriceBook) -> None:
        self.book = book
        self.prices = prices
        self._built: tuple[int, SymbolUniverse] | None = None

    def universe(self) -> SymbolUniverse:
        version = self.prices.listing_version
        if self._built is None or self._built[0] != version:
            self._built = (version, symbol_universe(self.book, self.prices))
        return self._built[1]


def symbol_universe(book: TierBook, prices: PriceBook) -> SymbolUniverse:
    """Every exchange's contracts: its tables, its feed's marks, and its stand-in's."""
    feeds = dict(FEED_FOR.items())
    listed: dict[Exchange, set[str]] = {}
    for exchange in Exchange:
        symbols = set(book.symbols(exchange))
        feed = feeds.get(exchange)
        if feed is not None:
            symbols |= prices.priced(feed)
            if feed is not exchange:
                symbols |= set(book.symbols(feed))
        listed[exchange] = symbols
    return SymbolUniverse(listed, contract_values(book))


def contract_values(book: TierBook) -> dict[tuple[Exchange, str], Decimal]:
    """The coins one contract counts, from the tier files of exchanges that size in
    contracts (OKX's ctVal, saved with each symbol's table)."""
    values: dict[tuple[Exchange, str], Decimal] = {}
    for exchange, entries in book.entries.items():
        if profile(exchange).tier_basis != "contracts":
            continue
        for symbol, raw in entries.items():
            try:
                value = Decimal(str(raw.entry.get("contract_value", "")))
            except InvalidOperation:
                continue
            if value.is_finite() and value > 0:
                values[exchange, symbol] = value
    return values
