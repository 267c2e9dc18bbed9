"""The domain's nouns: positions, portfolios and tier tables, as frozen models.

Money and sizes are Decimal, validated at construction; the formulas that use
them live in `engine.exchanges`, `engine.liquidation` and `engine.margin`.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from engine.errors import EngineError, InvalidInput, PositionModeConflict, TierDataError
from engine.numbers import ONE, ZERO, to_decimal
from engine.symbols import canonical_symbol

__all__ = [
    "CustomRates",
    "Exchange",
    "MarginMode",
    "Portfolio",
    "Position",
    "PositionMode",
    "Side",
    "Tier",
    "TierTable",
    "build",
]


class Side(StrEnum):
    LONG = "long"
    SHORT = "short"

    @property
    def sign(self) -> int:
        """+1 for a long, -1 for a short: PnL is sign * qty * (price - entry)."""
        return 1 if self is Side.LONG else -1


class MarginMode(StrEnum):
    ISOLATED = "isolated"
    CROSS = "cross"

    @property
    def other(self) -> MarginMode:
        """The mode a switch leads to: isolated <-> cross."""
        return MarginMode.CROSS if self is MarginMode.ISOLATED else MarginMode.ISOLATED


class PositionMode(StrEnum):
    ONE_WAY = "one_way"
    HEDGE = "hedge"


class Exchange(StrEnum):
    BINANCE = "binance"
    BYBIT = "bybit"
    OKX = "okx"
    HYPERLIQUID = "hyperliquid"
    CUSTOM = "custom"


def _decimal(value: object, info: ValidationInfo) -> Decimal:
    return to_decimal(value, info.field_name or "value")


Dec = Annotated[Decimal, BeforeValidator(_decimal)]


def _symbol(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInput(field="symbol", reason="not_text")
    return canonical_symbol(value)


Symbol = Annotated[str, BeforeValidator(_symbol)]


def _positive(value: Decimal, field: str) -> None:
    if value <= ZERO:
        raise InvalidInput(field=field, reason="not_positive", value=value)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class Tier(_Frozen):
    """One bracket: sizes in (floor, cap] pay `mmr` on their value less `maintenance_amount`."""

    floor: Dec
    cap: Dec
    mmr: Dec
    maintenance_amount: Dec = ZERO
    max_leverage: Dec


class TierTable(_Frozen):
    """A symbol's brackets. `basis` says whether floor/cap are notional or base quantity.

    `partial`: the exchange has more tiers than these; a size past the last cap is
    refused (`beyond_partial_table`) instead of read from the last tier shipped.
    """

    basis: Literal["notional", "quantity"] = "notional"
    tiers: tuple[Tier, ...]
    source: str = ""
    as_of: str = ""
    fallback: bool = False
    partial: bool = False
    symbol: str = ""

    @model_validator(mode="after")
    def _check(self) -> TierTable:
        if not self.tiers:
            raise TierDataError(reason="empty")
        previous_cap = ZERO
        for index, tier in enumerate(self.tiers):
            if tier.floor != previous_cap or tier.cap <= tier.floor:
                raise TierDataError(reason="not_contiguous", tier=index + 1)
            if not ZERO <= tier.mmr < ONE or tier.max_leverage < ONE:
                raise TierDataError(reason="rate_out_of_range", tier=index + 1)
            previous_cap = tier.cap
        return self

    def tier_for(self, size: Decimal) -> Tier:
        """The tier whose (floor, cap] holds `size`; past the last cap, the last tier,
        unless the table is partial: then TierDataError(reason="beyond_partial_table")."""
        for tier in self.tiers:
            if size <= tier.cap:
                return tier
        last = self.tiers[-1]
        if self.partial:
            raise TierDataError(
                reason="beyond_partial_table",
                symbol=self.symbol,
                size=size,
                cap=last.cap,
                as_of=self.as_of,
            )
        return last


class CustomRates(_Frozen):
    """The `custom` profile: one maintenance rule the trader copies from their exchange."""

    mmr: Dec
    maintenance_amount: Dec = ZERO
    fee_rate: Dec = ZERO
    max_leverage: Dec = Decimal(125)

    @model_validator(mode="after")
    def _check(self) -> CustomRates:
        if not ZERO <= self.mmr < ONE:
            raise InvalidInput(field="mmr", reason="out_of_range", value=self.mmr)
        if not ZERO <= self.fee_rate < ONE:
            raise InvalidInput(field="fee_rate", reason="out_of_range", value=self.fee_rate)
        if self.maintenance_amount < ZERO:
            raise InvalidInput(field="maintenance_amount", reason="negative")
        return self


class Position(_Frozen):
    """One leg. `isolated_margin` overrides the exchange's default isolated wallet;
    `extra_margin` is what the trader added (or removed, if negative) on top;
    `funding_paid` is the funding paid since opening (received: negative), which an
    isolated position pays out of its own margin (a cross position's comes out of the
    wallet balance the trader states, so it is not counted again)."""

    id: str = ""
    symbol: Symbol
    side: Side
    qty: Dec
    entry_price: Dec
    leverage: Dec
    margin_mode: MarginMode = MarginMode.ISOLATED
    isolated_margin: Dec | None = None
    extra_margin: Dec = ZERO
    mark_price: Dec | None = None
    funding_paid: Dec = ZERO
    tiers: TierTable | None = None

    @model_validator(mode="after")
    def _check(self) -> Position:
        _positive(self.qty, "qty")
        _positive(self.entry_price, "entry_price")
        if self.leverage < ONE:
            raise InvalidInput(field="leverage", reason="below_one", value=self.leverage)
        if self.mark_price is not None:
            _positive(self.mark_price, "mark_price")
        if self.isolated_margin is not None and self.isolated_margin < ZERO:
            raise InvalidInput(field="isolated_margin", reason="negative")
        return self

    @property
    def mark(self) -> Decimal:
        """The mark price, or the entry price when none is known."""
        return self.entry_price if self.mark_price is None else self.mark_price

    @property
    def is_cross(self) -> bool:
        return self.margin_mode is MarginMode.CROSS


class Portfolio(_Frozen):
    """A wallet in the settlement asset (USDT) and the positions it carries."""

    exchange: Exchange = Exchange.BINANCE
    position_mode: PositionMode = PositionMode.ONE_WAY
    wallet_balance: Dec
    positions: tuple[Position, ...] = ()
    taker_fee: Dec | None = None
    custom: CustomRates | None = None

    @model_validator(mode="after")
    def _check(self) -> Portfolio:
        if self.wallet_balance < ZERO:
            raise InvalidInput(field="wallet_balance", reason="negative")
        if self.taker_fee is not None and not ZERO <= self.taker_fee < ONE:
            raise InvalidInput(field="taker_fee", reason="out_of_range", value=self.taker_fee)
        if self.exchange is Exchange.CUSTOM and self.custom is None:
            raise InvalidInput(field="custom", reason="required_for_custom")
        _check_position_mode(self.position_mode, self.positions)
        return self


def _check_position_mode(mode: PositionMode, positions: tuple[Position, ...]) -> None:
    """One-way: one position per symbol. Hedge: one per symbol and side, one margin mode."""
    seen: dict[str, Position] = {}
    for position in positions:
        key = (
            position.symbol
            if mode is PositionMode.ONE_WAY
            else f"{position.symbol}:{position.side}"
        )
        if key in seen:
            raise PositionModeConflict(
                reason="duplicate" if seen[key].side is position.side else "opposite_in_one_way",
                symbol=position.symbol,
                mode=mode.value,
            )
        seen[key] = position
    if mode is PositionMode.HEDGE:
        modes: dict[str, MarginMode] = {}
        for position in positions:
            if modes.setdefault(position.symbol, position.margin_mode) is not position.margin_mode:
                raise PositionModeConflict(reason="mixed_margin_modes", symbol=position.symbol)


M = TypeVar("M", bound=BaseModel)


def build(model: type[M], data: Any) -> M:
    """Validate `data` into `model`, turning pydantic's errors into EngineError codes."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _engine_error(exc) from None


def _engine_error(exc: ValidationError) -> EngineError:
    first = exc.errors(include_url=False)[0]
    cause = (first.get("ctx") or {}).get("error")
    if isinstance(cause, EngineError):
        loc = first["loc"]
        field = cause.params.get("field")
        if field is not None and loc and loc[-1] != field:
            loc = (*loc, str(field))
        params = {**cause.params, "field": _path(loc)} if loc else dict(cause.params)
        return type(cause)(cause.code, **params)
    return InvalidInput(field=_path(first["loc"]), reason=first["type"])


def _path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)
