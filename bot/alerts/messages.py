"""Every message the outbox carries, typed: one frozen model per kind, told apart by `kind`.

A message is composed when its cause happens and rendered when it is sent, in
the reader's language then; in between it waits in the outbox as JSON. These
models are that JSON's one definition: the writers build them, `read` validates
a stored payload back into one, and `bot.alerts.render` turns it into a reply.
They hold facts, never sentences, so changing the wording touches only the
catalogs (and `render`).

Exact on the way through: Decimals are written as their text and read back
from it (a float is refused: it would bring binary rounding back into money),
times are aware and kept in UTC. Field names are those of the untyped payloads
that came before (migration 0005 added `kind` to the rows already stored).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
)

from bot.alerts.funding_drift import FundingDriftPart
from bot.alerts.symbol_price import SymbolPriceMessage
from bot.views.advice_brief import BriefAdvice, BriefPosition
from engine.advice import Recommendation
from engine.alerts import Level
from engine.models import Exchange, MarginMode, Side
from engine.reasons import Figure, Reason, ReasonCode, Unit

__all__ = [
    "AlertMessage",
    "BriefMessage",
    "ClosestCall",
    "DigestMessage",
    "DigestPortfolio",
    "DigestPosition",
    "FeedDownMessage",
    "Message",
    "UnreadableMessage",
    "WalletChange",
    "WalletChangeMessage",
    "WalletStaleMessage",
    "WeeklyMessage",
    "WeeklyPortfolio",
    "outbox_kind",
    "read",
]


def _no_float(value: object) -> object:
    if isinstance(value, float):
        raise ValueError("a float is not exact")  # pydantic reports a ValueError as invalid
    return value


Exact = Annotated[Decimal, BeforeValidator(_no_float), Field(allow_inf_nan=False)]
Utc = Annotated[AwareDatetime, AfterValidator(lambda moment: moment.astimezone(UTC))]


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FigureMessage(_Part):
    """A reason's figure; `kind` says how `value` reads back (an int, text, a Decimal)."""

    value: str | None
    kind: Literal["int", "str", "dec"]
    unit: Unit
    long: bool | None = None

    @classmethod
    def of(cls, figure: Figure) -> FigureMessage:
        value = figure.value
        kind = "int" if isinstance(value, int) else "str" if isinstance(value, str) else "dec"
        text = None if value is None else str(value)
        return cls(value=text, kind=kind, unit=figure.unit, long=figure.long)

    def figure(self) -> Figure:
        value: Decimal | int | str | None = self.value
        if self.value is not None and self.kind == "int":
            value = int(self.value)
        elif self.value is not None and self.kind == "dec":
            value = Decimal(self.value)
        return Figure(value, self.unit, self.long)


class ReasonMessage(_Part):
    code: ReasonCode
    favours: MarginMode | None
    weight: int
    positions: tuple[str, ...]
    figures: Mapping[str, FigureMessage]


class BriefMessage(_Part):
    """The mode advice in brief (`bot.views.advice_brief.BriefAdvice`), as a message part:
    positions are (id, symbol, mode now, mode advised)."""

    recommendation: Recommendation
    positions: tuple[tuple[str, str, MarginMode, MarginMode], ...]
    reason: ReasonMessage | None
    faq: tuple[str, ...]
    key: str

    @classmethod
    def of(cls, brief: BriefAdvice) -> BriefMessage:
        reason = brief.reason
        return cls(
            recommendation=brief.recommendation,
            positions=tuple((p.position_id, p.symbol, p.current, p.mode) for p in brief.positions),
            reason=None
            if reason is None
            else ReasonMessage(
                code=reason.code,
                favours=reason.favours,
                weight=reason.weight,
                positions=reason.position_ids,
                figures={name: FigureMessage.of(f) for name, f in reason.figures.items()},
            ),
            faq=brief.faq_topics,
            key=brief.key,
        )

    def brief(self) -> BriefAdvice:
        found = self.reason
        reason = (
            None
            if found is None
            else Reason(
                code=found.code,
                favours=found.favours,
                weight=found.weight,
                position_ids=found.positions,
                figures={name: f.figure() for name, f in found.figures.items()},
            )
        )
        return BriefAdvice(
            recommendation=self.recommendation,
            positions=tuple(BriefPosition(*position) for position in self.positions),
            reason=reason,
            faq_topics=self.faq,
            key=self.key,
        )


class _Priced(_Part):
    """A position's mark and where it came from; no source: the entry price stood in."""

    symbol: str
    side: Side
    qty: Exact
    mark: Exact
    mark_source: str | None = None
    mark_at: Utc | None = None
    liquidation: Exact | None
    distance: Exact | None
    ratio: Exact | None


class AlertMessage(_Priced):
    """A level reached by one subject (an isolated position or a cross account), about
    its position nearest liquidation, with the fixes that bring it back to `target`."""

    kind: Literal["alert"] = "alert"
    level: Level
    portfolio_id: int
    portfolio: str
    active: bool  # the portfolio is the user's active one (the fixes' commands act on it)
    watched: bool = False  # a watched wallet's (read-only): fixes are made on Hyperliquid
    cross: bool
    positions: int  # how many positions the subject has
    position: str
    leverage: Exact
    target: Exact  # the warning distance the fixes restore
    wallet: Exact
    add_margin: Exact | None = None  # a deposit, for cross; isolated: at most `free`
    add_enough: bool = True  # False: all the free balance, short of `target`
    add_liquidation: Exact | None = None  # the liquidation price once it is added
    add_distance: Exact | None = None
    free: Exact | None = None  # the free balance margin can come from
    close_qty: Exact | None = None
    other_mode: Exact | None = None  # the liquidation price in the other margin mode
    lost: Exact | None = None  # liquidated: the margin (isolated) or equity (cross) gone
    left: Exact | None = None  # liquidated: what the wallet keeps
    advice: BriefMessage | None = None
    funding: FundingDriftPart | None = None  # funding alone brings it to danger (issue 16)


class FeedDownMessage(_Part):
    kind: Literal["feed_down"] = "feed_down"
    exchange: Exchange
    since: Utc


class DigestPosition(_Priced):
    position: str
    mode: MarginMode


class DigestPortfolio(_Part):
    name: str
    wallet: Exact
    cross_ratio: Exact | None
    positions: tuple[DigestPosition, ...]
    advice: BriefMessage | None = None  # only when it changed since the last digest


class DigestMessage(_Part):
    kind: Literal["digest"] = "digest"
    portfolios: tuple[DigestPortfolio, ...]


class ClosestCall(_Part):
    position: str
    symbol: str
    distance: Exact
    at: Utc


class WeeklyPortfolio(_Part):
    name: str
    closest: ClosestCall | None
    advice: BriefMessage | None


class WeeklyMessage(_Part):
    kind: Literal["weekly"] = "weekly"
    portfolios: tuple[WeeklyPortfolio, ...]


class WalletChange(_Part):
    """A watched wallet's position that opened, changed or closed between two snapshots."""

    what: Literal["opened", "changed", "closed"]
    coin: str
    side: Side
    qty: Exact
    entry: Exact
    before_qty: Exact | None = None  # changed: the size it had
    liquidation: Exact | None = None  # Hyperliquid's price; None: none or unreadable


class WalletChangeMessage(_Part):
    """Every change one sync found in one watched wallet, as one message."""

    kind: Literal["wallet_change"] = "wallet_change"
    portfolio: str  # 'hl:main'
    changes: tuple[WalletChange, ...] = Field(min_length=1)


class WalletStaleMessage(_Part):
    """A watched wallet could not be read for two intervals: its figures are stale."""

    kind: Literal["wallet_stale"] = "wallet_stale"
    portfolio: str
    since: Utc | None  # when the last snapshot was read; None: never


Message = Annotated[
    AlertMessage
    | FeedDownMessage
    | DigestMessage
    | WeeklyMessage
    | SymbolPriceMessage
    | WalletChangeMessage
    | WalletStaleMessage,
    Field(discriminator="kind"),
]
_MESSAGE: TypeAdapter[Message] = TypeAdapter(Message)


class UnreadableMessage(ValueError):
    """A stored payload that is no message of today's (unknown kind, missing or invalid
    fields). It names only how many fields failed, never what they held."""

    def __init__(self, errors: int) -> None:
        super().__init__(f"{errors} invalid field(s)")
        self.errors = errors


def read(payload: Mapping[str, Any]) -> Message:
    """A stored payload as its message; UnreadableMessage if it is none."""
    try:
        return _MESSAGE.validate_python(payload)
    except ValidationError as error:
        raise UnreadableMessage(error.error_count()) from None


def outbox_kind(message: Message) -> str:
    """The outbox row's `kind`: an alert's level (so the queue reads 'danger'), else the
    message's kind."""
    return message.level.value if isinstance(message, AlertMessage) else message.kind
