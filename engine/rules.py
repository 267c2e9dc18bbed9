"""Each exchange's margin rule set: what counts in maintenance, which size picks the
tier, and what an isolated position holds by default.

The formulas themselves are shared (`engine.solver`); the exchanges differ in
the few choices below, each taken from the exchange's own documentation:

* Binance USDⓈ-M ("How to Calculate Liquidation Price of USDⓈ-M Contracts"):
  MM = notional(mark) x rate - maintenance amount, the bracket chosen by the
  notional at the price being tested, no fee in maintenance. Isolated wallet =
  entry notional / leverage.
* Bybit USDT perpetual, Unified Trading Account ("Trading Rules: Liquidation
  Process (UTA)", isolated USDT formula): MM = position value x MMR - mm
  deduction + estimated fee to close, where the fee to close is
  qty x bankruptcy price x taker fee and sits in the initial margin too;
  margin added by hand counts as extra / (1 -/+ taker fee) for a long / short.

Which tier applies at the liquidation price: a table bounded by notional
(Binance, Bybit) is re-read at the price being tested, as Binance's page
prescribes ("substitute the maintenance margin rate and amount of the level
at the liquidation price") and as Bybit does in effect, since its risk-limit
tier follows the position value as the mark moves. A table bounded by size
(OKX contracts) does not change with price.
* OKX USDT swaps ("Liquidation price calculation", margin ratio =
  (margin + upl) / (MM + liquidation fee)): MM = position value(mark) x mmr of
  the tier the size in contracts falls in, no deduction, plus the taker fee on
  the position value as the liquidation fee.
* custom: one tier from the trader's own numbers; MM = notional x (mmr + fee)
  - maintenance amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.curves import Curve, FlatCurve, PriceTieredCurve, TierRates
from engine.errors import LeverageTooHigh
from engine.models import CustomRates, Exchange, Position, Tier, TierTable
from engine.numbers import ONE, ZERO

__all__ = ["ExchangeRules", "check_leverage", "custom_table", "rules_for"]


@dataclass(frozen=True, slots=True)
class ExchangeRules:
    """The choices one exchange makes; `taker_fee` is its standard rate."""

    exchange: Exchange
    taker_fee: Decimal
    fee_in_maintenance: bool  # OKX, custom: the taker fee joins the maintenance rate
    bybit_fee_to_close: bool  # Bybit: a fixed fee to close in both IM and MM

    def maintenance_rate_extra(self, fee: Decimal) -> Decimal:
        """What the exchange adds to the maintenance rate for the closing fee."""
        return fee if self.fee_in_maintenance else ZERO

    def curve(self, position: Position, table: TierTable, fee: Decimal) -> Curve:
        """The position's maintenance margin as a function of its mark price."""
        extra = self.maintenance_rate_extra(fee)
        fee_to_close = self.fee_to_close(position, fee)
        if table.basis == "notional":
            return PriceTieredCurve(position.qty, _rates(table, extra), fee_to_close)
        tier = table.tier_for(position.qty)
        return FlatCurve(position.qty * (tier.mmr + extra), fee_to_close - tier.maintenance_amount)

    def fee_to_close(self, position: Position, fee: Decimal) -> Decimal:
        """Bybit's estimated fee to close: qty x bankruptcy price x taker fee."""
        if not self.bybit_fee_to_close:
            return ZERO
        leverage = position.leverage
        factor = (leverage - ONE if position.side.sign > 0 else leverage + ONE) / leverage
        return position.qty * position.entry_price * factor * fee

    def extra_for_wallet(self, wallet: Decimal, sign: int, fee: Decimal) -> Decimal:
        """The margin to add by hand that grows the isolated wallet by `wallet`."""
        if self.bybit_fee_to_close:
            return wallet * (ONE - fee if sign > 0 else ONE + fee)
        return wallet

    def isolated_wallet(self, position: Position, fee: Decimal) -> Decimal:
        """The margin an isolated position holds: the opening margin plus what was added."""
        base = (
            position.isolated_margin
            if position.isolated_margin is not None
            else position.qty * position.entry_price / position.leverage
        )
        extra = position.extra_margin
        if self.bybit_fee_to_close and extra:
            extra = extra / (ONE - fee if position.side.sign > 0 else ONE + fee)
        return base + extra + self.fee_to_close(position, fee)


_RULES = {
    Exchange.BINANCE: ExchangeRules(Exchange.BINANCE, Decimal("0.0005"), False, False),
    Exchange.BYBIT: ExchangeRules(Exchange.BYBIT, Decimal("0.00055"), False, True),
    Exchange.OKX: ExchangeRules(Exchange.OKX, Decimal("0.0005"), True, False),
    # custom: the fee is folded into the table's rate by custom_table
    Exchange.CUSTOM: ExchangeRules(Exchange.CUSTOM, ZERO, False, False),
}


def rules_for(exchange: Exchange) -> ExchangeRules:
    return _RULES[exchange]


def custom_table(rates: CustomRates) -> TierTable:
    """The table the `custom` profile computes with: MM = notional x (mmr + fee) - amount,
    never below zero, so below amount / (mmr + fee) of notional a first tier holds MM at 0."""
    rate = rates.mmr + rates.fee_rate
    top = Tier(
        floor=ZERO,
        cap=_NO_CAP,
        mmr=rate,
        maintenance_amount=rates.maintenance_amount,
        max_leverage=rates.max_leverage,
    )
    if ZERO in (rates.maintenance_amount, rate):
        return TierTable(tiers=(top,), source="custom")
    knee = rates.maintenance_amount / rate
    free = Tier(floor=ZERO, cap=knee, mmr=ZERO, max_leverage=rates.max_leverage)
    return TierTable(tiers=(free, top.model_copy(update={"floor": knee})), source="custom")


_NO_CAP = Decimal("1e30")


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
