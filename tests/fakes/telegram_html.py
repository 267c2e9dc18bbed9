"""Telegram's HTML parse mode, as strict as the Bot API: the fake server's entity parser.

Telegram accepts a small set of tags, requires every '<', '>' and '&' outside a
tag or entity to be escaped, and answers 400 "can't parse entities" otherwise.
Limits count the text *after* parsing, in UTF-16 code units.
"""

from __future__ import annotations

import html
import re

__all__ = ["EntityError", "parse_html", "utf16_length"]

_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
}
_TAG = re.compile(r"<(/?)([a-z-]+)((?:\s+[a-z-]+(?:=\"[^\"<>]*\"|='[^'<>]*')?)*)\s*>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")


class EntityError(ValueError):
    """What Telegram says after "Bad Request: can't parse entities: "."""


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str) -> str:
    """The plain text Telegram would show, or EntityError where Telegram refuses."""
    out: list[str] = []
    stack: list[str] = []
    position = 0
    while position < len(source):
        char = source[position]
        if char == "<":
            position = _tag(source, position, stack)
        elif char == "&":
            match = _ENTITY.match(source, position)
            if match is None:
                raise EntityError(f"unsupported start tag or entity at byte offset {position}")
            out.append(html.unescape(match.group(0)))
            position = match.end()
        elif char == ">":
            raise EntityError(f"unexpected '>' at byte offset {position}")
        else:
            out.append(char)
            position += 1
    if stack:
        raise EntityError(f'can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def _tag(source: str, position: int, stack: list[str]) -> int:
    match = _TAG.match(source, position)
    if match is None:
        raise EntityError(f"unsupported start tag at byte offset {position}")
    closing, name, attributes = match.groups()
    if name not in _TAGS:
        raise EntityError(f'unsupported start tag "{name}" at byte offset {position}')
    if closing:
        if not stack or stack[-1] != name:
            raise EntityError(f'unmatched end tag at byte offset {position}, expected "{name}"')
        stack.pop()
    else:
        if name == "a" and "href=" not in attributes:
            raise EntityError("a tag without href")
        stack.append(name)
    return match.end()
