"""A Reply as Telegram HTML: escaped text, <b> titles, <pre> tables, inline keyboards.

Telegram refuses text over 4,096 characters and callback data over 64 bytes,
so a long reply becomes pages cut between blocks (a block too long on its own
is cut between lines, a table repeating its header), never inside a tag.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.reply import CALLBACK_LIMIT, Block, Button, Paragraph, Reply, Title

__all__ = [
    "BELOW_PREFIX",
    "PAGE_PREFIX",
    "TEXT_LIMIT",
    "button_data",
    "callback_data",
    "keyboard",
    "page_row",
    "pages",
    "parse_page",
]

TEXT_LIMIT = 4096  # characters after entity parsing; we count the HTML, which is longer
PAGE_PREFIX = "pg:"  # callback data "pg:2:/help": show page 2 of what /help answers
BELOW_PREFIX = "+"  # callback data "+/fix 1 margin 150": answer below, edit nothing


def pages(reply: Reply, limit: int = TEXT_LIMIT) -> list[str]:
    """The reply's blocks as HTML pages, each at most `limit` long."""
    found: list[str] = []
    current = ""
    for fragment in (piece for block in reply.blocks for piece in _fragments(block, limit)):
        candidate = f"{current}\n\n{fragment}" if current else fragment
        if _size(candidate) <= limit:
            current = candidate
            continue
        found.append(current)
        current = fragment
    if current:
        found.append(current)
    return found


def keyboard(
    rows: Sequence[Sequence[Button]],
    link: tuple[str, str] | None = None,
    app: tuple[str, str] | None = None,
) -> InlineKeyboardMarkup | None:
    """Buttons whose callback data is the command line they stand for, and optional
    (label, url) buttons below them: a link, and the Mini App (private chats only). A
    button whose line does not fit in callback data is left out (its row too, if it
    empties): the reply goes without it, never not at all."""
    fitting = ([b for b in row if b.fits] for row in rows)
    markup = [
        [InlineKeyboardButton(b.label, callback_data=callback_data(button_data(b))) for b in row]
        for row in fitting
        if row
    ]
    if link is not None:
        markup.append([InlineKeyboardButton(link[0], url=link[1])])
    if app is not None:
        markup.append([InlineKeyboardButton(app[0], web_app=WebAppInfo(url=app[1]))])
    return InlineKeyboardMarkup(markup) if markup else None


def button_data(button: Button) -> str:
    """A button's callback data: its command line, marked BELOW_PREFIX when the press
    answers with a new message (the pressed message keeps its text)."""
    return f"{BELOW_PREFIX}{button.action}" if button.below else button.action


def callback_data(data: str) -> str:
    if not 0 < len(data.encode()) <= CALLBACK_LIMIT:
        raise ValueError(f"callback data must be 1-{CALLBACK_LIMIT} bytes: {data!r}")
    return data


def page_row(index: int, count: int, command: str) -> tuple[Button, ...] | None:
    """'‹  2/3  ›' for page `index` (0-based) of `command`; None when the data would not fit."""

    def to(target: int) -> str:
        return f"{PAGE_PREFIX}{target}:{command}"

    if len(to(count - 1).encode()) > CALLBACK_LIMIT:
        return None
    row = [Button(f"{index + 1}/{count}", to(index))]
    if index > 0:
        row.insert(0, Button("‹", to(index - 1)))
    if index < count - 1:
        row.append(Button("›", to(index + 1)))
    return tuple(row)


def parse_page(data: str) -> tuple[int, str] | None:
    """'pg:2:/help' -> (2, '/help'); None for anything else."""
    if not data.startswith(PAGE_PREFIX):
        return None
    number, _, command = data.removeprefix(PAGE_PREFIX).partition(":")
    if not number.isdigit() or not command.startswith("/"):
        return None
    return int(number), command


def _fragments(block: Block, limit: int) -> list[str]:
    if isinstance(block, Title):
        return _wrapped(block.text.split("\n"), "<b>", "</b>", limit)
    if isinstance(block, Paragraph):
        return _wrapped(block.text.split("\n"), "", "", limit)
    lines = Reply((block,)).plain_text().split("\n")
    return _wrapped(lines[1:], "<pre>", "</pre>", limit, head=lines[0])


def _wrapped(
    lines: list[str], opening: str, closing: str, limit: int, head: str | None = None
) -> list[str]:
    """Lines packed into as few `opening…closing` fragments as fit; a table's head repeats."""
    budget = limit - _size(opening) - _size(closing)
    prefix = [] if head is None else [head]
    pieces: list[list[str]] = []
    current: list[str] = []
    room = budget - (_size(head) + 1 if head is not None else 0)
    for part in (piece for line in lines for piece in _cut(line, room)):
        if current and _size(_escape([*prefix, *current, part])) > budget:
            pieces.append(current)
            current = []
        current.append(part)
    if current or not pieces:
        pieces.append(current)
    return [opening + _escape([*prefix, *piece]) + closing for piece in pieces]


def _cut(line: str, budget: int) -> Iterator[str]:
    """A line too long for one message, in pieces that fit (rare: a huge paragraph)."""
    budget = max(budget, 1)
    while _size(html.escape(line, quote=False)) > budget:
        cut = budget
        while _size(html.escape(line[:cut], quote=False)) > budget:
            cut -= max(1, cut // 8)
        yield line[:cut]
        line = line[cut:]
    yield line


def _escape(lines: list[str]) -> str:
    return html.escape("\n".join(lines), quote=False)


def _size(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
