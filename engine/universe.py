"""Which contracts each exchange lists, and which one a typed symbol means.

The universe is data: the symbols of the shipped tier tables per exchange
(`TierBook.symbols`) plus, in the bot, the symbols each feed has priced. A
typed symbol ('pepe', '1000pepe', 'PEPE/USDT', 'PEPE-USDT-SWAP', already
canonical: `engine.symbols`) resolves to the exchange's contract:

1. the contract of that name, if the exchange lists it;
2. else the exchange's contract for the same coin ('PEPEUSDT' -> '1000PEPEUSDT'
   on Binance, '1000PEPEUSDT' -> 'PEPEUSDT' on OKX), the nearest multiplier first;
3. else, for a coin only other exchanges list, the contract an exchange spelling
   names the same way lists ('1000PEPEUSDT' for Bybit from Binance's list), or the
   bare coin; `listed` is False so the bot can say it is not in its lists;
4. else `UnknownSymbol`, with the nearest known coins to suggest.

Sizes and prices (`Resolution.size`, `Resolution.price`) follow one rule: a name
counts a *unit* of its coin (PEPE: 1, 1000PEPE: 1,000), and what the user typed
is read in the unit of the name they typed. So with '1000pepe' (or 1000PEPEUSDT)
on Binance the size is in contracts and the price per contract, unchanged; with
'pepe' the size is in PEPE and the price per PEPE, converted with
ratio = contract unit / typed unit (1,000): contracts = PEPE / 1,000, price per
contract = price per PEPE x 1,000. A size in USDT needs no conversion. Where an
exchange counts its own contracts in coins (OKX: ctVal, 10,000,000 PEPE for
PEPE-USDT-SWAP), `Contract.value` says how many, for the reply to state.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from engine.exchanges import SymbolNaming, profile
from engine.models import Exchange
from engine.symbols import QUOTE

__all__ = ["Contract", "Resolution", "SymbolUniverse", "UnknownSymbol"]

_TYPED = SymbolNaming()  # what users type: '1000PEPE' always counts 1,000 PEPE
# Names people type for a coin whose ticker they do not: suggested first.
_NAMES = {
    "BITCOIN": "BTC",
    "ETHER": "ETH",
    "ETHEREUM": "ETH",
    "SOLANA": "SOL",
    "RIPPLE": "XRP",
    "DOGECOIN": "DOGE",
    "CARDANO": "ADA",
    "LITECOIN": "LTC",
    "POLKADOT": "DOT",
    "CHAINLINK": "LINK",
    "AVALANCHE": "AVAX",
    "TRON": "TRX",
    "TONCOIN": "TON",
    "SHIBA": "SHIB",
}
_SUGGESTIONS = 3
_CUTOFF = 0.6


@dataclass(frozen=True, slots=True)
class Contract:
    """A market by its canonical key, and what one quoted unit of it counts."""

    symbol: str  # 'BTCUSDT', '1000PEPEUSDT'
    coin: str  # 'PEPE'
    unit: int  # coins per quoted unit: 1000 for 1000PEPEUSDT
    value: Decimal | None = None  # coins per exchange contract where sizes count them (OKX ctVal)


@dataclass(frozen=True, slots=True)
class Resolution:
    """What was typed, the contract it means, and how typed numbers convert."""

    typed: Contract
    contract: Contract
    listed: bool  # on this exchange's own tables or feed; False: only known elsewhere

    @property
    def ratio(self) -> Decimal:
        """Contract units per typed unit: 1000 for 'pepe' meaning 1000PEPEUSDT."""
        return Decimal(self.contract.unit) / Decimal(self.typed.unit)

    @property
    def converts(self) -> bool:
        return self.contract.unit != self.typed.unit

    def size(self, typed: Decimal) -> Decimal:
        """A size in typed units -> in contract units (50,000 PEPE -> 50 of 1000PEPE)."""
        return typed / self.ratio

    def price(self, typed: Decimal) -> Decimal:
        """A price per typed unit -> per contract unit (0.000012 -> 0.012)."""
        return typed * self.ratio


@dataclass(frozen=True, slots=True)
class UnknownSymbol:
    """No exchange lists the coin; `suggestions` are the nearest known coins."""

    symbol: str
    suggestions: tuple[str, ...]


class SymbolUniverse:
    """Every exchange's listed contracts, grouped by coin."""

    def __init__(
        self,
        listed: Mapping[Exchange, Iterable[str]],
        values: Mapping[tuple[Exchange, str], Decimal] | None = None,
    ) -> None:
        """`values`: the coins one contract counts where the exchange sizes in contracts
        (OKX's ctVal: 0.01 BTC, 10,000,000 PEPE), by (exchange, symbol)."""
        self._coins: dict[Exchange, dict[str, tuple[Contract, ...]]] = {}
        values = values or {}
        for exchange, symbols in listed.items():
            naming = profile(exchange).naming
            by_coin: dict[str, list[Contract]] = {}
            for symbol in set(symbols):
                coin, unit = naming.multiplier(symbol)
                value = values.get((exchange, symbol))
                by_coin.setdefault(coin, []).append(Contract(symbol, coin, unit, value))
            self._coins[exchange] = {c: tuple(sorted(v, key=_by_unit)) for c, v in by_coin.items()}

    def knows(self, exchange: Exchange, symbol: str) -> bool:
        """`symbol` is a contract the exchange itself lists."""
        coin, _ = profile(exchange).naming.multiplier(symbol)
        return any(c.symbol == symbol for c in self._coins.get(exchange, {}).get(coin, ()))

    def resolve(self, exchange: Exchange, symbol: str) -> Resolution | UnknownSymbol:
        """The contract `symbol` (canonical, as typed) means on `exchange` (rules above)."""
        coin, unit = _TYPED.multiplier(symbol)
        typed = Contract(symbol, coin, unit)
        own = self._coins.get(exchange, {}).get(coin, ())
        if own:
            exact = [c for c in own if c.symbol == symbol]
            return Resolution(typed, exact[0] if exact else _nearest(own, unit), listed=True)
        elsewhere = self._elsewhere(exchange, coin, unit)
        if elsewhere is None:
            return UnknownSymbol(symbol, self._suggest(exchange, coin))
        return Resolution(typed, elsewhere, listed=False)

    def _elsewhere(self, exchange: Exchange, coin: str, unit: int) -> Contract | None:
        """The contract for a coin only other exchanges list, spelt this exchange's way:
        a multiplied name only where this exchange uses them too."""
        others = [
            c for e, coins in self._coins.items() if e is not exchange for c in coins.get(coin, ())
        ]
        if not others:
            return None
        multiplied = profile(exchange).naming.multiplied_names
        alike = [c for c in others if multiplied and c.unit != 1]
        return _nearest(alike, unit) if alike else Contract(coin + QUOTE, coin, 1)

    def _suggest(self, exchange: Exchange, coin: str) -> tuple[str, ...]:
        own = self._coins.get(exchange, {})
        known = list(own) + sorted({c for coins in self._coins.values() for c in coins} - set(own))
        named = [_NAMES[coin]] if coin in _NAMES and _NAMES[coin] in known else []
        close = difflib.get_close_matches(coin, known, n=_SUGGESTIONS, cutoff=_CUTOFF)
        return tuple(dict.fromkeys([*named, *close]))[:_SUGGESTIONS]


def _by_unit(contract: Contract) -> tuple[int, str]:
    return contract.unit, contract.symbol


def _nearest(contracts: Iterable[Contract], unit: int) -> Contract:
    """The contract whose unit is nearest `unit` in powers of ten (the smaller on a tie)."""
    return min(contracts, key=lambda c: (abs(math.log10(c.unit / unit)), c.unit))
