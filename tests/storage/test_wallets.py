"""Watched wallets on real SQLite: one snapshot per address written into every watcher's
portfolio in one transaction, each user seeing only their own watches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from storage import Conflict, Database, NotFound, PortfolioRepository
from storage.wallets import HeldPosition, WalletRepository, WalletSnapshot
from tests.storage.conftest import dump, position

ADDRESS = "0x" + "ab" * 20
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
SNAPSHOT = WalletSnapshot(
    Decimal("10000.0"),
    (
        HeldPosition(
            "BTCUSDT", "BTC", "long", Decimal("0.5"), Decimal("62000"), Decimal("49799.2"), "price"
        ),
    ),
)


@pytest.fixture
def wallets(db: Database, portfolios: PortfolioRepository) -> WalletRepository:
    return WalletRepository(db, portfolios)


async def test_one_snapshot_is_every_watchers_portfolio(
    wallets: WalletRepository, portfolios: PortfolioRepository, alice: int, bob: int
) -> None:
    mine = await wallets.watch(alice, ADDRESS, "main")
    theirs = await wallets.watch(bob, ADDRESS, "whale")

    written = await wallets.store(ADDRESS, SNAPSHOT, Decimal("10000"), [position("BTCUSDT")], NOW)

    assert [(w.user_id, w.portfolio_id) for w in written] == [(alice, mine), (bob, theirs)]
    for user, pid in ((alice, mine), (bob, theirs)):
        stored = await portfolios.get(user, pid)
        assert stored.watched and stored.wallet_balance == Decimal("10000")
        assert [p.position.symbol for p in stored.positions] == ["BTCUSDT"]
    assert await wallets.snapshot(ADDRESS) == (SNAPSHOT, NOW)
    assert [w.portfolio for w in await wallets.list(bob)] == ["hl:whale"]


async def test_a_user_sees_and_unwatches_only_their_own(
    wallets: WalletRepository, db: Database, alice: int, bob: int
) -> None:
    await wallets.watch(alice, ADDRESS, "main")
    before = await dump(db)

    assert await wallets.list(bob) == ()
    with pytest.raises(NotFound):
        await wallets.unwatch(bob, "main")
    assert await dump(db) == before


async def test_a_refused_watch_stores_nothing(
    wallets: WalletRepository, db: Database, alice: int
) -> None:
    await wallets.watch(alice, ADDRESS, "main")
    before = await dump(db)

    with pytest.raises(Conflict) as clash:
        await wallets.watch(alice, "0x" + "cd" * 20, "main")  # the label is taken
    assert clash.value.code == "portfolio_exists"
    assert await dump(db) == before


async def test_failures_are_counted_from_the_first_and_told_once(
    wallets: WalletRepository, alice: int
) -> None:
    await wallets.watch(alice, ADDRESS, "main")

    assert await wallets.failed(ADDRESS, NOW) == (NOW, False)
    assert await wallets.failed(ADDRESS, NOW + timedelta(minutes=1)) == (NOW, False)
    await wallets.told_stale(ADDRESS)
    assert await wallets.failed(ADDRESS, NOW + timedelta(minutes=2)) == (NOW, True)
    await wallets.store(ADDRESS, SNAPSHOT, Decimal("10000"), [], NOW + timedelta(minutes=3))
    (watch,) = await wallets.list(alice)
    assert (watch.failed_since, watch.fetched_at) == (None, NOW + timedelta(minutes=3))
