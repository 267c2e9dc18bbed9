"""Everything a command needs from the outside world, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.i18n import Catalogs
from engine.tiers import TierBook, load_tier_book
from storage.db import Database
from storage.portfolios import PortfolioRepository
from storage.users import UserRepository

__all__ = ["Services", "open_services"]


@dataclass
class Services:
    db: Database
    users: UserRepository
    portfolios: PortfolioRepository
    book: TierBook
    catalogs: Catalogs

    async def close(self) -> None:
        await self.db.close()


async def open_services(db_path: Path, catalogs: Catalogs | None = None) -> Services:
    db = await Database.open(db_path)
    return Services(
        db=db,
        users=UserRepository(db),
        portfolios=PortfolioRepository(db),
        book=load_tier_book(),
        catalogs=catalogs or Catalogs(),
    )
