"""The command layer's `Context` for a Mini App request, owned by the validated user.

The page reads through the same `Context` the chat's handlers get, so a figure on the page
is priced with the same marks, exchange rules and language as the chat's. Reading never
stores anyone: an unknown user gets a transient default profile (what a first contact
would be created with) and an empty portfolio.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bot.commands import Caller
from bot.commands.context import Context
from bot.commands.registry import REGISTRY
from bot.services import Services
from bot.webapp.auth import WebAppUser
from engine.models import Exchange, MarginMode, Portfolio
from storage.errors import NotFound
from storage.users import User

__all__ = ["Session", "context_for", "known"]


async def known(services: Services, user_id: int) -> User | None:
    try:
        return await services.users.get(user_id)
    except NotFound:
        return None


@dataclass(frozen=True, slots=True)
class Session:
    """One request's context, and whether its user is stored (else nothing is theirs)."""

    ctx: Context
    stored: bool

    async def held(self) -> Portfolio | None:
        """The active portfolio as the chat's commands see it; None while it is empty."""
        return await self.ctx.held() if self.stored else None


async def context_for(services: Services, web_user: WebAppUser) -> Session:
    """The request's session, in the user's language (stored choice, then Telegram's)."""
    user = await known(services, web_user.id)
    stored = user is not None
    if user is None:
        user = _transient(web_user.id, services.clock())
    tr = services.catalogs.translator(user.language, web_user.language_code)
    caller = Caller(web_user.id, web_user.language_code, private=True)
    return Session(Context(services, caller, user, tr, REGISTRY), stored)


def _transient(user_id: int, now: datetime) -> User:
    """The defaults of storage's users table, never written."""
    return User(
        id=user_id,
        language=None,
        exchange=Exchange.BINANCE,
        timezone="UTC",
        risk_profile=None,
        default_leverage=Decimal(10),
        default_margin_mode=MarginMode.ISOLATED,
        custom_mmr=None,
        custom_maintenance_amount=None,
        custom_fee_rate=None,
        telegram_language=None,
        active_portfolio_id=None,
        created_at=now,
    )
