"""What a trader tells IsoCross about themselves: experience, style, loss per trade.

Stored per user as a small JSON object (`storage.users.User.risk_profile`);
`from_json` reads back whatever is there and drops what it does not know,
so a profile written by an older or newer version never breaks the advice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from engine.errors import InvalidInput
from engine.numbers import ONE, ZERO

__all__ = ["LOSS_CHOICES", "Experience", "RiskProfile", "Style"]

E = TypeVar("E", bound=StrEnum)


class Experience(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    EXPERIENCED = "experienced"


class Style(StrEnum):
    SCALPING = "scalping"  # minutes to hours, often high leverage
    SWING = "swing"  # days to weeks
    TREND = "trend"  # long-term trend following, weeks to months
    HEDGING = "hedging"  # offsetting positions
    ARBITRAGE = "arbitrage"  # price or funding differences between markets


# How much of the account one trade may lose: the questionnaire's choices, as fractions.
LOSS_CHOICES = (
    Decimal("0.01"),
    Decimal("0.02"),
    Decimal("0.05"),
    Decimal("0.1"),
    Decimal("0.25"),
)


@dataclass(frozen=True, slots=True)
class RiskProfile:
    experience: Experience | None = None
    style: Style | None = None
    max_trade_loss: Decimal | None = None  # a fraction of the account, 0 < x <= 1

    def __post_init__(self) -> None:
        loss = self.max_trade_loss
        if loss is not None and not ZERO < loss <= ONE:
            raise InvalidInput(field="max_trade_loss", reason="out_of_range", value=loss)

    @property
    def complete(self) -> bool:
        return None not in (self.experience, self.style, self.max_trade_loss)

    @property
    def empty(self) -> bool:
        return self == RiskProfile()

    def with_answer(self, question: str, answer: Experience | Style | Decimal) -> RiskProfile:
        """A copy with one question answered; `question` is a field name."""
        if question == "experience" and isinstance(answer, Experience):
            return replace(self, experience=answer)
        if question == "style" and isinstance(answer, Style):
            return replace(self, style=answer)
        if question == "max_trade_loss" and isinstance(answer, Decimal):
            return replace(self, max_trade_loss=answer)
        raise InvalidInput(field="question", reason="unknown", value=question)

    def as_json(self) -> dict[str, str]:
        data: dict[str, str] = {}
        if self.experience is not None:
            data["experience"] = self.experience.value
        if self.style is not None:
            data["style"] = self.style.value
        if self.max_trade_loss is not None:
            data["max_trade_loss"] = str(self.max_trade_loss)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> RiskProfile:
        """Whatever a stored object holds that still makes sense; the rest is dropped."""
        if not data:
            return cls()
        return cls(
            experience=_member(Experience, data.get("experience")),
            style=_member(Style, data.get("style")),
            max_trade_loss=_fraction(data.get("max_trade_loss")),
        )


def _member(kind: type[E], value: object) -> E | None:
    try:
        return kind(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _fraction(value: object) -> Decimal | None:
    if not isinstance(value, str | int | Decimal) or isinstance(value, bool):
        return None
    try:
        result = Decimal(value)
    except InvalidOperation:
        return None
    return result if result.is_finite() and ZERO < result <= ONE else None
