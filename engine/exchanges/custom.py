"""The `custom` profile: one maintenance rule the trader copies from their own exchange."""

from __future__ import annotations

from decimal import Decimal

from engine.exchanges.base import ExchangeProfile
from engine.models import CustomRates, Exchange, Portfolio, Tier, TierTable
from engine.numbers import ZERO

__all__ = ["CustomProfile", "custom_table"]

_NO_CAP = Decimal("1e30")


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


class CustomProfile(ExchangeProfile):
    """custom: MM = notional x (mmr + fee) - maintenance amount, one tier for every symbol,
    from the trader's own numbers (`/exchange custom MMR% FEE% [AMOUNT]`).

    The fee is folded into the table's rate by `custom_table`, so nothing is added
    here. Source: none but the trader; there is no market of its own, so no feed,
    no tier file and no symbol spelling beyond the canonical one.
    """

    exchange = Exchange.CUSTOM
    title = "custom (your exchange's maintenance rate, amount and fee)"
    source = "the trader's own numbers: /exchange custom MMR% FEE% [AMOUNT]"
    source_date = ""
    taker_fee = ZERO

    def fee_and_table(self, portfolio: Portfolio) -> tuple[Decimal, TierTable | None]:
        """The trader's fee, and the one table built from their rates."""
        if portfolio.custom is None:
            return super().fee_and_table(portfolio)
        return portfolio.custom.fee_rate, custom_table(portfolio.custom)
