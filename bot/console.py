"""A terminal chat on the same command layer and database as the bot.

On a terminal it keeps readline history and lets you press a button by typing
its number; with standard input from a file or a pipe it answers one command
per line and exits at the end, so sessions can be scripted.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Iterable
from typing import TextIO

from bot.commands import Caller, CommandLayer
from bot.reply import Button, Reply

__all__ = ["LOCAL_USER", "render", "run_console"]

LOCAL_USER = (
    1  # the console's default user id: a local trader, never a Telegram id clash in practice
)
PROMPT = "isocross> "


def render(reply: Reply) -> str:
    """A reply as plain text, buttons as numbered choices."""
    lines = [reply.plain_text()]
    numbered = [button for row in reply.buttons for button in row]
    if numbered:
        lines.append("  ".join(f"[{n}] {b.label}" for n, b in enumerate(numbered, start=1)))
    return "\n".join(lines)


def _buttons(reply: Reply | None) -> list[Button]:
    return [] if reply is None else [b for row in reply.buttons for b in row]


async def run_console(
    layer: CommandLayer,
    user_id: int,
    lines: Iterable[str],
    out: TextIO = sys.stdout,
    *,
    interactive: bool = False,
) -> int:
    """Answer each line; a bare number presses that button of the last reply."""
    caller = Caller(user_id=user_id, language_code=None, private=True)
    last: Reply | None = None
    count = 0
    for raw in lines:
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        if text in {"exit", "quit", "/exit", "/quit"}:
            break
        choices = _buttons(last)
        if text.isdigit() and 0 < int(text) <= len(choices):
            text = choices[int(text) - 1].action
        if not interactive:
            print(f"> {text}", file=out)
        last = await layer.handle(text, caller)
        print(render(last) + "\n", file=out, flush=True)
        count += 1
    return count


def terminal_lines() -> Iterable[str]:
    """Lines typed at a prompt, with readline editing and history where available."""
    with contextlib.suppress(ImportError):  # Windows has no readline
        importlib.import_module("readline")  # importing it turns on editing for input()
    while True:
        try:
            yield input(PROMPT)
        except (EOFError, KeyboardInterrupt):
            print()
            return
