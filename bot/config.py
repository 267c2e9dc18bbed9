"""Settings, read once from the environment (and an optional .env) and passed down."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from engine.models import Exchange

__all__ = ["ConfigError", "Settings", "load_settings"]

_TOKEN = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{20,100}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram allows in a webhook secret


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_url: str = Field(
        default="https://api.telegram.org", alias="TELEGRAM_API_URL", pattern=r"^https?://\S+$"
    )
    db_path: Path = Field(default=Path("var/isocross.db"), alias="ISOCROSS_DB_PATH")
    log_level: str = Field(
        default="INFO", alias="ISOCROSS_LOG_LEVEL", pattern="^(DEBUG|INFO|WARNING|ERROR|CRITICAL)$"
    )
    # market data and alerts: `<exchange>_url` for each feed adapter (see exchange_urls)
    binance_url: str = Field(default="https://fapi.binance.com", alias="ISOCROSS_BINANCE_URL")
    bybit_url: str = Field(default="https://api.bybit.com", alias="ISOCROSS_BYBIT_URL")
    okx_url: str = Field(default="https://www.okx.com", alias="ISOCROSS_OKX_URL")
    # Hyperliquid's /info root: marks, margin tables and watched accounts (bot.feeds.hyperliquid)
    hyperliquid_url: str = Field(
        default="https://api.hyperliquid.xyz",
        alias="ISOCROSS_HYPERLIQUID_URL",
        pattern=r"^https?://\S+$",
    )
    alert_interval_s: float = Field(default=30, ge=1, alias="ISOCROSS_ALERT_INTERVAL_S")
    # a watched wallet is read at least this often (a risky one sooner: bot.alerts.wallets)
    watch_interval_s: float = Field(default=60, ge=4, alias="ISOCROSS_WATCH_INTERVAL_S")
    feed_timeout_s: float = Field(default=5, gt=0, alias="ISOCROSS_FEED_TIMEOUT_S")
    # a price further than this fraction from the last accepted one waits for the next tick
    price_max_jump: Decimal = Field(default=Decimal("0.2"), gt=0, alias="ISOCROSS_PRICE_MAX_JUMP")
    # how long a reply or an alert is retried (429s waited out, 5xx backed off) before it
    # is dropped and logged with its ids
    delivery_deadline_min: float = Field(default=5, gt=0, alias="ISOCROSS_DELIVERY_DEADLINE_MIN")
    # Webhook mode, for a bot behind a reverse proxy: Telegram posts updates to the URL,
    # the proxy forwards them to listen:port, and every post carries the secret.
    webhook_url: str | None = Field(
        default=None, alias="ISOCROSS_WEBHOOK_URL", pattern=r"^https://[^\s/]+(/\S*)?$"
    )
    webhook_listen: str = Field(default="127.0.0.1", alias="ISOCROSS_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, alias="ISOCROSS_WEBHOOK_PORT", ge=1, le=65535)
    webhook_secret: SecretStr | None = Field(
        default=None, alias="ISOCROSS_WEBHOOK_SECRET", validate_default=True
    )
    # The Mini App: its public HTTPS page (https://host/app/), which the proxy forwards to
    # webhook_listen:webhook_port; set, it turns the app, its menu button and buttons on.
    webapp_url: str | None = Field(
        default=None, alias="ISOCROSS_WEBAPP_URL", pattern=r"^https://[^\s/]+/(\S*/)?app/$"
    )
    # how long a launch's initData stays valid after Telegram signed it
    webapp_auth_max_age_s: int = Field(
        default=86400, ge=60, le=7 * 86400, alias="ISOCROSS_WEBAPP_AUTH_MAX_AGE_S"
    )

    @property
    def delivery_deadline(self) -> timedelta:
        return timedelta(minutes=self.delivery_deadline_min)

    @property
    def exchange_urls(self) -> dict[Exchange, str]:
        """Each exchange's base URL, from its `<exchange>_url` setting (ISOCROSS_<EXCHANGE>_URL),
        as `bot.feeds.venues.venues` wires them into the feed adapters."""
        found = {exchange: getattr(self, f"{exchange.value}_url", None) for exchange in Exchange}
        return {exchange: url for exchange, url in found.items() if isinstance(url, str)}

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, token: SecretStr | None) -> SecretStr | None:
        """Catch a pasted-wrong token at start-up, without ever echoing it."""
        if token is not None and not _TOKEN.fullmatch(token.get_secret_value()):
            raise ValueError("not a bot token (digits, a colon, then letters, digits, - or _)")
        return token

    @field_validator("webhook_secret")
    @classmethod
    def _secret_with_webhook(
        cls, secret: SecretStr | None, info: ValidationInfo
    ) -> SecretStr | None:
        if secret is not None and not _SECRET.fullmatch(secret.get_secret_value()):
            raise ValueError("use 1-256 letters, digits, - or _")
        if secret is None and info.data.get("webhook_url"):
            raise ValueError("required when ISOCROSS_WEBHOOK_URL is set")
        return secret


class ConfigError(Exception):
    """One line that says which setting is wrong; start-up prints it and stops."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        name = ".".join(_env_name(str(part)) for part in first["loc"]) or "settings"
        raise ConfigError(f"setting {name}: {first['msg']}") from None


def _env_name(field: str) -> str:
    """A field's environment variable (a default that fails is reported by field name)."""
    info = Settings.model_fields.get(field)
    return info.alias if info is not None and info.alias else field
