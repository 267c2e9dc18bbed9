"""One profile per exchange: its margin rules, symbol spelling, fees, tiers and their source.

Each module holds one exchange's rule set, as a class whose docstring names the
formula and the exchange page (and its date) it comes from; this package lists
them once. Everything that differs between exchanges is found from here: the
engine's formulas (`engine.legs`), the tier refresh (`engine.cli.refresh_cmd`)
and the bot's feed adapters (`bot.feeds.venues`, keyed by the same Exchange).

    profile(Exchange.OKX).naming.native("BTCUSDT")   # 'BTC-USDT-SWAP'
    profile(Exchange.BYBIT).taker_fee                # Decimal('0.00055')
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from engine.exchanges.base import ExchangeProfile, SymbolNaming, TierBasis, check_leverage
from engine.exchanges.binance import BinanceProfile
from engine.exchanges.bybit import BybitProfile
from engine.exchanges.custom import CustomProfile, custom_table
from engine.exchanges.hyperliquid import HyperliquidProfile
from engine.exchanges.okx import OkxProfile
from engine.exchanges.tier_format import RefreshError, RefreshRequest, TierSource
from engine.models import Exchange

__all__ = [
    "CHOOSABLE",
    "PROFILES",
    "ExchangeProfile",
    "RefreshError",
    "RefreshRequest",
    "SymbolNaming",
    "TierBasis",
    "TierSource",
    "check_leverage",
    "custom_table",
    "profile",
]

_ALL: tuple[ExchangeProfile, ...] = (
    BinanceProfile(),
    BybitProfile(),
    OkxProfile(),
    HyperliquidProfile(),
    CustomProfile(),
)

PROFILES: Mapping[Exchange, ExchangeProfile] = MappingProxyType({p.exchange: p for p in _ALL})
# What `/exchange` offers: a profile whose tables come only with live market data
# (Hyperliquid's, read per watched account) cannot price a typed portfolio yet.
CHOOSABLE: tuple[Exchange, ...] = tuple(e for e, p in PROFILES.items() if not p.tiers_with_marks)


def profile(exchange: Exchange) -> ExchangeProfile:
    """The rule set of `exchange`; every Exchange has one (a test holds the list to it)."""
    return PROFILES[exchange]
