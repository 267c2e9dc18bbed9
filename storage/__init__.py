"""IsoCross persistence: one SQLite file, migrations, and per-user repositories.

May import the standard library, aiosqlite, pydantic and `engine` only. Money
is stored as decimal text and read back as `Decimal`; every query is scoped by
the owner's Telegram user id.
"""

from storage._history import HISTORY_LIMIT, Change
from storage.alerts import (
    AlertRepository,
    AlertSettings,
    Hold,
    OutboxMessage,
    Schedule,
    Urgency,
)
from storage.confirmations import CONFIRMATION_TTL, ConfirmationRepository
from storage.db import Database
from storage.errors import Conflict, NotFound, SchemaError, StorageError
from storage.marks import ManualMark, ManualMarkRepository
from storage.migrations import Migration, latest_version, load_migrations, migrate
from storage.portfolios import (
    MAX_PORTFOLIOS,
    PortfolioRepository,
    PortfolioSummary,
    StoredPortfolio,
    StoredPosition,
    Undone,
)
from storage.reviews import ReviewRepository
from storage.users import DEFAULT_PORTFOLIO, SETTINGS, User, UserRepository
from storage.watch import Watched, watched

__all__ = [
    "CONFIRMATION_TTL",
    "DEFAULT_PORTFOLIO",
    "HISTORY_LIMIT",
    "MAX_PORTFOLIOS",
    "SETTINGS",
    "AlertRepository",
    "AlertSettings",
    "Change",
    "ConfirmationRepository",
    "Conflict",
    "Database",
    "Hold",
    "ManualMark",
    "ManualMarkRepository",
    "Migration",
    "NotFound",
    "OutboxMessage",
    "PortfolioRepository",
    "PortfolioSummary",
    "ReviewRepository",
    "Schedule",
    "SchemaError",
    "StorageError",
    "StoredPortfolio",
    "StoredPosition",
    "Undone",
    "Urgency",
    "User",
    "UserRepository",
    "Watched",
    "latest_version",
    "load_migrations",
    "migrate",
    "watched",
]
