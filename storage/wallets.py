"""Watched wallets: the addresses users watch, and the last snapshot read of each.

A watch is a row tying a user, a label and an address to the read-only portfolio
'hl:<label>' that the sync writes each snapshot into (`WATCHED_PREFIX`). Several
users may watch one address; the sync reads it once and writes every watcher's
portfolio in the same transaction as the snapshot, so a portfolio never shows a
snapshot other than the one stored. Only addresses and snapshots are kept: no key,
no past snapshots. Every query that answers a user carries the user's id.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import aiosqlite

from engine.models import Position, PositionMode
from engine.numbers import to_decimal
from storage._contents import Leg, PortfolioRef, State, normalize, write_state
from storage._time import from_text, to_text
from storage.db import Database, fetch_all, fetch_one
from storage.errors import Conflict, NotFound
from storage.portfolios import (
    WATCHED_PREFIX,
    PortfolioRepository,
    _activate,
    _insert,
    _valid_name,
)

__all__ = [
    "HeldPosition",
    "WalletRepository",
    "WalletSnapshot",
    "Watch",
    "Watcher",
]

MAX_WATCHED = 5  # wallets per user: each is a request every interval


@dataclass(frozen=True, slots=True)
class HeldPosition:
    """One open position of a snapshot, as the exchange reported it."""

    symbol: str  # canonical, as the portfolio holds it ('BTCUSDT')
    coin: str  # as Hyperliquid names it ('BTC')
    side: str  # 'long' | 'short'
    qty: Decimal
    entry: Decimal
    liquidation: Decimal | None  # the exchange's price; None: none or unreadable
    liquidation_kind: str  # 'price' | 'none' | 'unreadable'


@dataclass(frozen=True, slots=True)
class WalletSnapshot:
    """The last snapshot of an address: its account value and positions."""

    account_value: Decimal
    positions: tuple[HeldPosition, ...]

    def to_json(self) -> str:
        rows = [
            {
                "symbol": p.symbol,
                "coin": p.coin,
                "side": p.side,
                "qty": str(p.qty),
                "entry": str(p.entry),
                "liquidation": None if p.liquidation is None else str(p.liquidation),
                "liquidation_kind": p.liquidation_kind,
            }
            for p in self.positions
        ]
        return json.dumps({"account_value": str(self.account_value), "positions": rows})

    @classmethod
    def from_json(cls, text: str) -> WalletSnapshot:
        data: dict[str, Any] = json.loads(text)
        return cls(
            to_decimal(data["account_value"], "account_value"),
            tuple(
                HeldPosition(
                    row["symbol"],
                    row["coin"],
                    row["side"],
                    to_decimal(row["qty"], "qty"),
                    to_decimal(row["entry"], "entry"),
                    None if row["liquidation"] is None else to_decimal(row["liquidation"], "liq"),
                    row["liquidation_kind"],
                )
                for row in data["positions"]
            ),
        )

    def by_symbol(self, symbol: str) -> HeldPosition | None:
        return next((p for p in self.positions if p.symbol == symbol), None)


@dataclass(frozen=True, slots=True)
class Watch:
    """One user's watch of one address, with how fresh its snapshot is."""

    user_id: int
    portfolio_id: int
    label: str
    address: str
    fetched_at: datetime | None
    failed_since: datetime | None
    snapshot: WalletSnapshot | None

    @property
    def portfolio(self) -> str:
        return WATCHED_PREFIX + self.label


@dataclass(frozen=True, slots=True)
class Watcher:
    user_id: int
    portfolio_id: int
    label: str


class WalletRepository:
    def __init__(self, db: Database, portfolios: PortfolioRepository) -> None:
        self._db = db
        self._portfolios = portfolios
        # portfolio id -> symbol -> Hyperliquid's liquidation price, as last stored
        self._reported: dict[int, dict[str, Decimal]] = {}

    def reported(self, portfolio_id: int) -> Mapping[str, Decimal]:
        """The exchange's liquidation prices of a watched portfolio's positions, from the
        snapshot this process last stored (empty until the first after a start)."""
        return self._reported.get(portfolio_id, {})

    async def watch(self, user_id: int, address: str, label: str) -> int:
        """Create the portfolio 'hl:<label>' (made active) and the watch in one
        transaction; the portfolio's id."""
        name = _valid_name(WATCHED_PREFIX + label, True)

        async def body(conn: aiosqlite.Connection) -> int:
            count = await fetch_one(
                conn, "SELECT count(*) AS n FROM watched_wallets WHERE user_id = ?", (user_id,)
            )
            if count is not None and count["n"] >= MAX_WATCHED:
                raise Conflict("too_many_wallets", limit=MAX_WATCHED)
            portfolio_id = await _insert(conn, user_id, name)
            await conn.execute(
                "INSERT INTO watched_wallets (user_id, portfolio_id, address, label)"
                " VALUES (?, ?, ?, ?)",
                (user_id, portfolio_id, address, label),
            )
            await conn.execute(
                "INSERT OR IGNORE INTO wallet_snapshots (address) VALUES (?)", (address,)
            )
            await _activate(conn, PortfolioRef(user_id, portfolio_id))
            return portfolio_id

        return await self._db.atomic(body)

    async def unwatch(self, user_id: int, label: str) -> Watch:
        """Delete the watch and its portfolio; the address's snapshot when no one is left."""
        found = next(
            (w for w in await self.list(user_id) if w.label.lower() == label.lower()), None
        )
        if found is None:
            raise NotFound(what="wallet", label=label)
        await self._portfolios.delete(user_id, found.portfolio, watched=True)
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM wallet_snapshots WHERE address = ? AND NOT EXISTS"
                " (SELECT 1 FROM watched_wallets WHERE address = ?)",
                (found.address, found.address),
            )
        return found

    async def list(self, user_id: int) -> tuple[Watch, ...]:
        """The user's watches, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT w.user_id, w.portfolio_id, w.label, w.address, s.fetched_at,"
            " s.failed_since, s.snapshot FROM watched_wallets w"
            " LEFT JOIN wallet_snapshots s ON s.address = w.address"
            " WHERE w.user_id = ? ORDER BY w.created_at, w.portfolio_id",
            (user_id,),
        )
        return tuple(_watch(row) for row in rows)

    async def of_portfolio(self, user_id: int, portfolio_id: int) -> Watch | None:
        rows = await self.list(user_id)
        return next((w for w in rows if w.portfolio_id == portfolio_id), None)

    async def addresses(self) -> dict[str, tuple[Watcher, ...]]:
        """Every watched address with its watchers (the sync's round)."""
        rows = await self._db.fetch_all(
            "SELECT address, user_id, portfolio_id, label FROM watched_wallets"
            " ORDER BY address, user_id"
        )
        found: dict[str, list[Watcher]] = {}
        for row in rows:
            watcher = Watcher(row["user_id"], row["portfolio_id"], row["label"])
            found.setdefault(row["address"], []).append(watcher)
        return {address: tuple(watchers) for address, watchers in found.items()}

    async def snapshot(self, address: str) -> tuple[WalletSnapshot | None, datetime | None]:
        """The address's last snapshot and when it was read (None, None: none yet)."""
        row = await self._db.fetch_one(
            "SELECT snapshot, fetched_at FROM wallet_snapshots WHERE address = ?", (address,)
        )
        if row is None or row["snapshot"] is None:
            return None, None
        return WalletSnapshot.from_json(row["snapshot"]), from_text(row["fetched_at"])

    async def store(
        self,
        address: str,
        snapshot: WalletSnapshot,
        wallet: Decimal,
        positions: Sequence[Position],
        now: datetime,
    ) -> tuple[Watcher, ...]:
        """The snapshot, and it as every watcher's portfolio, in one transaction; the
        watchers written (no undo history: the exchange is the history)."""
        legs = tuple(Leg(normalize(p)) for p in positions)
        state = State(wallet, legs, PositionMode.ONE_WAY)  # Hyperliquid is one-way only

        async def body(conn: aiosqlite.Connection) -> tuple[Watcher, ...]:
            watchers = await _watchers(conn, address)
            await conn.execute(
                "INSERT INTO wallet_snapshots (address, fetched_at, snapshot) VALUES (?, ?, ?)"
                " ON CONFLICT (address) DO UPDATE SET fetched_at = excluded.fetched_at,"
                " snapshot = excluded.snapshot, failed_since = NULL, stale_told = 0",
                (address, to_text(now), snapshot.to_json()),
            )
            for watcher in watchers:
                await write_state(conn, PortfolioRef(watcher.user_id, watcher.portfolio_id), state)
            return watchers

        watchers = await self._db.atomic(body)
        prices = {p.symbol: p.liquidation for p in snapshot.positions if p.liquidation is not None}
        for watcher in watchers:
            self._reported[watcher.portfolio_id] = prices
        return watchers

    async def failed(self, address: str, now: datetime) -> tuple[datetime | None, bool]:
        """A read failed: since when reading has failed, and whether the watchers were
        told the snapshot is stale."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE wallet_snapshots SET failed_since = COALESCE(failed_since, ?)"
                " WHERE address = ?",
                (to_text(now), address),
            )
            row = await fetch_one(
                conn,
                "SELECT failed_since, stale_told FROM wallet_snapshots WHERE address = ?",
                (address,),
            )
        if row is None:
            return None, False
        return from_text(row["failed_since"]), bool(row["stale_told"])

    async def told_stale(self, address: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE wallet_snapshots SET stale_told = 1 WHERE address = ?", (address,)
            )


async def _watchers(conn: aiosqlite.Connection, address: str) -> tuple[Watcher, ...]:
    rows = await fetch_all(
        conn,
        "SELECT user_id, portfolio_id, label FROM watched_wallets WHERE address = ?"
        " ORDER BY user_id",
        (address,),
    )
    return tuple(Watcher(r["user_id"], r["portfolio_id"], r["label"]) for r in rows)


def _watch(row: sqlite3.Row) -> Watch:
    snapshot = row["snapshot"]
    return Watch(
        user_id=row["user_id"],
        portfolio_id=row["portfolio_id"],
        label=row["label"],
        address=row["address"],
        fetched_at=None if row["fetched_at"] is None else from_text(row["fetched_at"]),
        failed_since=None if row["failed_since"] is None else from_text(row["failed_since"]),
        snapshot=None if snapshot is None else WalletSnapshot.from_json(snapshot),
    )
