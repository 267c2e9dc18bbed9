"""Alert settings: thresholds, quiet hours, digest times, as the user changes them by name.

Kept apart from the alert state and the outbox (`storage.alerts`): this is what a
user chose, checked once on the way in (warn before danger, quiet hours whole).
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from typing import Any

from engine.errors import InvalidInput
from engine.numbers import ONE, ZERO, to_decimal

__all__ = ["AlertSettings", "changed", "column_value", "settings_from_row"]

_DECIMAL_FIELDS = ("warn_ratio", "danger_ratio", "warn_distance", "danger_distance")
_TIME_FIELDS = ("quiet_start", "quiet_end", "digest_time")


@dataclass(frozen=True, slots=True)
class AlertSettings:
    """Thresholds: ratio is maintenance / margin balance (1 = liquidation); distance
    is the fraction the mark must move to reach the liquidation price."""

    enabled: bool = True
    warn_ratio: Decimal = Decimal("0.70")
    danger_ratio: Decimal = Decimal("0.85")
    warn_distance: Decimal = Decimal("0.10")
    danger_distance: Decimal = Decimal("0.05")
    # False: distances scale with each subject's opening cushion (warn_distance and
    # danger_distance then stand in only for a subject without one); True: these two
    # distances, chosen with /alerts distance, apply to every subject
    fixed_distance: bool = False
    quiet_start: time | None = None  # in the user's timezone
    quiet_end: time | None = None
    digest_time: time | None = None
    weekly_review: bool = False  # /digest weekly: the mode advice with the week's closest call


def changed(current: AlertSettings, fields: Mapping[str, object]) -> AlertSettings:
    """`current` with `fields` changed by name, parsed and checked; InvalidInput if not."""
    updated = dataclasses.replace(current, **_parse(fields))
    _check(updated)
    return updated


def _parse(fields: Mapping[str, object]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for name, value in fields.items():
        if name in ("enabled", "weekly_review", "fixed_distance"):
            if not isinstance(value, bool):
                raise InvalidInput(field=name, reason="not_a_bool")
            parsed[name] = value
        elif name in _DECIMAL_FIELDS:
            parsed[name] = to_decimal(value, name)
        elif name in _TIME_FIELDS:
            parsed[name] = _time(value, name)
        else:
            raise InvalidInput(field=name, reason="unknown_setting")
    return parsed


def _time(value: object, field: str) -> time | None:
    """A wall-clock time, given as `datetime.time` or 'HH:MM'; kept to the minute."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = time.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput(field=field, reason="not_a_time", value=value) from None
    if not isinstance(value, time):
        raise InvalidInput(field=field, reason="not_a_time", value=value)
    return value.replace(second=0, microsecond=0, tzinfo=None)


def _check(settings: AlertSettings) -> None:
    """Danger is the nearer threshold: a higher ratio, a smaller distance."""
    if not ZERO < settings.warn_ratio < settings.danger_ratio <= ONE:
        raise InvalidInput(field="danger_ratio", reason="ratio_order")
    if not ZERO < settings.danger_distance < settings.warn_distance < ONE:
        raise InvalidInput(field="danger_distance", reason="distance_order")
    if (settings.quiet_start is None) != (settings.quiet_end is None):
        raise InvalidInput(field="quiet_end", reason="quiet_hours_incomplete")


def column_value(value: object) -> object:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return None if value is None else str(value)


def settings_from_row(row: sqlite3.Row) -> AlertSettings:
    """A row of alert_settings as AlertSettings."""

    def clock(column: str) -> time | None:
        text = row[column]
        return None if text is None else time.fromisoformat(text)

    return AlertSettings(
        enabled=bool(row["enabled"]),
        warn_ratio=Decimal(row["warn_ratio"]),
        danger_ratio=Decimal(row["danger_ratio"]),
        warn_distance=Decimal(row["warn_distance"]),
        danger_distance=Decimal(row["danger_distance"]),
        quiet_start=clock("quiet_start"),
        quiet_end=clock("quiet_end"),
        digest_time=clock("digest_time"),
        weekly_review=bool(row["weekly_review"]),
        fixed_distance=bool(row["fixed_distance"]),
    )
