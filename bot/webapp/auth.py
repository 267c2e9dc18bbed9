"""Who is asking: Telegram's `initData`, checked as the Mini Apps documentation says.

Telegram signs the launch parameters it gives a Mini App: the data-check-string is every
field but `hash`, sorted by key, as `key=value` lines joined by newlines; the secret key
is HMAC-SHA256 of the bot token keyed with "WebAppData"; `hash` is the hex HMAC-SHA256 of
the data-check-string under that key (core.telegram.org/bots/webapps, "Validating data
received via the Mini App"). Only a validated `user` is trusted, and only while
`auth_date` is recent: a leaked launch URL stops working after `max_age`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode

__all__ = ["MAX_INIT_DATA", "AuthError", "WebAppUser", "sign", "validate"]

MAX_INIT_DATA = 8192  # bytes; Telegram's are a few hundred, a larger one is not read at all
_KEY_SALT = b"WebAppData"


class AuthError(Exception):
    """Why initData was refused, as a stable code (the API answers 401 for every one)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class WebAppUser:
    """The validated sender: the owner of every read and write the request makes."""

    id: int
    language_code: str | None
    auth_date: datetime


def validate(init_data: str, token: str, now: datetime, max_age: timedelta) -> WebAppUser:
    """The user `init_data` names, if Telegram signed it for this bot within `max_age`."""
    if len(init_data.encode()) > MAX_INIT_DATA:
        raise AuthError("too_large")
    fields = _fields(init_data)
    received = fields.pop("hash", None)
    if received is None:
        raise AuthError("missing_hash")
    if not hmac.compare_digest(_signature(fields, token), received.lower()):
        raise AuthError("bad_hash")
    auth_date = _auth_date(fields, now)
    if auth_date > now + timedelta(seconds=60):  # a minute of clock skew, no more
        raise AuthError("from_the_future")
    if now - auth_date > max_age:
        raise AuthError("expired")
    return _user(fields, auth_date)


def sign(fields: dict[str, str], token: str) -> str:
    """`fields` as initData with its hash: what Telegram sends (the tests' stand-in)."""
    return urlencode({**fields, "hash": _signature(fields, token)})


def _fields(init_data: str) -> dict[str, str]:
    """The query string's fields; a repeated key is refused (which one would be signed?)."""
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise AuthError("malformed") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise AuthError("duplicate_key")
    return fields


def _signature(fields: dict[str, str], token: str) -> str:
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    secret = hmac.new(_KEY_SALT, token.encode(), hashlib.sha256).digest()
    return hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()


def _auth_date(fields: dict[str, str], now: datetime) -> datetime:
    raw = fields.get("auth_date", "")
    if not raw.isdigit() or len(raw) > 12:
        raise AuthError("bad_auth_date")
    return datetime.fromtimestamp(int(raw), tz=now.tzinfo)


def _user(fields: dict[str, str], auth_date: datetime) -> WebAppUser:
    try:
        user = json.loads(fields.get("user", ""))
    except ValueError:
        raise AuthError("bad_user") from None
    if not isinstance(user, dict) or type(user.get("id")) is not int or user["id"] <= 0:
        raise AuthError("bad_user")
    language = user.get("language_code")
    return WebAppUser(user["id"], language if isinstance(language, str) else None, auth_date)
