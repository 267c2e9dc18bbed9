"""Undo: each write can be taken back, exactly, one step at a time."""

from __future__ import annotations

from decimal import Decimal

from engine.models import MarginMode
from storage import HISTORY_LIMIT, Change, Database, PortfolioRepository, StoredPortfolio
from tests.storage.conftest import position


async def test_undo_walks_back_through_every_kind_of_change(
    portfolios: PortfolioRepository, alice: int
) -> None:
    states: list[StoredPortfolio] = [await portfolios.active(alice)]
    eth = position("ETHUSDT", side="short", entry="3000.25", qty="1.5")
    changes = [
        (Change.SET_BALANCE, portfolios.set_balance(alice, "1000.01")),
        (Change.ADD_POSITION, portfolios.add_position(alice, position(isolated_margin="3100"))),
        (Change.ADD_POSITION, portfolios.add_position(alice, eth)),
        (
            Change.REPLACE_POSITION,
            portfolios.replace_position(alice, 2, eth.model_copy(update={"leverage": Decimal(25)})),
        ),
        (Change.SET_MODE_ALL, portfolios.set_mode_all(alice, MarginMode.CROSS)),
        (Change.REMOVE_POSITION, portfolios.remove_position(alice, 1)),
        (Change.RESET, portfolios.reset(alice)),
    ]
    for _, write in changes:
        await write
        states.append(await portfolios.active(alice))

    for change, _ in reversed(changes):
        states.pop()
        assert await portfolios.undo(alice) == change
        assert await portfolios.active(alice) == states[-1]

    assert await portfolios.undo(alice) is None
    assert states == [await portfolios.active(alice)]


async def test_undo_with_nothing_to_undo_returns_none(
    portfolios: PortfolioRepository, alice: int
) -> None:
    assert await portfolios.undo(alice) is None


async def test_undo_restores_exact_digits_and_opening_times(
    portfolios: PortfolioRepository, db: Database, alice: int
) -> None:
    await portfolios.add_position(alice, position(entry="62000.50", qty="0.010"))
    opened = await db.fetch_one("SELECT created_at FROM positions")
    await portfolios.remove_position(alice, 1)

    await portfolios.undo(alice)

    restored = (await portfolios.active(alice)).positions[0].position
    assert (str(restored.entry_price), str(restored.qty)) == ("62000.50", "0.010")
    assert await db.fetch_one("SELECT created_at FROM positions") == opened


async def test_undo_is_per_portfolio(portfolios: PortfolioRepository, alice: int) -> None:
    await portfolios.set_balance(alice, "1")
    await portfolios.create(alice, "alt", activate=True)

    assert await portfolios.undo(alice) is None  # alt has no history of its own

    await portfolios.switch(alice, "main")
    assert await portfolios.undo(alice) == Change.SET_BALANCE
    assert (await portfolios.active(alice)).wallet_balance == Decimal("0")


async def test_only_the_latest_snapshots_are_kept(
    portfolios: PortfolioRepository, db: Database, alice: int
) -> None:
    for amount in range(1, HISTORY_LIMIT + 6):
        await portfolios.set_balance(alice, amount)

    kept = await db.fetch_one("SELECT count(*) FROM history")
    undone = 0
    while await portfolios.undo(alice) is not None:
        undone += 1

    assert kept is not None and kept[0] == HISTORY_LIMIT
    assert undone == HISTORY_LIMIT
    # 55 balances were set; undoing the latest 50 lands on the 5th
    assert (await portfolios.active(alice)).wallet_balance == Decimal(5)
