"""Buttons that name a position by what it is, not by where it stands in the list.

A typed `/close 1` means the first position now; a "Close" button under an older message
means the position that message showed, which a close may have renumbered. So a
position's button carries `/@<portfolio id>.<key>.<version> <line>`: the position's
stable key (migration 0012) and a digest of the state the message showed. A press runs
the line at that position's current number, or, when the portfolio, the position or its
state is no longer what the message showed, is answered "out of date" and changes
nothing. Margin added or funding paid since leaves the version as it was (closing or
switching still means the same position); a changed size, entry, leverage or mode does
not, since the press would then act on something the message did not show.

Typed lines never carry a stamp, and a forged one grants nothing: it resolves only
within the presser's own active portfolio, to a line they could have typed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from bot.i18n import Translator
from bot.reply import Button
from bot.views.tables import mode_name
from storage.portfolios import StoredPortfolio, StoredPosition

__all__ = ["PREFIX", "Pressed", "parse", "position_buttons", "resolve", "stamped", "target"]

PREFIX = "/@"
_VERSION_LENGTH = 6  # hex digits of the state digest
_HEAD = re.compile(rf"(\d{{1,12}})\.([0-9a-f]{{1,16}})\.([0-9a-f]{{{_VERSION_LENGTH}}})")


@dataclass(frozen=True, slots=True)
class Pressed:
    """A stamped line taken apart: the portfolio, the position's key and version, the line."""

    portfolio_id: int
    key: str
    version: str
    line: str


def stamped(portfolio_id: int, stored: StoredPosition, line: str) -> str:
    """`line` (whose first argument is the position's number) bound to that position; an
    unstored one (no key) keeps the plain line."""
    if stored.key is None:
        return line
    return f"{PREFIX}{portfolio_id}.{stored.key}.{_version(stored)} {line}"


def position_buttons(
    tr: Translator, portfolio_id: int, stored: StoredPosition
) -> tuple[tuple[Button, ...], ...]:
    """Close, add margin, switch mode and a what-if for one position, each bound to it."""
    seq, position = stored.seq, stored.position
    other = position.margin_mode.other

    def bound(line: str) -> str:
        return stamped(portfolio_id, stored, line)

    return (
        (
            Button(tr("Close"), bound(f"/close {seq}")),
            Button(tr("Add margin"), bound(f"/margin {seq} +100")),
        ),
        (
            Button(
                tr("Switch to {mode}", mode=mode_name(tr, other)), bound(f"/mode {seq} {other}")
            ),
            Button(tr("What if -10%"), f"/whatif {position.symbol} -10%"),
        ),
    )


def parse(text: str) -> Pressed | None:
    """The parts of a stamped line, or None when `text` carries no stamp (a malformed
    stamp parses to one that matches nothing: out of date, never run)."""
    if not text.startswith(PREFIX):
        return None
    head, _, line = text[len(PREFIX) :].partition(" ")
    match = _HEAD.fullmatch(head)
    words = line.split()
    if match is None or len(words) < 2 or not words[0].startswith("/") or not words[1].isdigit():
        return Pressed(-1, "", "", "")
    return Pressed(int(match[1]), match[2], match[3], " ".join(words))


def target(pressed: Pressed, portfolio: StoredPortfolio) -> StoredPosition | None:
    """The position the pressed message showed, if the active portfolio still holds it."""
    if portfolio.id != pressed.portfolio_id:
        return None
    return next((s for s in portfolio.positions if s.key == pressed.key), None)


def resolve(pressed: Pressed, portfolio: StoredPortfolio) -> str | None:
    """The line at the position's current number, or None when the message is out of date
    (another portfolio is active, the position is gone or its state changed)."""
    found = target(pressed, portfolio)
    if found is None or _version(found) != pressed.version:
        return None
    words = pressed.line.split()
    return " ".join((words[0], str(found.seq), *words[2:]))


def _version(stored: StoredPosition) -> str:
    """A digest of what a press's meaning depends on: side, size, entry, leverage, mode."""
    p = stored.position
    parts = (p.symbol, p.side.value, p.qty, p.entry_price, p.leverage, p.margin_mode.value)
    text = "|".join(str(part) for part in (*parts, p.isolated_margin))
    return hashlib.sha256(text.encode()).hexdigest()[:_VERSION_LENGTH]
