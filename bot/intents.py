"""What a user asked for, parsed and typed: the parser's output, the commands' input."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engine.models import Exchange, MarginMode, Side
from engine.scenarios import Shock

__all__ = [
    "AdjustMargin",
    "Calc",
    "ClosePosition",
    "Compare",
    "Faq",
    "Help",
    "Intent",
    "OpenPosition",
    "PortfolioAction",
    "Reset",
    "Risk",
    "SetBalance",
    "SetDefaults",
    "SetExchange",
    "SetLanguage",
    "SetLeverage",
    "SetMode",
    "ShowPositions",
    "Undo",
    "WhatIf",
]


@dataclass(frozen=True, slots=True)
class OpenPosition:
    side: Side
    symbol: str
    qty: Decimal | None = None
    notional: Decimal | None = None  # "$5000": the size in USDT
    price: Decimal | None = None
    leverage: Decimal | None = None
    margin_mode: MarginMode | None = None
    margin: Decimal | None = None  # the isolated wallet, when given


@dataclass(frozen=True, slots=True)
class Calc:
    side: Side
    symbol: str
    price: Decimal
    leverage: Decimal | None = None
    qty: Decimal | None = None
    notional: Decimal | None = None
    balance: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SetBalance:
    amount: Decimal | None  # None: show the balance


@dataclass(frozen=True, slots=True)
class ShowPositions:
    pass


@dataclass(frozen=True, slots=True)
class ClosePosition:
    seq: int | None = None
    symbol: str | None = None


@dataclass(frozen=True, slots=True)
class AdjustMargin:
    seq: int
    delta: Decimal


@dataclass(frozen=True, slots=True)
class SetLeverage:
    seq: int
    leverage: Decimal


@dataclass(frozen=True, slots=True)
class SetMode:
    seq: int | None  # None: every position
    mode: MarginMode


@dataclass(frozen=True, slots=True)
class Undo:
    pass


@dataclass(frozen=True, slots=True)
class Reset:
    confirmed: bool


@dataclass(frozen=True, slots=True)
class Risk:
    pass


@dataclass(frozen=True, slots=True)
class Compare:
    pass


@dataclass(frozen=True, slots=True)
class WhatIf:
    shocks: tuple[Shock, ...]


@dataclass(frozen=True, slots=True)
class PortfolioAction:
    action: str  # "list" | "switch" | "new" | "delete"
    name: str | None = None


@dataclass(frozen=True, slots=True)
class SetExchange:
    exchange: Exchange | None  # None: show the current one
    mmr: Decimal | None = None
    fee_rate: Decimal | None = None
    maintenance_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SetLanguage:
    code: str | None


@dataclass(frozen=True, slots=True)
class SetDefaults:
    leverage: Decimal | None
    margin_mode: MarginMode | None


@dataclass(frozen=True, slots=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class Faq:
    topic: str | None = None  # as typed; the FAQ finds the nearest topic


Intent = (
    OpenPosition
    | Calc
    | SetBalance
    | ShowPositions
    | ClosePosition
    | AdjustMargin
    | SetLeverage
    | SetMode
    | Undo
    | Reset
    | Risk
    | Compare
    | WhatIf
    | PortfolioAction
    | SetExchange
    | SetLanguage
    | SetDefaults
    | Help
    | Faq
)
