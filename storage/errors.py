"""Errors the storage layer raises: a stable code plus parameters, never prose.

Invalid values are the engine's `InvalidInput`; these are about stored data.

    StorageError
    ├── NotFound     no such user, portfolio or position *for this user*
    ├── Conflict     the change clashes with what is stored (duplicate name, last portfolio)
    └── SchemaError  the file is newer than this code, or a migration file is malformed
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["Conflict", "NotFound", "SchemaError", "StorageError"]


class StorageError(Exception):
    """Base of every storage error; `code` is stable, `params` feed the message."""

    code: str = "storage_error"

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


class NotFound(StorageError):
    """The thing does not exist, or belongs to someone else (the two look the same)."""

    code = "not_found"


class Conflict(StorageError):
    """The change would break an invariant of the stored data."""

    code = "conflict"


class SchemaError(StorageError):
    """The database schema cannot be brought to the version this code expects."""

    code = "schema_error"
