"""Portfolios and their positions, with one-step-at-a-time undo.

Each write is one transaction that first snapshots the portfolio into
`history`, then replaces its contents with a state the engine validated; if
anything raises, nothing lands. Every query carries the owner's user id, so
another user's portfolio behaves exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

import aiosqlite

from engine.errors import InvalidInput
from engine.models import Exchange, MarginMode, Portfolio, Position, PositionMode, build
from engine.numbers import ZERO, to_decimal
from storage._contents import (
    Leg,
    PortfolioRef,
    State,
    active_ref,
    load_active,
    load_state,
    normalize,
    validate,
    write_state,
)
from storage._deleted import LIVE, Deletion, hide, latest_deletion, purge, restore
from storage._history import HISTORY_LIMIT, Change, latest_id, pop_latest, remember
from storage.db import Database, fetch_one, insert
from storage.errors import Conflict, NotFound, Stale
from storage.users import User

__all__ = [
    "HISTORY_LIMIT",
    "MAX_PORTFOLIOS",
    "MAX_POSITIONS",
    "WATCHED_PREFIX",
    "Change",
    "PortfolioRepository",
    "PortfolioSummary",
    "StoredPortfolio",
    "StoredPosition",
    "Undone",
]

# A portfolio named 'hl:<label>' is a watched Hyperliquid wallet (storage.wallets): the sync
# writes it, Hyperliquid's rules price it, and no manual edit may change it.
WATCHED_PREFIX = "hl:"
MAX_PORTFOLIOS = 20  # per user: a bound on what one chat can make the bot store
# per portfolio: a bound on one reply's work (/positions evaluates the whole book) and size
MAX_POSITIONS = 200
_MAX_NAME = 32


@dataclass(frozen=True, slots=True)
class StoredPosition:
    seq: int  # the number the user sees and types: 1, 2, 3 …
    position: Position  # its `id` is str(seq)
    key: str | None = None  # stable across renumbering and edits (migration 0012)


@dataclass(frozen=True, slots=True)
class StoredPortfolio:
    id: int
    name: str
    wallet_balance: Decimal
    positions: tuple[StoredPosition, ...]
    position_mode: PositionMode = PositionMode.ONE_WAY  # hedge: a long and a short per symbol

    @property
    def engine_positions(self) -> tuple[Position, ...]:
        """The positions as `engine.models.Portfolio` takes them."""
        return tuple(stored.position for stored in self.positions)

    @property
    def watched(self) -> bool:
        """A watched wallet's portfolio: read-only, priced by Hyperliquid's rules."""
        return is_watched(self.name)

    def exchange_for(self, user: User) -> Exchange:
        """Whose margin rules and marks price this portfolio: the user's, or Hyperliquid's
        for a watched wallet (whatever the user's /exchange says)."""
        return Exchange.HYPERLIQUID if self.watched else user.exchange

    def priced(
        self,
        user: User,
        mark: Callable[[str], Decimal | None],
        *,
        positions: tuple[Position, ...] | None = None,
        wallet: Decimal | None = None,
    ) -> Portfolio:
        """The engine's portfolio under the user's exchange rules, each position at the
        mark `mark` gives for its symbol (one without a mark keeps its own), validated.
        `positions` and `wallet` stand in for the stored ones to try a change first.

        The one place a stored portfolio becomes the engine's, so a command's reply and
        an alert price the same portfolio the same way."""
        marks: dict[str, Decimal | None] = {}
        priced = []
        for position in self.engine_positions if positions is None else positions:
            if position.symbol not in marks:
                marks[position.symbol] = mark(position.symbol)
            found = marks[position.symbol]
            priced.append(
                position if found is None else position.model_copy(update={"mark_price": found})
            )
        data = {
            "exchange": self.exchange_for(user),
            "position_mode": PositionMode.ONE_WAY if self.watched else self.position_mode,
            "wallet_balance": self.wallet_balance if wallet is None else wallet,
            "positions": priced,
            "custom": user.custom_rates,
        }
        return build(Portfolio, data)


@dataclass(frozen=True, slots=True)
class Undone:
    """What /undo reverted, and in which portfolio (a deleted one comes back)."""

    change: Change
    portfolio: str


@dataclass(frozen=True, slots=True)
class PortfolioSummary:
    id: int
    name: str
    wallet_balance: Decimal
    position_count: int
    active: bool


class PortfolioRepository:
    """A user's portfolios; the edits apply to the active one."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def list(self, user_id: int) -> tuple[PortfolioSummary, ...]:
        """All of the user's portfolios, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT p.id, p.name, p.wallet_balance, p.id = u.active_portfolio_id AS active,"
            " (SELECT count(*) FROM positions WHERE portfolio_id = p.id) AS position_count"
            " FROM portfolios p JOIN users u ON u.id = p.user_id"
            f" WHERE p.user_id = ? AND p.{LIVE} ORDER BY p.id",
            (user_id,),
        )
        return tuple(
            PortfolioSummary(
                row["id"],
                row["name"],
                Decimal(row["wallet_balance"]),
                row["position_count"],
                bool(row["active"]),
            )
            for row in rows
        )

    async def active(self, user_id: int) -> StoredPortfolio:
        async with self._db.statement() as conn:  # load_active is one statement
            ref, name, state = await load_active(conn, user_id)
            return _stored(ref, name, state)

    async def get(self, user_id: int, portfolio_id: int) -> StoredPortfolio:
        """One of the user's portfolios by id; another user's id raises NotFound."""
        async with self._db.read() as conn:
            row = await fetch_one(
                conn,
                f"SELECT name FROM portfolios WHERE id = ? AND user_id = ? AND {LIVE}",
                (portfolio_id, user_id),
            )
            if row is None:
                raise NotFound(what="portfolio", portfolio_id=portfolio_id)
            ref = PortfolioRef(user_id, portfolio_id)
            return _stored(ref, row["name"], await load_state(conn, ref))

    async def create(
        self, user_id: int, name: str, *, activate: bool = False, watched: bool = False
    ) -> PortfolioSummary:
        """A new empty portfolio; an 'hl:' name only for a watch (`watched`)."""
        name = _valid_name(name, watched)
        async with self._db.transaction() as conn:
            portfolio_id = await _insert(conn, user_id, name)
            if activate:
                await _activate(conn, PortfolioRef(user_id, portfolio_id))
        return PortfolioSummary(portfolio_id, name, ZERO, 0, activate)

    async def copy(self, user_id: int, source: str, name: str) -> StoredPortfolio:
        """A new, editable portfolio `name` holding what `source` holds now, made active,
        in one transaction (how a watched wallet becomes a sandbox for what-ifs)."""
        name = _valid_name(name, False)

        async def body(conn: aiosqlite.Connection) -> StoredPortfolio:
            ref, _ = await _by_name(conn, user_id, source)
            state = await load_state(conn, ref)
            legs = tuple(Leg(normalize(leg.position)) for leg in state.legs)
            target = PortfolioRef(user_id, await _insert(conn, user_id, name))
            copied = State(state.wallet_balance, legs, state.position_mode)
            await write_state(conn, target, copied)
            await _activate(conn, target)
            return _stored(target, name, copied)

        return await self._db.atomic(body)

    async def switch(self, user_id: int, name: str) -> StoredPortfolio:
        """Make the named portfolio the active one and return it."""
        async with self._db.transaction() as conn:
            ref, stored_name = await _by_name(conn, user_id, name)
            await _activate(conn, ref)
            return _stored(ref, stored_name, await load_state(conn, ref))

    async def delete(self, user_id: int, name: str, *, watched: bool = False) -> str:
        """Delete a portfolio, undoably (`storage._deleted`); never the last one, and a
        watched one only through its watch (`watched`), for good. Deleting the active portfolio
        activates the oldest remaining one. Returns the name of the active one after it."""
        async with self._db.transaction() as conn:
            ref, stored_name = await _by_name(conn, user_id, name)
            if is_watched(stored_name) and not watched:
                raise Conflict("watched_portfolio", name=stored_name)
            other = await fetch_one(
                conn,
                "SELECT id, name FROM portfolios WHERE user_id = ? AND id != ?"
                f" AND {LIVE} ORDER BY id LIMIT 1",
                (user_id, ref.id),
            )
            if other is None:
                raise Conflict("last_portfolio", name=name)
            active, active_name, _ = await active_ref(conn, user_id)
            if active == ref:
                await _activate(conn, PortfolioRef(user_id, other["id"]))
                active_name = str(other["name"])
            if watched:  # /unwatch ends the watch for good: its rows go (cascade), no undo
                await conn.execute(
                    "DELETE FROM portfolios WHERE id = ? AND user_id = ?", (ref.id, ref.user_id)
                )
            else:
                await hide(conn, ref, await load_state(conn, ref), was_active=active == ref)
            return active_name

    async def set_balance(self, user_id: int, amount: Decimal | str | int) -> None:
        balance = to_decimal(amount, "wallet_balance")
        await self._change(
            user_id, Change.SET_BALANCE, lambda s: replace(s, wallet_balance=balance)
        )

    async def add_position(self, user_id: int, position: Position) -> int:
        """Append a position; returns its number."""
        leg = Leg(normalize(position))
        _, after = await self._change(
            user_id, Change.ADD_POSITION, lambda s: replace(s, legs=(*s.legs, leg))
        )
        return len(after.legs)

    async def replace_position(
        self, user_id: int, seq: int, position: Position, *, based_on: StoredPortfolio | None = None
    ) -> None:
        """Change position `seq` (margin, leverage, mode…), keeping its number; Stale
        unless the portfolio is still `based_on` (what `position` was computed from)."""
        position = normalize(position)

        def edit(state: State) -> State:
            index = _index(state, seq)
            replaced = replace(state.legs[index], position=position)
            return replace(state, legs=(*state.legs[:index], replaced, *state.legs[index + 1 :]))

        await self._change(user_id, Change.REPLACE_POSITION, edit, based_on)

    async def remove_position(
        self, user_id: int, seq: int, *, based_on: StoredPortfolio | None = None
    ) -> Position:
        """Close position `seq`; the ones after it move up a number. Returns it."""

        def edit(state: State) -> State:
            index = _index(state, seq)
            return replace(state, legs=state.legs[:index] + state.legs[index + 1 :])

        before, _ = await self._change(user_id, Change.REMOVE_POSITION, edit, based_on)
        return before.legs[seq - 1].position

    async def set_mode_all(self, user_id: int, mode: MarginMode) -> None:
        """Put every position of the active portfolio in `mode` (isolated or cross)."""
        mode = MarginMode(mode)

        def switched(leg: Leg) -> Leg:
            position = leg.position.model_copy(update={"margin_mode": mode})
            return replace(leg, position=normalize(position))

        def edit(state: State) -> State:
            return replace(state, legs=tuple(switched(leg) for leg in state.legs))

        await self._change(user_id, Change.SET_MODE_ALL, edit)

    async def reset(self, user_id: int) -> None:
        """Empty the active portfolio: no positions, zero balance (undoable); the position
        mode stays."""
        await self._change(user_id, Change.RESET, lambda s: State(ZERO, (), s.position_mode))

    async def set_position_mode(self, user_id: int, mode: PositionMode) -> None:
        """Hedge mode on or off for the active portfolio (undoable); one-way is refused
        (PositionModeConflict) while a symbol holds a long and a short."""
        mode = PositionMode(mode)
        await self._change(
            user_id, Change.SET_POSITION_MODE, lambda s: replace(s, position_mode=mode)
        )

    async def update_position_and_balance(
        self,
        user_id: int,
        change: Change,
        seq: int,
        position: Position | None,
        pnl: Decimal,
        *,
        based_on: StoredPortfolio | None = None,
    ) -> Decimal:
        """A trade on position `seq` as one undoable change: the position becomes
        `position` (None: closed, the ones after it move up a number) and `pnl` is booked
        into the wallet. Returns the new wallet balance. Stale unless the portfolio is
        still `based_on`, what the trade was computed from."""
        replaced = None if position is None else normalize(position)

        def edit(state: State) -> State:
            index = _index(state, seq)
            kept = () if replaced is None else (replace(state.legs[index], position=replaced),)
            legs = (*state.legs[:index], *kept, *state.legs[index + 1 :])
            return replace(state, wallet_balance=state.wallet_balance + pnl, legs=legs)

        _, after = await self._change(user_id, change, edit, based_on)
        return after.wallet_balance

    async def undo(self, user_id: int) -> Change | None:
        """What `undo_last` reverted, or None."""
        undone = await self.undo_last(user_id)
        return None if undone is None else undone.change

    async def undo_last(self, user_id: int) -> Undone | None:
        """Revert the newer of two: the active portfolio's latest change, or the user's
        latest portfolio deletion (history ids order them). A change in any other
        portfolio is never touched, nor a watched wallet's (/unwatch ends a watch for
        good; the exchange makes its changes). None when there is neither."""

        async def body(conn: aiosqlite.Connection) -> Undone | None:
            ref, name, mode = await active_ref(conn, user_id)
            deletion = await latest_deletion(conn, user_id)
            newest = await latest_id(conn, ref)
            newer = deletion is not None and (newest is None or deletion.history_id > newest)
            if deletion is not None and newer and not is_watched(deletion.name):
                await _restore(conn, deletion)
                return Undone(Change.DELETE_PORTFOLIO, deletion.name)
            if is_watched(name):  # it has no history; its changes are the exchange's
                raise Conflict("watched_portfolio", name=name)
            latest = await pop_latest(conn, ref, mode)
            if latest is None:
                return None
            change, state = latest
            validate(state)
            await write_state(conn, ref, state)
            return Undone(change, name)

        return await self._db.atomic(body)

    async def _change(
        self,
        user_id: int,
        change: Change,
        edit: Callable[[State], State],
        based_on: StoredPortfolio | None = None,
    ) -> tuple[State, State]:
        """The one write path: snapshot, edit, validate, store — in one transaction, in
        one round trip to the database thread. BEGIN IMMEDIATE holds the write lock from
        before the read, so the snapshot is the state the edit replaced, even with another
        process writing. A change computed outside the transaction from an earlier read
        names that read (`based_on`): compare-and-swap, Stale when it no longer holds."""

        async def body(conn: aiosqlite.Connection) -> tuple[State, State]:
            ref, name, before = await load_active(conn, user_id)
            if is_watched(name):  # the command layer refuses first; this is the backstop
                raise Conflict("watched_portfolio", name=name)
            if based_on is not None and _stored(ref, based_on.name, before) != based_on:
                raise Stale("portfolio_changed", name=name)
            after = edit(before)
            if len(after.legs) > max(MAX_POSITIONS, len(before.legs)):
                raise Conflict("too_many_positions", limit=MAX_POSITIONS)
            validate(after)
            await remember(conn, ref, change, before)
            await write_state(conn, ref, after, before)
            return before, after

        return await self._db.atomic(body)


async def _restore(conn: aiosqlite.Connection, deletion: Deletion) -> None:
    """A deleted portfolio back, if it still fits: the limit (and its own position mode)."""
    count = await fetch_one(
        conn,
        f"SELECT count(*) AS n FROM portfolios WHERE user_id = ? AND {LIVE}",
        (deletion.ref.user_id,),
    )
    if count is not None and count["n"] >= MAX_PORTFOLIOS:
        raise Conflict("too_many_portfolios", limit=MAX_PORTFOLIOS)
    validate(await load_state(conn, deletion.ref))
    await restore(conn, deletion)


def is_watched(name: str) -> bool:
    return name.lower().startswith(WATCHED_PREFIX)


def _stored(ref: PortfolioRef, name: str, state: State) -> StoredPortfolio:
    positions = tuple(
        StoredPosition(seq, leg.position, leg.key) for seq, leg in enumerate(state.legs, 1)
    )
    return StoredPortfolio(ref.id, name, state.wallet_balance, positions, state.position_mode)


def _index(state: State, seq: int) -> int:
    if not 1 <= seq <= len(state.legs):
        raise NotFound(what="position", seq=seq)
    return seq - 1


async def _insert(conn: aiosqlite.Connection, user_id: int, name: str) -> int:
    """A new portfolio row, within the limit, its name free (a deleted one's is freed)."""
    await active_ref(conn, user_id)  # the user must exist
    await purge(conn, user_id, name)  # a deleted one does not keep its name
    count = await fetch_one(
        conn,
        f"SELECT count(*) AS n, sum(name = ?) AS same FROM portfolios WHERE user_id = ? AND {LIVE}",
        (name, user_id),
    )
    if count is not None and count["same"]:
        raise Conflict("portfolio_exists", name=name)
    if count is not None and count["n"] >= MAX_PORTFOLIOS:
        raise Conflict("too_many_portfolios", limit=MAX_PORTFOLIOS)
    return await insert(
        conn, "INSERT INTO portfolios (user_id, name) VALUES (?, ?)", (user_id, name)
    )


def _valid_name(name: str, watched: bool = False) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput(field="name", reason="empty")
    if is_watched(name) is not watched:
        raise Conflict("watched_name", name=name)
    if len(name) > _MAX_NAME:
        raise InvalidInput(field="name", reason="too_long", limit=_MAX_NAME)
    if not name.isprintable():
        raise InvalidInput(field="name", reason="not_printable")
    return name


async def _by_name(conn: aiosqlite.Connection, user_id: int, name: str) -> tuple[PortfolioRef, str]:
    """The user's portfolio called `name` (ASCII case-insensitive) and its stored spelling."""
    row = await fetch_one(
        conn,
        f"SELECT id, name FROM portfolios WHERE user_id = ? AND name = ? AND {LIVE}",
        (user_id, name.strip()),
    )
    if row is None:
        raise NotFound(what="portfolio", name=name)
    return PortfolioRef(user_id, row["id"]), str(row["name"])


async def _activate(conn: aiosqlite.Connection, ref: PortfolioRef) -> None:
    await conn.execute(
        "UPDATE users SET active_portfolio_id = ? WHERE id = ?", (ref.id, ref.user_id)
    )
