"""Hedge mode is a portfolio's setting: migrated from the user's, switched per portfolio,
refused while it would split a symbol's two sides, undone like any change."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from engine.errors import PositionModeConflict
from engine.models import PositionMode
from storage import Change, Database, PortfolioRepository, UserRepository
from tests.storage.conftest import ALICE, BOB, dump, position


async def test_0009_copies_each_users_mode_to_their_portfolios(db_path: Path) -> None:
    old = await Database.open(db_path, target_version=6)
    try:
        async with old.transaction() as conn:
            for user, mode in ((ALICE, "hedge"), (BOB, "one_way")):
                await conn.execute(
                    "INSERT INTO users (id, position_mode) VALUES (?, ?)", (user, mode)
                )
            await conn.executemany(
                "INSERT INTO portfolios (id, user_id, name) VALUES (?, ?, ?)",
                [(1, ALICE, "main"), (2, ALICE, "test"), (3, BOB, "main")],
            )
            await conn.execute("UPDATE users SET active_portfolio_id = 2 WHERE id = ?", (ALICE,))
            await conn.execute("UPDATE users SET active_portfolio_id = 3 WHERE id = ?", (BOB,))
    finally:
        await old.close()

    db = await Database.open(db_path)
    try:
        rows = await db.fetch_all("SELECT id, position_mode FROM portfolios ORDER BY id")
        columns = await db.fetch_all("SELECT name FROM pragma_table_info('users')")
        alice = await PortfolioRepository(db).active(ALICE)
        bob = await PortfolioRepository(db).active(BOB)
    finally:
        await db.close()

    assert [tuple(row) for row in rows] == [(1, "hedge"), (2, "hedge"), (3, "one_way")]
    assert "position_mode" not in {row["name"] for row in columns}  # one home: the portfolio
    assert (alice.name, alice.position_mode) == ("test", PositionMode.HEDGE)
    assert bob.position_mode is PositionMode.ONE_WAY


async def test_hedge_mode_is_per_portfolio(
    users: UserRepository, portfolios: PortfolioRepository, alice: int
) -> None:
    await portfolios.set_position_mode(alice, PositionMode.HEDGE)
    await portfolios.create(alice, "test", activate=True)

    assert (await portfolios.active(alice)).position_mode is PositionMode.ONE_WAY
    await portfolios.switch(alice, "main")
    assert (await portfolios.active(alice)).position_mode is PositionMode.HEDGE


async def test_one_way_is_refused_while_a_symbol_holds_both_sides(
    portfolios: PortfolioRepository, db: Database, alice: int
) -> None:
    await portfolios.set_position_mode(alice, PositionMode.HEDGE)
    await portfolios.add_position(alice, position(side="long"))
    await portfolios.add_position(alice, position(side="short"))
    before = await dump(db)

    with pytest.raises(PositionModeConflict):
        await portfolios.set_position_mode(alice, PositionMode.ONE_WAY)

    assert await dump(db) == before


async def test_hedge_on_is_undone_with_the_mode_in_the_snapshot(
    portfolios: PortfolioRepository, alice: int
) -> None:
    await portfolios.set_position_mode(alice, PositionMode.HEDGE)

    assert await portfolios.undo(alice) == "set_position_mode"
    assert (await portfolios.active(alice)).position_mode is PositionMode.ONE_WAY


async def test_a_trade_books_pnl_and_changes_the_position_in_one_undoable_step(
    portfolios: PortfolioRepository, alice: int
) -> None:
    await portfolios.set_balance(alice, "1000")
    await portfolios.add_position(alice, position(qty="0.5", entry="60000"))
    before = await portfolios.active(alice)

    # half closed at 62,000: (62,000 - 60,000) x 0.25 = 500 booked
    balance = await portfolios.update_position_and_balance(
        alice, Change.REDUCE_POSITION, 1, position(qty="0.25", entry="60000"), Decimal(500)
    )

    after = await portfolios.active(alice)
    assert balance == after.wallet_balance == Decimal("1500")
    assert after.positions[0].position.qty == Decimal("0.25")
    assert await portfolios.undo(alice) == "reduce_position"
    assert await portfolios.active(alice) == before
