"""Numbers in the command lines the bot writes itself (buttons, the /new hint)."""

from __future__ import annotations

from decimal import Decimal

__all__ = ["plain"]


def plain(value: Decimal) -> str:
    """A number for a command line that reads the same in every locale: no grouping, '.'
    for the decimals and never exactly three of them ('1.2340', not '1.234': es reads
    '1.234' as 1234)."""
    text = format(value, "f")
    if "." in text and len(text.split(".", 1)[1]) == 3:
        text += "0"
    return text
