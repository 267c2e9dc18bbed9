"""A Hyperliquid account as `clearinghouseState` reports it, validated field by field.

POST /info {"type": "clearinghouseState", "user": "0x…"} answers
    {"assetPositions": [{"type": "oneWay", "position": {"coin", "szi" (signed size),
      "leverage": {"type": "cross"|"isolated", "value", "rawUsd"?}, "entryPx",
      "positionValue", "unrealizedPnl", "liquidationPx" (text or null), "marginUsed",
      "maxLeverage"?, "cumFunding"?: {"allTime", "sinceOpen", "sinceChange"}}}],
     "marginSummary", "crossMarginSummary": {"accountValue", "totalMarginUsed",
      "totalNtlPos", "totalRawUsd"}, "crossMaintenanceMarginUsed"?, "withdrawable", "time"?}
(the fields marked ? are absent from older answers, such as the SDK's 2023 recording).

What is refused and what is kept, decided here once:
* a row whose `szi` is zero is a closed position: dropped, its coin kept in `closed`;
* an open row with any field missing or malformed (not a finite decimal, a size
  without an entry price, an unknown margin type) refuses the whole snapshot
  (`SnapshotError("bad_position")`): a portfolio silently missing one position
  would understate the risk it is watched for;
* `liquidationPx` never refuses: null is `none` ("no price of this coin alone
  liquidates it"), a positive finite number is `price`, anything else ("Inf",
  "bad", missing) is `unreadable`, never shown as "none".
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from bot.feeds.hyperliquid.errors import SnapshotError
from engine.errors import EngineError
from engine.numbers import ZERO, to_decimal

__all__ = [
    "AccountPosition",
    "AccountSnapshot",
    "CumFunding",
    "ExchangeLiquidation",
    "Leverage",
    "MarginSummary",
    "check_address",
    "parse_account",
]

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


def _finite(value: object) -> Decimal:
    try:
        return to_decimal(value, "value")
    except EngineError:
        raise ValueError("not a finite decimal") from None


Dec = Annotated[Decimal, BeforeValidator(_finite)]


class _Shape(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class ExchangeLiquidation(_Shape):
    """Hyperliquid's own liquidation price of a position: `price`, `none` (null: the
    account survives any price of this coin alone) or `unreadable` (garbage or missing)."""

    kind: Literal["price", "none", "unreadable"]
    price: Decimal | None = None

    @classmethod
    def read(cls, value: object) -> ExchangeLiquidation:
        if value is None:
            return cls(kind="none")
        try:
            price = to_decimal(value, "liquidationPx")
        except EngineError:
            return cls(kind="unreadable")
        return cls(kind="price", price=price) if price > ZERO else cls(kind="unreadable")


UNREADABLE = ExchangeLiquidation(kind="unreadable")


class Leverage(_Shape):
    type: Literal["cross", "isolated"]
    value: Dec = Field(ge=1)
    raw_usd: Dec | None = Field(default=None, alias="rawUsd")


class CumFunding(_Shape):
    """Funding paid (positive) or received since the account began, the position opened,
    and its size last changed."""

    all_time: Dec = Field(alias="allTime")
    since_open: Dec = Field(alias="sinceOpen")
    since_change: Dec = Field(alias="sinceChange")


class AccountPosition(_Shape):
    coin: str = Field(min_length=1, max_length=40)
    szi: Dec
    leverage: Leverage
    entry_px: Dec = Field(alias="entryPx", gt=0)
    position_value: Dec = Field(alias="positionValue", ge=0)
    unrealized_pnl: Dec = Field(alias="unrealizedPnl")
    margin_used: Dec = Field(alias="marginUsed", ge=0)
    liquidation: Annotated[ExchangeLiquidation, BeforeValidator(ExchangeLiquidation.read)] = Field(
        default=UNREADABLE, alias="liquidationPx"
    )
    max_leverage: Dec | None = Field(default=None, alias="maxLeverage")
    cum_funding: CumFunding | None = Field(default=None, alias="cumFunding")


class MarginSummary(_Shape):
    account_value: Dec = Field(alias="accountValue")
    total_margin_used: Dec = Field(alias="totalMarginUsed")
    total_ntl_pos: Dec = Field(alias="totalNtlPos")
    total_raw_usd: Dec = Field(alias="totalRawUsd")


class AccountSnapshot(_Shape):
    """One account at one moment: its open positions, the coins of closed rows, and totals."""

    user: str
    positions: tuple[AccountPosition, ...]
    closed: tuple[str, ...] = ()
    margin_summary: MarginSummary
    cross_margin_summary: MarginSummary
    cross_maintenance_margin_used: Dec | None = None
    withdrawable: Dec
    time: int | None = None  # epoch milliseconds, as the exchange stamped the answer


def check_address(user: str) -> str:
    """A wallet address as Hyperliquid reads it: 0x and 40 hex digits, lower-cased."""
    if not _ADDRESS.fullmatch(user):
        raise SnapshotError("bad_address")
    return user.lower()


def parse_account(user: str, payload: Any) -> AccountSnapshot:
    """The answer to clearinghouseState for `user`, or SnapshotError (see the module)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("assetPositions"), list):
        raise SnapshotError("bad_shape", field="assetPositions")
    positions, closed = [], []
    for index, row in enumerate(payload["assetPositions"]):
        position = row.get("position") if isinstance(row, dict) else None
        if not isinstance(position, dict):
            raise SnapshotError("bad_shape", field=f"assetPositions.{index}")
        if _is_closed(position):
            closed.append(str(position.get("coin", ""))[:40])
            continue
        positions.append(_position(index, position))
    return _summary(user, payload, tuple(positions), tuple(closed))


def _is_closed(position: dict[str, Any]) -> bool:
    try:
        return to_decimal(position.get("szi"), "szi") == ZERO
    except EngineError:
        return False  # a malformed size is refused with the row, not read as closed


def _position(index: int, position: dict[str, Any]) -> AccountPosition:
    try:
        return AccountPosition.model_validate(position)
    except ValidationError as exc:
        raise SnapshotError(
            "bad_position",
            row=index,
            coin=str(position.get("coin", "?"))[:40],
            field=_where(exc),
        ) from None


def _summary(
    user: str,
    payload: dict[str, Any],
    positions: tuple[AccountPosition, ...],
    closed: tuple[str, ...],
) -> AccountSnapshot:
    try:
        return AccountSnapshot.model_validate(
            {
                "user": user,
                "positions": positions,
                "closed": closed,
                "margin_summary": payload.get("marginSummary"),
                "cross_margin_summary": payload.get("crossMarginSummary"),
                "cross_maintenance_margin_used": payload.get("crossMaintenanceMarginUsed"),
                "withdrawable": payload.get("withdrawable"),
                "time": payload.get("time"),
            }
        )
    except ValidationError as exc:
        raise SnapshotError("bad_summary", field=_where(exc)) from None


def _where(exc: ValidationError) -> str:
    return ".".join(str(part) for part in exc.errors(include_url=False)[0]["loc"])
