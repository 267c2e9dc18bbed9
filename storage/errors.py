"""Errors the storage layer raises: a stable code plus parameters, never prose.

Invalid values are the engine's `InvalidInput`; these are about stored data.

    StorageError
    ├── NotFound     no such user, portfolio or position *for this user*
    ├── Conflict     the change clashes with what is stored (duplicate name, last portfolio)
    │   └── Stale    the portfolio changed between the read a change was computed from
    │                and its write (another process wrote): compute it again
    └── SchemaError  the file is newer than this code, or a migration file is malformed
"""

from __future__ import annotations

from engine.errors import CodedError

__all__ = ["Conflict", "NotFound", "SchemaError", "Stale", "StorageError"]


class StorageError(CodedError):
    """Base of every storage error; `code` is stable, `params` feed the message."""

    code = "storage_error"


class NotFound(StorageError):
    """The thing does not exist, or belongs to someone else (the two look the same)."""

    code = "not_found"


class Conflict(StorageError):
    """The change would break an invariant of the stored data."""

    code = "conflict"


class Stale(Conflict):
    """A compare-and-swap lost: what the change was computed from is no longer stored.
    Nothing was written; the caller reads again and recomputes."""

    code = "stale"


class SchemaError(StorageError):
    """The database schema cannot be brought to the version this code expects."""

    code = "schema_error"
