"""Logging for the bot process, with the token kept out of every line.

The token is part of every Bot API URL, and httpx logs request URLs at INFO,
so httpx and httpcore are held at WARNING. At DEBUG, python-telegram-bot logs
every update it processes and every Bot API call with its parameters (what
users typed, their names, the amounts in a reply), and aiosqlite logs every
statement with its parameters (balances, portfolio names), so `telegram` and
`aiosqlite` are held at INFO whatever the configured level. As a second line of
defence a filter on the root handlers replaces any secret in a record (message,
arguments, traceback) with a placeholder before it is written, and writes a
traceback as its frames and the exception's type only: an exception's message
can quote what a user typed or an amount (pydantic's `input_value=...`). Any URL
in a record loses its credentials (`https://user:pass@host` -> `https://[redacted]@host`,
`redact_urls`): TELEGRAM_API_URL may carry a proxy's login.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable
from types import TracebackType

__all__ = ["MASK", "Redactor", "configure_logging", "quiet_http_logs", "redact_urls"]

MASK = "[redacted]"
# scheme://userinfo@ : the userinfo (user, or user:password) is what goes
_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/@]+@")
_QUIET = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "telegram": logging.INFO,
    "aiosqlite": logging.INFO,
}


class Redactor(logging.Filter):
    """Rewrites records so that none of `secrets` appears in what a handler writes."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = _frames_and_type(record.exc_info)
        record.msg, record.args = self._clean(message), ()
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        return True

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return redact_urls(text)


def redact_urls(text: str) -> str:
    """Every URL in `text` without its user and password."""
    return _CREDENTIALS.sub(rf"\1{MASK}@", text)


ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


def _frames_and_type(exc_info: ExcInfo) -> str:
    """Where it failed and what kind of error, never the error's message (nor its causes')."""
    kind, error, tb = exc_info
    if kind is None or error is None:
        return ""
    lines = ["Traceback (most recent call last):\n", *traceback.format_tb(tb)]
    lines.append(f"{kind.__module__}.{kind.__qualname__} (message withheld)")
    cause = error.__cause__ or error.__context__
    if cause is not None:
        lines.append(f"\n  caused by {type(cause).__module__}.{type(cause).__qualname__}")
    return "".join(lines)


def configure_logging(level: str, secrets: Iterable[str]) -> Redactor:
    """Root logging at `level`, every root handler redacting `secrets`."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    redactor = Redactor(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    quiet_http_logs()
    return redactor


def quiet_http_logs() -> None:
    """httpx logs every request URL, token included, at INFO: keep it to warnings; PTB and
    aiosqlite log updates, requests and SQL with their parameters at DEBUG: keep them to INFO."""
    for name, level in _QUIET.items():
        logging.getLogger(name).setLevel(level)
