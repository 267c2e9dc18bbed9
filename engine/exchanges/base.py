"""What every exchange profile has, and the maintenance machinery the profiles share.

A profile is one rule set, as nautilus_trader's margin models are: a class whose
docstring states the exchange's maintenance formula and the page it comes from
(with the date that page was read), whose attributes say what differs between
exchanges (standard taker fee, tier basis, symbol spelling, where its tiers come
from), and whose few methods are the formula's exchange-specific terms. The
solver (`engine.solver`) and the tier tables (`engine.tiers`) are shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from engine.curves import Curve, FlatCurve, PriceTieredCurve, TierRates
from engine.errors import EngineError, LeverageTooHigh
from engine.exchanges.tier_format import TierSource
from engine.models import Exchange, Portfolio, Position, TierTable
from engine.numbers import ZERO
from engine.symbols import QUOTE, base_asset, canonical_symbol

__all__ = ["ExchangeProfile", "SymbolNaming", "TierBasis", "check_leverage"]

TierBasis = Literal["notional", "contracts"]
# A name that starts with a power of ten of at least 1,000 ("1000PEPE", "1000000MOG",
# Binance's "1MBABYDOGE") counts that many units of the coin per quoted unit.
_MULTIPLIED = re.compile(r"(10{3,}|1M)([^\W\d_][^\W_]*)")
_MILLION = 1_000_000


@dataclass(frozen=True, slots=True)
class SymbolNaming:
    """How an exchange spells a USDT perpetual: 'BTCUSDT', or 'BTC-USDT-SWAP' for OKX.

    IsoCross keys every market by its canonical spelling (`engine.symbols`); a feed
    or a tier file turns the exchange's names into it, and a request turns it back.
    """

    separator: str = ""  # between the coin and USDT
    suffix: str = ""  # after USDT
    multiplied_names: bool = True  # '1000PEPEUSDT' (Binance, Bybit); OKX says it in ctVal

    def native(self, symbol: str) -> str:
        """'BTCUSDT' -> this exchange's name of the same market."""
        return f"{base_asset(symbol)}{self.separator}{QUOTE}{self.suffix}"

    def canonical(self, native: str) -> str | None:
        """The canonical key of this exchange's USDT perpetual, None for any other market
        (a dated future 'BTCUSDT_260925', a USDC or coin-margined contract, an odd name)."""
        tail = self.separator + QUOTE + self.suffix
        if not re.fullmatch(r"[^\W_]+" + re.escape(tail), native):
            return None
        try:
            return canonical_symbol(native.removesuffix(self.suffix))
        except EngineError:
            return None

    def multiplier(self, symbol: str) -> tuple[str, int]:
        """The coin and how many of it one quoted unit is: '1000PEPEUSDT' -> ('PEPE', 1000)."""
        base = base_asset(symbol)
        found = _MULTIPLIED.fullmatch(base) if self.multiplied_names else None
        if found is None:
            return base, 1
        count = found.group(1)
        return found.group(2), _MILLION if count == "1M" else int(count)


class ExchangeProfile:
    """The exchange's choices; the defaults are Binance-like (no fee in maintenance,
    isolated wallet = entry notional / leverage + what was added by hand)."""

    exchange: Exchange
    title: str  # the product the rules are for, as the exchange names it
    source: str  # the page the formula is taken from
    source_date: str  # when that page was published or last updated, YYYY-MM-DD
    taker_fee: Decimal  # the standard (lowest-tier, non-VIP) taker fee
    tier_basis: TierBasis = "notional"  # what a tier's bounds count, as published
    naming: SymbolNaming = SymbolNaming()
    api_url: str | None = None  # the public REST root; None: no market of its own
    tier_source: TierSource | None = None  # how `engine tiers refresh` fetches its tiers
    reports_fee_to_close = False  # True: a fee to close is held in IM and MM (Bybit)
    tiers_with_marks = False  # True: tables come with the market data, none shipped (Hyperliquid)
    settlement = QUOTE  # the asset wallets and PnL are in (Hyperliquid: USDC)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.exchange.value}>"

    def fee_and_table(self, portfolio: Portfolio) -> tuple[Decimal, TierTable | None]:
        """The fee the formulas use, and the one table every position shares (None: each
        symbol's own table from the tier book)."""
        fee = self.taker_fee if portfolio.taker_fee is None else portfolio.taker_fee
        return fee, None

    def maintenance_rate_extra(self, fee: Decimal) -> Decimal:
        """What the exchange adds to the maintenance rate for the closing fee."""
        return ZERO

    def fee_to_close(self, position: Position, fee: Decimal) -> Decimal:
        """A fixed fee to close held in both initial and maintenance margin."""
        return ZERO

    def liquidation_fee(self, position: Position, price: Decimal, fee: Decimal) -> Decimal | None:
        """The fee the liquidation condition adds to the exchange's MM figure at `price`
        (it is part of `maintenance_rate_extra`); None: the exchange has no such fee."""
        return None

    def initial_margin(self, position: Position, fee: Decimal) -> Decimal:
        """The exchange's position initial margin: notional at the mark / leverage, plus
        the fee to close where one is held (Binance positionInitialMargin, OKX imr)."""
        return position.qty * position.mark / position.leverage + self.fee_to_close(position, fee)

    def extra_for_wallet(self, wallet: Decimal, sign: int, fee: Decimal) -> Decimal:
        """The margin to add by hand that grows the isolated wallet by `wallet`."""
        return wallet

    def added_margin(self, position: Position, fee: Decimal) -> Decimal:
        """What the margin the trader added counts for in the isolated wallet."""
        return position.extra_margin

    def curve(self, position: Position, table: TierTable, fee: Decimal) -> Curve:
        """The position's maintenance margin as a function of its mark price.

        A table bounded by notional is re-read at the price being tested (the tier
        follows the position value as the mark moves); one bounded by size is not.
        """
        extra = self.maintenance_rate_extra(fee)
        fee_to_close = self.fee_to_close(position, fee)
        if table.basis == "notional":
            return PriceTieredCurve(position.qty, _rates(table, extra), fee_to_close)
        tier = table.tier_for(position.qty)
        return FlatCurve(position.qty * (tier.mmr + extra), fee_to_close - tier.maintenance_amount)

    def isolated_wallet(self, position: Position, fee: Decimal) -> Decimal:
        """The margin an isolated position holds: the opening margin, the fee to close held
        with it, and what was added, less the funding it paid since opening (funding is
        settled out of the position margin: Bybit's help centre, "Funding fee" under
        isolated margin; Binance and OKX settle isolated funding the same way).

        A given `isolated_margin` is that whole wallet, as the result's `isolated_wallet`
        reports it (fee to close included), so the output fed back in means the same;
        `extra_margin` still adds on top.
        """
        if position.isolated_margin is not None:
            base = position.isolated_margin
        else:
            opening = position.qty * position.entry_price / position.leverage
            base = opening + self.fee_to_close(position, fee)
        return base + self.added_margin(position, fee) - position.funding_paid


def check_leverage(position: Position, table: TierTable) -> None:
    """Reject leverage above what the tier of the entry size allows."""
    size = position.qty if table.basis == "quantity" else position.qty * position.entry_price
    tier = table.tier_for(size)
    if position.leverage > tier.max_leverage:
        raise LeverageTooHigh(
            field="leverage",
            symbol=position.symbol,
            leverage=position.leverage,
            max_leverage=tier.max_leverage,
            notional=position.qty * position.entry_price,
        )


_RATES_CACHE: dict[tuple[int, Decimal], tuple[TierTable, TierRates]] = {}


def _rates(table: TierTable, extra: Decimal) -> TierRates:
    """The table flattened for the solver; cached while the table object lives."""
    key = (id(table), extra)
    hit = _RATES_CACHE.get(key)
    if hit is not None and hit[0] is table:
        return hit[1]
    tiers = table.tiers
    rates = TierRates(
        floors=tuple(t.floor for t in tiers),
        caps=tuple(t.cap for t in tiers),
        rates=tuple(t.mmr + extra for t in tiers),
        amounts=tuple(t.maintenance_amount for t in tiers),
    )
    if len(_RATES_CACHE) > 4096:
        _RATES_CACHE.clear()
    _RATES_CACHE[key] = (table, rates)
    return rates
