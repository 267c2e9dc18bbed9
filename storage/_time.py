"""UTC times as stored text: the format SQLite's strftime('%Y-%m-%dT%H:%M:%fZ') writes,
so values written by Python and by SQLite compare correctly as text."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["from_text", "to_text"]


def to_text(moment: datetime) -> str:
    """An aware datetime as stored UTC text, to the millisecond."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware one (UTC)")
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def from_text(text: str) -> datetime:
    """Stored UTC text back as an aware datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)
