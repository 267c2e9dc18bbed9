"""Errors the engine raises: a stable code plus parameters, never prose.

The bot turns a code into a localized sentence; the JSON CLI prints it as is.

    CodedError               a stable code plus parameters (storage's errors share it)
    └── EngineError
        ├── InvalidInput         a value is malformed or out of range (names the field)
        ├── LeverageTooHigh      the tier for this notional allows less leverage
        ├── PositionModeConflict one-way / hedge rules violated
        └── TierDataError        a tier table is malformed or missing
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "CodedError",
    "EngineError",
    "InvalidInput",
    "LeverageTooHigh",
    "PositionModeConflict",
    "TierDataError",
]


class CodedError(Exception):
    """An error a program can act on: `code` is stable, `params` feed the message."""

    code: str = "error"

    def __init__(self, code: str | None = None, /, **params: object) -> None:
        if code is not None:
            self.code = code
        self.params: Mapping[str, object] = params
        super().__init__(self.code, dict(params))

    def __str__(self) -> str:
        details = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.code}({details})" if details else self.code

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form: the code and every parameter as text."""
        return {"code": self.code, **{k: str(v) for k, v in self.params.items()}}


class EngineError(CodedError, ValueError):
    """Base of every engine error: a value or combination of values the math refuses."""

    code = "engine_error"


class InvalidInput(EngineError):
    """A value is missing, malformed or out of range; `field` names it."""

    code = "invalid_input"


class LeverageTooHigh(EngineError):
    """The requested leverage exceeds the maximum of the tier the notional falls in."""

    code = "leverage_too_high"


class PositionModeConflict(EngineError):
    """Positions break the account's position-mode rules (one-way or hedge)."""

    code = "position_mode_conflict"


class TierDataError(EngineError):
    """A tier table is malformed: gaps, overlaps, or values out of range."""

    code = "tier_data_error"
