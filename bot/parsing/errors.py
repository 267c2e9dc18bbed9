"""Why a line could not be understood: a code, the command whose syntax to show, details."""

from __future__ import annotations

__all__ = ["ParseError"]


class ParseError(ValueError):
    """`command` names the command whose usage the reply should show (None: general help)."""

    def __init__(self, code: str, command: str | None = None, /, **params: str) -> None:
        self.code = code
        self.command = command
        self.params = params
        super().__init__(code, command, params)
