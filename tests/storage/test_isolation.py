"""Two users share a file, never data: another user's portfolio looks like no portfolio."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from storage import (
    AlertRepository,
    Database,
    NotFound,
    PortfolioRepository,
    UserRepository,
)
from tests.storage.conftest import dump, position


async def test_each_user_sees_only_their_own_portfolios(
    portfolios: PortfolioRepository, alice: int, bob: int
) -> None:
    await portfolios.set_balance(alice, "5000")
    await portfolios.add_position(alice, position("BTCUSDT"))
    await portfolios.create(alice, "secret")
    await portfolios.set_balance(bob, "10")

    assert [p.name for p in await portfolios.list(bob)] == ["main"]
    bobs = await portfolios.active(bob)
    assert (bobs.wallet_balance, bobs.positions) == (Decimal("10"), ())
    assert (await portfolios.active(alice)).wallet_balance == Decimal("5000")


async def test_guessing_another_users_portfolio_id_finds_nothing(
    portfolios: PortfolioRepository, db: Database, alice: int, bob: int
) -> None:
    secret = await portfolios.create(alice, "secret")
    alices_main = (await portfolios.active(alice)).id
    before = await dump(db)

    for guess in (secret.id, alices_main):
        with pytest.raises(NotFound):
            await portfolios.get(bob, guess)
    for attempt in (
        portfolios.switch(bob, "secret"),
        portfolios.delete(bob, "secret"),
    ):
        with pytest.raises(NotFound):
            await attempt

    assert await dump(db) == before


async def test_bobs_writes_and_undo_never_touch_alices_portfolio(
    portfolios: PortfolioRepository, alice: int, bob: int
) -> None:
    await portfolios.set_balance(alice, "5000")
    await portfolios.add_position(alice, position("BTCUSDT"))
    alices = await portfolios.active(alice)

    await portfolios.add_position(bob, position("BTCUSDT", side="short"))
    await portfolios.remove_position(bob, 1)
    await portfolios.reset(bob)
    while await portfolios.undo(bob) is not None:
        pass
    with pytest.raises(NotFound):
        await portfolios.remove_position(bob, 1)  # Alice's #1 is not Bob's #1

    assert await portfolios.active(alice) == alices
    assert await portfolios.undo(alice) == "add_position"  # Alice's history is intact


async def test_the_schema_refuses_cross_user_links_even_from_raw_sql(
    portfolios: PortfolioRepository, db: Database, alice: int, bob: int
) -> None:
    alices = (await portfolios.active(alice)).id

    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as conn:
            await conn.execute(
                "UPDATE users SET active_portfolio_id = ? WHERE id = ?", (alices, bob)
            )
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO history (user_id, portfolio_id, description, snapshot)"
                " VALUES (?, ?, 'reset', '{}')",
                (bob, alices),
            )


async def test_settings_and_alerts_are_per_user(
    users: UserRepository, alerts: AlertRepository, alice: int, bob: int
) -> None:
    await users.update(alice, exchange="bybit")
    await alerts.update_settings(alice, warn_ratio="0.3")
    message = await alerts.enqueue(alice, "warn", {"symbol": "BTCUSDT"})

    assert (await users.get(bob)).exchange == "binance"
    assert (await alerts.settings(bob)).warn_ratio == Decimal("0.70")
    assert await alerts.mark_sent(bob, message) is False
    assert [m.id for m in await alerts.pending()] == [message]
