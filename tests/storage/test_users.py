"""Users: created on first contact with a "main" portfolio; settings round-trip exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.errors import InvalidInput
from engine.models import CustomRates, Exchange, MarginMode
from storage import Database, NotFound, PortfolioRepository, UserRepository
from tests.storage.conftest import ALICE, dump


async def test_first_contact_creates_the_user_and_an_active_main_portfolio(
    users: UserRepository, portfolios: PortfolioRepository
) -> None:
    user = await users.get_or_create(ALICE)

    assert user.id == ALICE
    assert user.language is None  # unset: the bot follows Telegram's language until chosen
    assert (user.exchange, user.timezone, user.default_leverage) == (
        Exchange.BINANCE,
        "UTC",
        Decimal("10"),
    )
    assert user.default_margin_mode is MarginMode.ISOLATED
    assert user.custom_rates is None
    active = await portfolios.active(ALICE)
    assert (active.id, active.name, active.wallet_balance) == (
        user.active_portfolio_id,
        "main",
        Decimal("0"),
    )


async def test_get_or_create_is_idempotent_and_keeps_settings(
    users: UserRepository, portfolios: PortfolioRepository
) -> None:
    await users.get_or_create(ALICE)
    await users.update(ALICE, timezone="Europe/Berlin", language="en")

    again = await users.get_or_create(ALICE)

    assert (again.language, again.timezone) == ("en", "Europe/Berlin")
    assert len(await portfolios.list(ALICE)) == 1


async def test_another_process_sees_a_change_once_the_cache_expires(
    users: UserRepository, alice: int, db: Database
) -> None:
    other = UserRepository(db)  # as a second process on the same file would
    await other.get(alice)
    await users.update(alice, exchange="okx")
    assert (await users.get(alice)).exchange is Exchange.OKX  # our own write: at once
    other.CACHE_SECONDS = 0.0
    assert (await other.get(alice)).exchange is Exchange.OKX


async def test_the_cache_keeps_recent_users_not_every_user_ever_seen(
    users: UserRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    monkeypatch.setattr("storage.users.time.monotonic", lambda: clock[0])
    users.CACHE_SIZE = 50
    for user_id in range(1, 201):  # 200 users, each seen once, 0.1 s apart
        await users.get_or_create(user_id)
        clock[0] += 0.1
    # past 50 entries, the ones older than 10 s go: what is left is the last 10 s or so
    assert len(users._cache) <= 101
    clock[0] += 60  # an idle minute, then one more user: the rest have expired and go
    for user_id in range(201, 252):
        await users.get_or_create(user_id)
    assert len(users._cache) <= 51
    assert (await users.get(251)).id == 251


async def test_settings_round_trip_exactly(users: UserRepository, alice: int) -> None:
    updated = await users.update(
        alice,
        language="pt_BR",  # gettext's spelling, as the bot's catalogs resolve it
        exchange="custom",
        timezone="America/New_York",
        risk_profile={"max_loss": Decimal("250.50"), "style": "swing"},
        default_leverage="12.5",
        default_margin_mode="cross",
        custom_mmr="0.0040",
        custom_maintenance_amount="16300.00",
        custom_fee_rate="0.0005",
    )

    reread = await users.get(alice)
    assert reread == updated
    assert (reread.language, reread.exchange) == ("pt_BR", Exchange.CUSTOM)
    assert reread.risk_profile == {"max_loss": "250.50", "style": "swing"}
    assert str(reread.default_leverage) == "12.5"
    assert reread.custom_rates == CustomRates(
        mmr=Decimal("0.0040"), maintenance_amount=Decimal("16300.00"), fee_rate=Decimal("0.0005")
    )
    assert str(reread.custom_maintenance_amount) == "16300.00"  # digits kept


async def test_settings_can_be_cleared(users: UserRepository, alice: int) -> None:
    await users.update(alice, custom_mmr="0.005", language="de")

    cleared = await users.update(alice, custom_mmr=None, language=None)

    assert (cleared.custom_mmr, cleared.language) == (None, None)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("exchange", "bitmex"),
        ("timezone", "Mars/Olympus"),
        ("default_leverage", "0.5"),
        ("default_leverage", "NaN"),
        ("default_margin_mode", "portfolio"),
        ("position_mode", "hedge"),  # a portfolio's setting now, not a user's
        ("custom_mmr", "1.5"),  # a rate of 150% is a typo, not a rule
        ("custom_fee_rate", "-0.1"),
        ("risk_profile", {"max_loss": 250.5}),  # a float would bring binary money back
        ("risk_profile", ["not", "an", "object"]),
        ("language", "x" * 40),
        ("is_admin", True),  # not a setting at all
    ],
    ids=lambda value: str(value)[:20],
)
async def test_invalid_settings_are_refused_and_nothing_changes(
    users: UserRepository, db: Database, alice: int, field: str, value: object
) -> None:
    before = await dump(db)

    with pytest.raises(InvalidInput) as raised:
        await users.update(alice, **{"timezone": "Asia/Tokyo", field: value})

    assert raised.value.params["field"] == field
    assert await dump(db) == before  # not even the valid timezone landed


async def test_unknown_users_are_not_found(users: UserRepository) -> None:
    with pytest.raises(NotFound):
        await users.get(404)
    with pytest.raises(NotFound):
        await users.update(404, timezone="UTC")
