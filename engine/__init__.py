"""IsoCross's margin engine: exchange-exact margin and liquidation math, pure and Decimal.

No I/O, no clock, no asyncio: callers pass tier tables and prices in.
"""

from engine.errors import (
    EngineError,
    InvalidInput,
    LeverageTooHigh,
    PositionModeConflict,
    TierDataError,
)
from engine.margin import AccountResult, Evaluation, PositionResult, Status, evaluate
from engine.models import (
    CustomRates,
    Exchange,
    MarginMode,
    Portfolio,
    Position,
    PositionMode,
    Side,
    Tier,
    TierTable,
    build,
)
from engine.symbols import canonical_symbol
from engine.tiers import TierBook, load_tier_book

__all__ = [
    "AccountResult",
    "CustomRates",
    "EngineError",
    "Evaluation",
    "Exchange",
    "InvalidInput",
    "LeverageTooHigh",
    "MarginMode",
    "Portfolio",
    "Position",
    "PositionMode",
    "PositionModeConflict",
    "PositionResult",
    "Side",
    "Status",
    "Tier",
    "TierBook",
    "TierDataError",
    "TierTable",
    "build",
    "canonical_symbol",
    "evaluate",
    "load_tier_book",
]
