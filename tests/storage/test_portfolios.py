"""Portfolios and positions: exact decimals, stable numbering, all-or-nothing writes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal

import pytest

from engine.errors import InvalidInput, PositionModeConflict
from engine.models import MarginMode, Side
from storage import (
    MAX_PORTFOLIOS,
    Conflict,
    Database,
    NotFound,
    PortfolioRepository,
    UserRepository,
)
from tests.storage.conftest import dump, position

Write = Callable[[PortfolioRepository, int], Awaitable[object]]


async def test_money_is_stored_as_text_and_read_back_exactly(
    portfolios: PortfolioRepository, db: Database, alice: int
) -> None:
    await portfolios.set_balance(alice, Decimal("0.1") + Decimal("0.2"))
    await portfolios.add_position(
        alice,
        position(
            qty="0.003",
            entry="62000.50",
            leverage="12.5",
            isolated_margin="15.000",
            extra_margin="-1.25",
            mark_price="61999.99",
        ),
    )

    stored = await portfolios.active(alice)

    assert stored.wallet_balance == Decimal("0.3")  # not 0.30000000000000004
    leg = stored.positions[0].position
    assert [str(v) for v in (leg.qty, leg.entry_price, leg.leverage)] == [
        "0.003",
        "62000.50",
        "12.5",
    ]
    assert [str(v) for v in (leg.isolated_margin, leg.extra_margin, leg.mark_price)] == [
        "15.000",
        "-1.25",
        "61999.99",
    ]
    types = await db.fetch_one(
        "SELECT typeof(wallet_balance), typeof(qty), typeof(entry_price), typeof(mark_price)"
        " FROM portfolios JOIN positions ON positions.portfolio_id = portfolios.id"
    )
    assert types is not None and set(types) == {"text"}


async def test_positions_are_numbered_in_order_and_renumbered_after_a_close(
    portfolios: PortfolioRepository, alice: int
) -> None:
    seqs = [
        await portfolios.add_position(alice, position(symbol))
        for symbol in ("BTCUSDT", "ETHUSDT", "SOLUSDT")
    ]

    closed = await portfolios.remove_position(alice, 2)

    assert seqs == [1, 2, 3]
    assert closed.symbol == "ETHUSDT"
    remaining = (await portfolios.active(alice)).positions
    assert [(p.seq, p.position.id, p.position.symbol) for p in remaining] == [
        (1, "1", "BTCUSDT"),
        (2, "2", "SOLUSDT"),
    ]
    assert await portfolios.add_position(alice, position("XRPUSDT")) == 3


async def test_replace_position_keeps_its_number_and_opening_time(
    portfolios: PortfolioRepository, db: Database, alice: int
) -> None:
    await portfolios.add_position(alice, position("BTCUSDT"))
    await portfolios.add_position(alice, position("ETHUSDT", entry="3000"))
    opened = await db.fetch_all("SELECT seq, created_at FROM positions ORDER BY seq")
    eth = (await portfolios.active(alice)).positions[1].position

    await portfolios.replace_position(
        alice, 2, eth.model_copy(update={"leverage": Decimal("20"), "extra_margin": Decimal("5")})
    )

    after = (await portfolios.active(alice)).positions[1]
    assert (after.seq, after.position.leverage, after.position.extra_margin) == (
        2,
        Decimal(20),
        Decimal(5),
    )
    reopened = await db.fetch_all("SELECT seq, created_at FROM positions ORDER BY seq")
    assert [tuple(row) for row in reopened] == [tuple(row) for row in opened]


async def test_set_mode_all_and_reset(portfolios: PortfolioRepository, alice: int) -> None:
    await portfolios.set_balance(alice, "500")
    await portfolios.add_position(alice, position("BTCUSDT"))
    await portfolios.add_position(alice, position("ETHUSDT", side="short", entry="3000"))

    await portfolios.set_mode_all(alice, MarginMode.CROSS)
    modes = [p.position.margin_mode for p in (await portfolios.active(alice)).positions]
    await portfolios.reset(alice)

    assert modes == [MarginMode.CROSS, MarginMode.CROSS]
    emptied = await portfolios.active(alice)
    assert (emptied.wallet_balance, emptied.positions) == (Decimal("0"), ())


async def test_tiers_are_not_stored_they_come_from_the_tier_book(
    portfolios: PortfolioRepository, alice: int
) -> None:
    tiers = {"tiers": [{"floor": "0", "cap": "1e9", "mmr": "0.004", "max_leverage": "125"}]}
    await portfolios.add_position(alice, position(tiers=tiers, id="mine"))

    stored = (await portfolios.active(alice)).positions[0].position

    assert (stored.tiers, stored.id) == (None, "1")


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            # model_copy skips validation: the repository must validate again
            lambda r, u: r.add_position(u, position().model_copy(update={"qty": Decimal(-1)})),
            id="negative-qty",
        ),
        pytest.param(lambda r, u: r.add_position(u, position(side="short")), id="one-way"),
        pytest.param(
            lambda r, u: r.replace_position(
                u, 1, position().model_copy(update={"leverage": Decimal("0.5")})
            ),
            id="leverage-below-one",
        ),
        pytest.param(lambda r, u: r.replace_position(u, 2, position()), id="no-such-seq"),
        pytest.param(lambda r, u: r.remove_position(u, 0), id="seq-zero"),
        pytest.param(lambda r, u: r.set_balance(u, "-1"), id="negative-balance"),
        pytest.param(lambda r, u: r.set_balance(u, "Infinity"), id="infinite-balance"),
    ],
)
async def test_a_failing_write_leaves_the_database_unchanged(
    portfolios: PortfolioRepository, db: Database, alice: int, write: Write
) -> None:
    await portfolios.set_balance(alice, "100")
    await portfolios.add_position(alice, position())
    before = await dump(db)

    with pytest.raises((InvalidInput, PositionModeConflict, NotFound)):
        await write(portfolios, alice)

    assert await dump(db) == before


async def test_create_list_switch_delete(portfolios: PortfolioRepository, alice: int) -> None:
    await portfolios.set_balance(alice, "100")
    alt = await portfolios.create(alice, "  Alt  ")
    await portfolios.switch(alice, "ALT")  # names match case-insensitively
    await portfolios.set_balance(alice, "7.5")

    listed = await portfolios.list(alice)

    assert [(p.name, p.wallet_balance, p.active) for p in listed] == [
        ("main", Decimal("100"), False),
        ("Alt", Decimal("7.5"), True),
    ]
    assert listed[1].id == alt.id
    await portfolios.delete(alice, "alt")  # the active one: main takes over
    assert [(p.name, p.active) for p in await portfolios.list(alice)] == [("main", True)]
    assert (await portfolios.active(alice)).wallet_balance == Decimal("100")


async def test_create_can_activate_and_refuses_duplicates(
    portfolios: PortfolioRepository, alice: int
) -> None:
    created = await portfolios.create(alice, "swing", activate=True)

    assert (await portfolios.active(alice)).id == created.id
    with pytest.raises(Conflict) as raised:
        await portfolios.create(alice, "MAIN")
    assert raised.value.code == "portfolio_exists"


async def test_the_last_portfolio_cannot_be_deleted(
    portfolios: PortfolioRepository, alice: int
) -> None:
    with pytest.raises(Conflict) as raised:
        await portfolios.delete(alice, "main")

    assert raised.value.code == "last_portfolio"


async def test_portfolio_count_is_bounded(portfolios: PortfolioRepository, alice: int) -> None:
    for number in range(2, MAX_PORTFOLIOS + 1):
        await portfolios.create(alice, f"p{number}")

    with pytest.raises(Conflict) as raised:
        await portfolios.create(alice, "one-too-many")

    assert raised.value.code == "too_many_portfolios"


@pytest.mark.parametrize("name", ["", "   ", "x" * 33, "tab\there"])
async def test_bad_names_are_refused(
    portfolios: PortfolioRepository, alice: int, name: str
) -> None:
    with pytest.raises(InvalidInput):
        await portfolios.create(alice, name)


async def test_unknown_portfolio_names_are_not_found(
    portfolios: PortfolioRepository, alice: int
) -> None:
    for action in (
        portfolios.switch(alice, "nope"),
        portfolios.delete(alice, "nope"),
    ):
        with pytest.raises(NotFound):
            await action


async def test_edits_apply_to_the_active_portfolio_only(
    portfolios: PortfolioRepository, alice: int
) -> None:
    await portfolios.add_position(alice, position("BTCUSDT"))
    await portfolios.create(alice, "alt", activate=True)

    await portfolios.add_position(alice, position("ETHUSDT", side=Side.SHORT))

    main_id = (await portfolios.list(alice))[0].id
    assert [p.position.symbol for p in (await portfolios.get(alice, main_id)).positions] == [
        "BTCUSDT"
    ]
    assert [p.position.symbol for p in (await portfolios.active(alice)).positions] == ["ETHUSDT"]


async def test_a_stored_portfolio_is_priced_once_per_symbol_for_the_engine(
    portfolios: PortfolioRepository, users: UserRepository, alice: int
) -> None:
    await portfolios.set_balance(alice, "5000")
    await portfolios.add_position(alice, position(mark_price="61000"))
    await portfolios.add_position(alice, position("ETHUSDT", "short", "3", "3100", "20"))
    stored = await portfolios.active(alice)
    user = await users.get(alice)
    asked: list[str] = []

    def mark(symbol: str) -> Decimal | None:
        asked.append(symbol)
        return Decimal("60500.5") if symbol == "BTCUSDT" else None

    portfolio = stored.priced(user, mark)
    tried = stored.priced(user, mark, positions=stored.engine_positions[1:], wallet=Decimal(7))

    assert [p.mark_price for p in portfolio.positions] == [Decimal("60500.5"), None]
    assert (portfolio.exchange, portfolio.wallet_balance) == (user.exchange, Decimal(5000))
    assert [p.symbol for p in tried.positions] == ["ETHUSDT"]
    assert tried.wallet_balance == Decimal(7)
    assert asked == ["BTCUSDT", "ETHUSDT", "ETHUSDT"]  # once a symbol per portfolio built
