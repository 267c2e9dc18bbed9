"""Deep links that carry a request from a group into a private chat, for its asker only.

`https://t.me/<bot>?start=<payload>` opens the private chat and sends
`/start <payload>`. Anyone can craft or forward such a link, so a payload is a
short signed token: the asker's user id, an expiry and an HMAC (keyed by a
secret derived from the bot token) over them and the command line. `/start`
acts on it only for that user before it expires; anything else is not ours.

A payload is at most 64 characters of [A-Za-z0-9_-]: 1 mark + base64url of
7 bytes user id, 3 bytes expiry (in hours), 8 bytes MAC and the line (up to 29
bytes); a longer line travels as its command name alone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

__all__ = ["LIFETIME", "Link", "decode", "encode", "key_for", "link"]

LIFETIME = 24 * 3600  # seconds a link stays good: long enough to open it, not forever
_PAYLOAD_LIMIT = 64
_PREFIX = "s"
_USER_BYTES, _EXPIRY_BYTES = 7, 3  # Telegram user ids fit 52 bits; hours since 1970
_HEAD_SIZE = _USER_BYTES + _EXPIRY_BYTES
_MAC = 8


@dataclass(frozen=True, slots=True)
class Link:
    """A verified payload: whose request it is, until when, and the line."""

    user_id: int
    expires: int
    request: str

    def for_user(self, user_id: int, now: float) -> bool:
        """Whether `user_id` asked for it and it has not expired."""
        return self.user_id == user_id and now < self.expires


def key_for(token: str) -> bytes:
    """The signing key: derived from the bot token, so a restart keeps links good and
    nobody without the token can sign one."""
    return hashlib.sha256(b"isocross deep link\0" + token.encode()).digest()


def encode(request: str, user_id: int, key: bytes, now: float) -> str:
    """The payload carrying `request` for `user_id`, good for `LIFETIME` seconds."""
    expires = -(-(int(now) + LIFETIME) // 3600)  # whole hours, rounded up
    head = user_id.to_bytes(_USER_BYTES, "big") + expires.to_bytes(_EXPIRY_BYTES, "big")
    body = request.encode()
    mac = hmac.new(key, head + body, hashlib.sha256).digest()[:_MAC]
    payload = _PREFIX + base64.urlsafe_b64encode(head + mac + body).decode().rstrip("=")
    if len(payload) <= _PAYLOAD_LIMIT:
        return payload
    return encode(request.split(maxsplit=1)[0][:20], user_id, key, now)


def decode(payload: str, key: bytes) -> Link | None:
    """The signed request in a payload, or None when it is not one of ours (or forged)."""
    raw = _raw(payload)
    if raw is None or len(raw) <= _HEAD_SIZE + _MAC:
        return None
    head, rest = raw[:_HEAD_SIZE], raw[_HEAD_SIZE:]
    mac, line = rest[:_MAC], rest[_MAC:]
    if not hmac.compare_digest(mac, hmac.new(key, head + line, hashlib.sha256).digest()[:_MAC]):
        return None
    text = line.decode(errors="replace")
    if not text.startswith("/") or not text.isprintable():
        return None
    user_id = int.from_bytes(head[:_USER_BYTES], "big")
    return Link(user_id, int.from_bytes(head[_USER_BYTES:], "big") * 3600, text)


def _raw(payload: str) -> bytes | None:
    if not payload.startswith(_PREFIX) or len(payload) > _PAYLOAD_LIMIT:
        return None
    body = payload[len(_PREFIX) :]
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        return None


def link(username: str, request: str, user_id: int, key: bytes, now: float) -> str:
    return f"https://t.me/{username}?start={encode(request, user_id, key, now)}"
