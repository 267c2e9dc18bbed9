"""What a user asked for, parsed and typed: the parser's output, the commands' input."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal

from engine.models import Exchange, MarginMode, Side
from engine.profile import Experience, Style
from engine.scenarios import Shock

__all__ = [
    "AddToPosition",
    "AdjustMargin",
    "Alerts",
    "Calc",
    "ClosePosition",
    "Compare",
    "Digest",
    "Faq",
    "Help",
    "Intent",
    "OpenPosition",
    "PortfolioAction",
    "Recommend",
    "Reset",
    "Risk",
    "SetBalance",
    "SetDefaults",
    "SetExchange",
    "SetHedge",
    "SetLanguage",
    "SetLeverage",
    "SetMode",
    "SetPrice",
    "SetProfile",
    "ShowChart",
    "ShowPositions",
    "ShowPrice",
    "Undo",
    "WhatIf",
]


class Intent:
    """What every parser returns and every handler takes. A new command's intent subclasses
    it; no list of intents to extend."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class OpenPosition(Intent):
    side: Side
    symbol: str
    qty: Decimal | None = None
    notional: Decimal | None = None  # "$5000": the size in USDT
    price: Decimal | None = None
    leverage: Decimal | None = None
    margin_mode: MarginMode | None = None
    margin: Decimal | None = None  # the isolated wallet, when given
    listed: bool = False  # 'listed': the user says an unknown symbol is a real contract
    confirmed: bool = False  # 'confirm': the user answered yes to the check it asked about


@dataclass(frozen=True, slots=True)
class Calc(Intent):
    side: Side
    symbol: str
    price: Decimal
    leverage: Decimal | None = None
    qty: Decimal | None = None
    notional: Decimal | None = None
    balance: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SetBalance(Intent):
    amount: Decimal | None  # None: show the balance


@dataclass(frozen=True, slots=True)
class ShowPositions(Intent):
    pass


@dataclass(frozen=True, slots=True)
class ClosePosition(Intent):
    seq: int | None = None
    symbol: str | None = None
    qty: Decimal | None = None  # part of the size; None and no percent: all of it
    percent: Decimal | None = None  # '50%': 50
    price: Decimal | None = None  # the exit; None: the current mark


@dataclass(frozen=True, slots=True)
class AddToPosition(Intent):
    seq: int
    qty: Decimal
    price: Decimal | None = None  # None: the current mark


@dataclass(frozen=True, slots=True)
class SetHedge(Intent):
    on: bool | None  # None: show the portfolio's position mode


@dataclass(frozen=True, slots=True)
class AdjustMargin(Intent):
    seq: int
    delta: Decimal  # margin added (removed: negative); 0 with `funding_paid`
    funding_paid: Decimal | None = None  # `-funding 12.5`: the funding paid since opening


@dataclass(frozen=True, slots=True)
class SetLeverage(Intent):
    seq: int
    leverage: Decimal


@dataclass(frozen=True, slots=True)
class SetMode(Intent):
    seq: int | None  # None: every position
    mode: MarginMode


@dataclass(frozen=True, slots=True)
class Undo(Intent):
    pass


@dataclass(frozen=True, slots=True)
class Reset(Intent):
    confirmed: bool


@dataclass(frozen=True, slots=True)
class Risk(Intent):
    pass


@dataclass(frozen=True, slots=True)
class Compare(Intent):
    pass


@dataclass(frozen=True, slots=True)
class WhatIf(Intent):
    shocks: tuple[Shock, ...]
    bare: tuple[int, ...] = ()  # shocks written '-15': a move in USDT, or a forgotten '%'?
    lone: str | None = None  # '/whatif doge': a symbol and no change


@dataclass(frozen=True, slots=True)
class PortfolioAction(Intent):
    action: str  # "list" | "switch" | "new" | "delete" | "copy"
    name: str | None = None
    confirmed: bool = False  # "delete NAME yes": the user answered the question
    source: str | None = None  # copy: the portfolio copied


@dataclass(frozen=True, slots=True)
class SetExchange(Intent):
    exchange: Exchange | None  # None: show the current one
    mmr: Decimal | None = None
    fee_rate: Decimal | None = None
    maintenance_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SetLanguage(Intent):
    code: str | None


@dataclass(frozen=True, slots=True)
class SetDefaults(Intent):
    leverage: Decimal | None
    margin_mode: MarginMode | None


@dataclass(frozen=True, slots=True)
class Help(Intent):
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class ShowPrice(Intent):
    symbol: str | None  # None: every symbol of the active portfolio


@dataclass(frozen=True, slots=True)
class SetPrice(Intent):
    symbol: str
    price: Decimal | None  # None: remove the manual mark


@dataclass(frozen=True, slots=True)
class Alerts(Intent):
    """`/alerts` and its settings; only the fields of `action` are set."""

    action: str  # "show" | "on" | "off" | "ratio" | "distance" | "snooze" | "quiet"
    warning: Decimal | None = None  # ratio / distance thresholds, as fractions
    danger: Decimal | None = None
    symbol: str | None = None  # snooze: a canonical symbol, or "*" for all
    duration: timedelta | None = None  # snooze: None lifts it
    start: time | None = None  # quiet hours; both None: none
    end: time | None = None
    timezone: str | None = None  # an IANA zone given with the quiet hours


@dataclass(frozen=True, slots=True)
class Digest(Intent):
    action: str  # "show" | "set" | "off" | "weekly" | "weekly_off"
    at: time | None = None
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class Recommend(Intent):
    seq: int | None = None  # one position in detail; None: the whole portfolio
    symbol: str | None = None


@dataclass(frozen=True, slots=True)
class SetProfile(Intent):
    question: str | None = None  # "experience" | "style" | "max_trade_loss"; None: the next
    answer: Experience | Style | Decimal | None = None  # None: ask the question
    reset: bool = False


@dataclass(frozen=True, slots=True)
class ShowChart(Intent):
    seq: int | None = None  # None and no symbol: the position closest to liquidation
    symbol: str | None = None
    shocks: tuple[Shock, ...] = ()  # a /whatif's moves, drawn on the chart


@dataclass(frozen=True, slots=True)
class Faq(Intent):
    topic: str | None = None  # as typed; the FAQ finds the nearest topic


@dataclass(frozen=True, slots=True)
class PreviewFix(Intent):
    """`/fix`: what an alert's fix would change, before it is made."""

    action: str  # "margin" (isolated, position `seq`) | "deposit" (cross) | "cancel"
    seq: int | None = None
    amount: Decimal | None = None
