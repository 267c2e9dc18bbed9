"""Why the advice says what it says: reason codes with the user's figures, never prose.

Each `Reason` names a condition found in the portfolio, the mode it favours
(or none, for a figure shown for context), how much it weighs, which
positions it concerns and the figures that back it. A figure carries its unit
so the bot formats it in the reader's locale without knowing the code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from engine.models import MarginMode

__all__ = ["Figure", "Reason", "ReasonCode", "Unit"]


class Unit(StrEnum):
    MONEY = "money"  # USDT
    FRACTION = "fraction"  # 0.25 is 25%: shares of the wallet, distances, offsets
    PROBABILITY = "probability"  # 0..1
    PRICE = "price"
    LEVERAGE = "leverage"
    COUNT = "count"
    COEFFICIENT = "coefficient"  # a correlation, -1..1
    TEXT = "text"  # symbols, a style or a source name, shown as they are


@dataclass(frozen=True, slots=True)
class Figure:
    value: Decimal | int | str | None  # None: there is no such price (nothing liquidates)
    unit: Unit
    long: bool | None = None  # for a liquidation price: round toward the danger of this side


class ReasonCode(StrEnum):
    # favour cross
    HEDGED = "hedged"  # opposite legs in one or correlated markets offset each other
    LONG_TERM = "long_term"  # a trend position at low leverage rides out pullbacks
    LITTLE_TO_PROTECT = "little_to_protect"  # the margin is most of the wallet already
    SURVIVAL = "survival"  # isolated is likely touched within a week, cross much less
    HEDGING_STYLE = "hedging_style"  # the trader's style relies on shared margin
    # favour isolated
    HIGH_LEVERAGE = "high_leverage"
    SHORT_TERM = "short_term"  # scalping: fast moves on one trade
    EXPERIMENTAL = "experimental"  # a small stake in a volatile or unknown market
    PROTECTS_WALLET = "protects_wallet"  # a small part of the wallet: isolation caps the loss
    MANY_MARKETS = "many_markets"  # unrelated markets: in cross any one can take all
    BEGINNER = "beginner"
    LOSS_LIMIT = "loss_limit"  # cross could lose more than the trader's limit per trade
    BALANCED = "balanced"  # nothing tips it: the mode with the smaller maximum loss
    # context: no mode favoured
    WALLET_AT_RISK = "wallet_at_risk"  # share of the wallet each mode puts at stake
    MARGIN_ABOVE_LIMIT = "margin_above_limit"  # even isolated, above the trader's limit
    NO_PROFILE = "no_profile"  # answering /profile would sharpen the advice
    WALLET_BELOW_MARGIN = "wallet_below_margin"  # the balance cannot hold the isolated margins


@dataclass(frozen=True, slots=True)
class Reason:
    code: ReasonCode
    favours: MarginMode | None
    weight: int  # how strongly it favours its mode; 0 for context
    position_ids: tuple[str, ...] = ()  # () concerns the whole portfolio
    figures: Mapping[str, Figure] = field(default_factory=dict)

    def concerns(self, position_id: str) -> bool:
        return not self.position_ids or position_id in self.position_ids

    def score(self) -> int:
        """Positive favours isolated, negative cross."""
        if self.favours is MarginMode.ISOLATED:
            return self.weight
        if self.favours is MarginMode.CROSS:
            return -self.weight
        return 0
