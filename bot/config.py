"""Settings, read once from the environment (and an optional .env) and passed down."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ConfigError", "Settings", "load_settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_url: str = Field(default="https://api.telegram.org", alias="TELEGRAM_API_URL")
    db_path: Path = Field(default=Path("var/isocross.db"), alias="ISOCROSS_DB_PATH")
    log_level: str = Field(
        default="INFO", alias="ISOCROSS_LOG_LEVEL", pattern="^(DEBUG|INFO|WARNING|ERROR|CRITICAL)$"
    )
    # market data and alerts
    binance_url: str = Field(default="https://fapi.binance.com", alias="ISOCROSS_BINANCE_URL")
    bybit_url: str = Field(default="https://api.bybit.com", alias="ISOCROSS_BYBIT_URL")
    okx_url: str = Field(default="https://www.okx.com", alias="ISOCROSS_OKX_URL")
    alert_interval_s: float = Field(default=30, ge=1, alias="ISOCROSS_ALERT_INTERVAL_S")
    feed_timeout_s: float = Field(default=5, gt=0, alias="ISOCROSS_FEED_TIMEOUT_S")
    # a price further than this fraction from the last accepted one waits for the next tick
    price_max_jump: Decimal = Field(default=Decimal("0.2"), gt=0, alias="ISOCROSS_PRICE_MAX_JUMP")


class ConfigError(Exception):
    """One line that says which setting is wrong; start-up prints it and stops."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        name = ".".join(str(part) for part in first["loc"]) or "settings"
        raise ConfigError(f"setting {name}: {first['msg']}") from None
