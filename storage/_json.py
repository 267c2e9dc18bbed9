"""JSON for stored documents: Decimals become exact text, floats are refused.

A float that slipped into a payload would bring binary rounding back into
money, so it is an error here rather than a silent conversion.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal

from engine.errors import InvalidInput

__all__ = ["dumps_exact"]


def dumps_exact(value: Mapping[str, object], field: str) -> str:
    """Serialize a JSON object, raising InvalidInput naming `field` when it cannot be exact."""
    _refuse_floats(value, field)
    try:
        return json.dumps(value, allow_nan=False, sort_keys=True, default=_decimal_text)
    except (TypeError, ValueError):
        raise InvalidInput(field=field, reason="not_json") from None


def _refuse_floats(value: object, field: str) -> None:
    if isinstance(value, float):
        raise InvalidInput(field=field, reason="float_not_allowed", value=value)
    if isinstance(value, Mapping):
        children = list(value.values())
    elif isinstance(value, list | tuple):
        children = list(value)
    else:
        return
    for child in children:
        _refuse_floats(child, field)


def _decimal_text(value: object) -> str:
    if isinstance(value, Decimal) and value.is_finite():
        return str(value)
    raise TypeError(type(value).__name__)
