"""What a command answers, independent of the transport that shows it.

A reply is blocks (titles, paragraphs, tables) plus optional buttons and a
picture; the Telegram adapter renders them as HTML, the console as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CALLBACK_LIMIT", "Block", "Button", "Paragraph", "Reply", "Table", "Title"]

CALLBACK_LIMIT = 64  # Telegram's limit on callback data, in bytes


@dataclass(frozen=True, slots=True)
class Title:
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True)
class Table:
    """Monospace rows; numbers are already formatted for the reader's locale."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Title | Paragraph | Table


@dataclass(frozen=True, slots=True)
class Button:
    """A press that stands for a command line. One whose line is over Telegram's 64 bytes
    (a long CJK symbol) is made all the same and left out where it is drawn: building a
    reply after its change was committed must never fail on a button."""

    label: str
    action: str  # a command line the press stands for, e.g. "/close 2"
    # the press answers with a new message and the pressed one keeps its text (an alert's
    # buttons: pressing a fix never edits the alert away)
    below: bool = False

    @property
    def fits(self) -> bool:
        """Whether Telegram can carry the action as callback data (with the one-byte mark
        of a press answered below, `below`)."""
        return 0 < len(self.action.encode()) + self.below <= CALLBACK_LIMIT


@dataclass(frozen=True, slots=True)
class Reply:
    blocks: tuple[Block, ...]
    buttons: tuple[tuple[Button, ...], ...] = ()
    picture: bytes | None = None
    is_error: bool = False
    private_only: bool = False  # shows a portfolio: never in a group chat
    private_request: str | None = None  # refused in a group: the line to continue in private
    # a question: the command line a plain "yes" (in the user's language) runs next; the
    # command layer keeps it as the user's one pending confirmation until another line comes
    confirm: str | None = None

    @classmethod
    def of(cls, *blocks: Block | str, buttons: Sequence[Sequence[Button]] = ()) -> Reply:
        converted = tuple(Paragraph(b) if isinstance(b, str) else b for b in blocks)
        return cls(converted, tuple(tuple(row) for row in buttons))

    @classmethod
    def error(cls, *blocks: Block | str) -> Reply:
        converted = tuple(Paragraph(b) if isinstance(b, str) else b for b in blocks)
        return cls(converted, is_error=True)

    def plain_text(self) -> str:
        """Every block as plain text: the console's rendering and the tests' view."""
        return "\n\n".join(_plain(block) for block in self.blocks)


def _plain(block: Block) -> str:
    if isinstance(block, Title):
        return block.text
    if isinstance(block, Paragraph):
        return block.text
    rows = [block.header, *block.rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(block.header))]
    lines = [
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines)
