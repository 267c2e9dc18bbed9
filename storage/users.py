"""Users and their settings: language, exchange, timezone, defaults, custom rates.

A user is created on first contact together with a portfolio named "main",
which becomes the active one, so every later command has somewhere to write.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiosqlite

from engine.errors import InvalidInput
from engine.models import CustomRates, Exchange, MarginMode, build
from engine.numbers import ONE, ZERO, to_decimal
from storage._json import dumps_exact
from storage.db import Database, fetch_one, insert
from storage.errors import NotFound

__all__ = ["DEFAULT_PORTFOLIO", "SETTINGS", "User", "UserRepository"]

DEFAULT_PORTFOLIO = "main"
_MAX_LANGUAGE = 16
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*")
_MAX_LEVERAGE = Decimal(200)  # above any exchange's limit: a typo guard, not a rule


@dataclass(frozen=True, slots=True)
class User:
    id: int  # the Telegram user id
    language: str | None  # the user's explicit choice; None: follow Telegram's
    telegram_language: str | None  # what Telegram reported in their last update
    exchange: Exchange
    timezone: str
    risk_profile: Mapping[str, Any] | None
    default_leverage: Decimal
    default_margin_mode: MarginMode
    custom_mmr: Decimal | None
    custom_maintenance_amount: Decimal | None
    custom_fee_rate: Decimal | None
    active_portfolio_id: int | None  # set on creation; None only inside get_or_create
    created_at: datetime

    @property
    def custom_rates(self) -> CustomRates | None:
        """The `custom` exchange profile, once a maintenance rate is set."""
        if self.custom_mmr is None:
            return None
        return CustomRates(
            mmr=self.custom_mmr,
            maintenance_amount=self.custom_maintenance_amount or ZERO,
            fee_rate=self.custom_fee_rate or ZERO,
        )


_HAS_CHANGES = """
    SELECT 1 FROM history WHERE user_id = ?
    UNION ALL SELECT 1 FROM positions JOIN portfolios ON portfolios.id = positions.portfolio_id
    WHERE portfolios.user_id = ? LIMIT 1
"""


class UserRepository:
    """Users and their settings.

    Settings are read on every command, so a user read is kept for a few seconds
    (`CACHE_SECONDS`); this process's own updates refresh it at once. A second
    process writing the same file sees its own changes at once and the other's
    within that time.
    """

    CACHE_SECONDS = 10.0
    CACHE_SIZE = 1024  # past this, entries older than CACHE_SECONDS go

    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: dict[int, tuple[float, User]] = {}

    async def get(self, user_id: int) -> User:
        cached = self._cache.get(user_id)
        if cached is not None and time.monotonic() - cached[0] < self.CACHE_SECONDS:
            return cached[1]
        row = await self._db.fetch_one("SELECT * FROM users WHERE id = ?", (user_id,))
        if row is None:
            raise NotFound(what="user", user_id=user_id)
        return self._remember(user_from_row(row))

    async def forget(self, user_id: int) -> None:
        """Undo a first contact whose line was refused: the user and their empty portfolio.

        A user with any change recorded (another line of theirs that was not refused) stays.
        """
        self._cache.pop(user_id, None)
        async with self._db.transaction() as conn:
            if await fetch_one(conn, _HAS_CHANGES, (user_id, user_id)) is not None:
                return
            await conn.execute(
                "UPDATE users SET active_portfolio_id = NULL WHERE id = ?", (user_id,)
            )
            await conn.execute("DELETE FROM portfolios WHERE user_id = ?", (user_id,))
            await conn.execute("DELETE FROM users WHERE id = ?", (user_id,))

    async def get_or_create(self, user_id: int) -> User:
        """The user, created with a default portfolio on first contact.

        The language stays unset until the user chooses one, so the bot keeps
        following the language Telegram reports for them until then.
        """
        try:
            return await self.get(user_id)
        except NotFound:
            pass
        async with self._db.transaction() as conn:
            # OR IGNORE: another task may have created the user since the read above.
            await conn.execute("INSERT OR IGNORE INTO users (id) VALUES (?)", (user_id,))
            if (await _fetch(conn, user_id)).active_portfolio_id is None:
                portfolio_id = await insert(
                    conn,
                    "INSERT INTO portfolios (user_id, name) VALUES (?, ?)",
                    (user_id, DEFAULT_PORTFOLIO),
                )
                await conn.execute(
                    "UPDATE users SET active_portfolio_id = ? WHERE id = ?",
                    (portfolio_id, user_id),
                )
            user = await _fetch(conn, user_id)
        return self._remember(user)

    async def heard(self, user_id: int, language_code: str | None) -> None:
        """Keep the language Telegram reported in the user's latest update, for the
        messages they get without asking (alerts, digests, notices); written only when
        it changed. A tag that is no language tag is ignored, never stored."""
        if not language_code:
            return
        try:
            code = _language(language_code.strip())
        except InvalidInput:
            return
        try:
            known = await self.get(user_id)
        except NotFound:  # a line that stores no one (/calc in a group, a stray "yes")
            return
        if known.telegram_language != code:
            await self.update(user_id, telegram_language=code)

    def _remember(self, user: User) -> User:
        """Cache the user for CACHE_SECONDS; entries past that are dropped whenever the
        cache has grown past CACHE_SIZE, so it holds the users of the last seconds, not
        every user ever seen (issue 14)."""
        now = time.monotonic()
        if len(self._cache) >= self.CACHE_SIZE:
            fresh = now - self.CACHE_SECONDS
            self._cache = {k: v for k, v in self._cache.items() if v[0] > fresh}
        self._cache[user.id] = (now, user)
        return user

    async def update(self, user_id: int, **fields: object) -> User:
        """Change settings by name (see SETTINGS); one transaction, all or nothing.

        Cross-field rules are checked against the result: custom rates must form
        valid `CustomRates`. (The position mode is a portfolio's: `PortfolioRepository`.)
        """
        columns = {name: _setter(name)(value) for name, value in fields.items()}
        async with self._db.transaction() as conn:
            await _fetch(conn, user_id)
            if columns:
                assignments = ", ".join(f"{name} = ?" for name in columns)  # names whitelisted
                await conn.execute(
                    f"UPDATE users SET {assignments} WHERE id = ?", (*columns.values(), user_id)
                )
            user = await _fetch(conn, user_id)
            _check_custom_rates(user)
        return self._remember(user)


async def _fetch(conn: aiosqlite.Connection, user_id: int) -> User:
    row = await fetch_one(conn, "SELECT * FROM users WHERE id = ?", (user_id,))
    if row is None:
        raise NotFound(what="user", user_id=user_id)
    return user_from_row(row)


def _setter(name: str) -> Callable[[object], str | None]:
    setter = SETTINGS.get(name)
    if setter is None:
        raise InvalidInput(field=name, reason="unknown_setting")
    return setter


def _optional_text(value: object, field: str, parse: Callable[[str], str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(field=field, reason="not_text")
    return parse(value.strip())


def _language(text: str) -> str:
    """A language tag as Telegram ('pt-br') or gettext ('pt_BR') writes it, kept as given."""
    if len(text) > _MAX_LANGUAGE or not _LANGUAGE.fullmatch(text):
        raise InvalidInput(field="language", reason="invalid", value=text[:_MAX_LANGUAGE])
    return text


def _timezone(value: object) -> str:
    """Any IANA name the system knows ('Europe/Berlin'); validated, stored as given."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(field="timezone", reason="not_text")
    try:
        ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(field="timezone", reason="unknown", value=value[:64]) from None
    return value.strip()


def _choice(kind: type[StrEnum], field: str, value: object) -> str:
    if isinstance(value, str) and value in {member.value for member in kind}:
        return kind(value).value
    raise InvalidInput(field=field, reason="unknown_choice", value=value)


def _leverage(value: object) -> str:
    leverage = to_decimal(value, "default_leverage")
    if not ONE <= leverage <= _MAX_LEVERAGE:
        raise InvalidInput(field="default_leverage", reason="out_of_range", value=leverage)
    return str(leverage)


def _optional_decimal(field: str, value: object) -> str | None:
    return None if value is None else str(to_decimal(value, field))


def _risk_profile(value: object) -> str | None:
    """Any JSON object the bot defines; money in it as Decimal or text, never float."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidInput(field="risk_profile", reason="not_an_object")
    return dumps_exact(value, "risk_profile")


SETTINGS: Mapping[str, Callable[[object], str | None]] = {
    "language": partial(_optional_text, field="language", parse=_language),
    "telegram_language": partial(_optional_text, field="telegram_language", parse=_language),
    "exchange": partial(_choice, Exchange, "exchange"),
    "timezone": _timezone,
    "risk_profile": _risk_profile,
    "default_leverage": _leverage,
    "default_margin_mode": partial(_choice, MarginMode, "default_margin_mode"),
    "custom_mmr": partial(_optional_decimal, "custom_mmr"),
    "custom_maintenance_amount": partial(_optional_decimal, "custom_maintenance_amount"),
    "custom_fee_rate": partial(_optional_decimal, "custom_fee_rate"),
}


def _check_custom_rates(user: User) -> None:
    """Each rate may be set on its own; together they must make valid CustomRates."""
    rates = (user.custom_mmr, user.custom_maintenance_amount, user.custom_fee_rate)
    if all(rate is None for rate in rates):
        return
    try:
        build(
            CustomRates,
            {
                "mmr": user.custom_mmr or ZERO,
                "maintenance_amount": user.custom_maintenance_amount or ZERO,
                "fee_rate": user.custom_fee_rate or ZERO,
            },
        )
    except InvalidInput as error:  # name the setting, not the engine's field
        raise InvalidInput(**{**error.params, "field": f"custom_{error.params['field']}"}) from None


def _column(row: sqlite3.Row, name: str) -> Any:
    """A column a file before its migration lacks (read while migrating): None."""
    try:
        return row[name]
    except IndexError:
        return None


def user_from_row(row: sqlite3.Row) -> User:
    """A row of users as a User."""

    def decimal(column: str) -> Decimal | None:
        text = row[column]
        return None if text is None else Decimal(text)

    profile = row["risk_profile"]
    return User(
        id=row["id"],
        language=row["language"],
        telegram_language=_column(row, "telegram_language"),
        exchange=Exchange(row["exchange"]),
        timezone=row["timezone"],
        risk_profile=None if profile is None else json.loads(profile),
        default_leverage=Decimal(row["default_leverage"]),
        default_margin_mode=MarginMode(row["default_margin_mode"]),
        custom_mmr=decimal("custom_mmr"),
        custom_maintenance_amount=decimal("custom_maintenance_amount"),
        custom_fee_rate=decimal("custom_fee_rate"),
        active_portfolio_id=row["active_portfolio_id"],
        created_at=datetime.fromisoformat(row["created_at"]),
    )
