"""Who is asking, in which language, about which portfolio."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.i18n import Translator
from bot.services import Services
from engine.margin import Evaluation, evaluate
from engine.models import MarginMode, Portfolio, Position, build
from storage.portfolios import StoredPortfolio
from storage.users import User

__all__ = ["Caller", "Context", "flip"]


@dataclass(frozen=True, slots=True)
class Caller:
    """The sender as a transport knows them."""

    user_id: int
    language_code: str | None = None
    private: bool = True


@dataclass(frozen=True)
class Context:
    services: Services
    caller: Caller
    user: User
    tr: Translator

    async def stored(self) -> StoredPortfolio:
        return await self.services.portfolios.active(self.user.id)

    def portfolio(
        self,
        stored: StoredPortfolio,
        positions: tuple[Position, ...] | None = None,
        wallet: Decimal | None = None,
    ) -> Portfolio:
        """The engine's view of a stored portfolio (or of a change to it), validated,
        under this user's exchange settings."""
        data = {
            "exchange": self.user.exchange,
            "position_mode": self.user.position_mode,
            "wallet_balance": stored.wallet_balance if wallet is None else wallet,
            "positions": stored.engine_positions if positions is None else positions,
            "custom": self.user.custom_rates,
        }
        return build(Portfolio, data)

    def evaluate(self, portfolio: Portfolio) -> Evaluation:
        return evaluate(portfolio, self.services.book)


def flip(mode: MarginMode) -> MarginMode:
    return MarginMode.CROSS if mode is MarginMode.ISOLATED else MarginMode.ISOLATED


def other_mode_prices(ctx: Context, portfolio: Portfolio) -> dict[str, Decimal | None]:
    """Each position's liquidation price were it alone switched to the other mode."""
    prices: dict[str, Decimal | None] = {}
    for index, position in enumerate(portfolio.positions):
        switched = position.model_copy(update={"margin_mode": flip(position.margin_mode)})
        positions = (*portfolio.positions[:index], switched, *portfolio.positions[index + 1 :])
        try:
            result = ctx.evaluate(build(Portfolio, {**dict(portfolio), "positions": positions}))
        except ValueError:
            prices[position.id] = None  # e.g. hedge legs must share one mode
            continue
        prices[position.id] = result.positions[index].liquidation_price
    return prices
