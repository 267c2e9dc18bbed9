"""Deep links that carry a request from a group into a private chat.

`https://t.me/<bot>?start=<payload>` opens the private chat and sends
`/start <payload>`. A payload is at most 64 characters of [A-Za-z0-9_-], so
the command line travels base64url-encoded; one too long travels as its
command name alone.
"""

from __future__ import annotations

import base64
import binascii

__all__ = ["decode", "encode", "link"]

_PAYLOAD_LIMIT = 64
_PREFIX = "c"


def encode(request: str) -> str:
    payload = _PREFIX + base64.urlsafe_b64encode(request.encode()).decode().rstrip("=")
    if len(payload) <= _PAYLOAD_LIMIT:
        return payload
    return encode(request.split(maxsplit=1)[0][:40])


def decode(payload: str) -> str | None:
    """The command line in a payload, or None when it is not one of ours."""
    if not payload.startswith(_PREFIX) or len(payload) > _PAYLOAD_LIMIT:
        return None
    body = payload[len(_PREFIX) :]
    try:
        text = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return text if text.startswith("/") and text.isprintable() else None


def link(username: str, request: str) -> str:
    return f"https://t.me/{username}?start={encode(request)}"
