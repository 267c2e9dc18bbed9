"""Every exchange profile with a market has a feed adapter, a configured base URL and
prices itself; one without (custom) is priced by a named stand-in, never by accident."""

from __future__ import annotations

import httpx
import pytest

from bot.config import Settings
from bot.feeds import FEED_FOR, FEEDS, NoFeed, venue, venues
from bot.feeds.venues import ADAPTERS
from engine.exchanges import profile
from engine.models import Exchange


@pytest.mark.parametrize("exchange", list(Exchange), ids=str)
async def test_every_exchange_with_a_market_has_its_adapter_and_url(exchange: Exchange) -> None:
    settings = Settings.model_validate({})
    async with httpx.AsyncClient() as client:
        if profile(exchange).api_url is None:
            assert exchange not in ADAPTERS and FEED_FOR[exchange] in FEEDS  # a stand-in
            with pytest.raises(NoFeed):
                venue(exchange, client, "http://127.0.0.1:9")
            return
        if profile(exchange).tiers_with_marks:  # Hyperliquid: its wallet sync offers its marks
            assert exchange not in ADAPTERS and FEED_FOR[exchange] is exchange  # never another's
            assert settings.exchange_urls[exchange] == profile(exchange).api_url
            return
        adapter = venue(exchange, client, "http://127.0.0.1:9")
    assert adapter.exchange is exchange and FEED_FOR[exchange] is exchange
    assert settings.exchange_urls[exchange] == profile(exchange).api_url  # the official root
    assert exchange.value in (type(adapter).__module__.rsplit(".", 1)[-1])


def test_custom_is_priced_by_binance() -> None:
    assert FEED_FOR[Exchange.CUSTOM] is Exchange.BINANCE
    assert FEEDS == (Exchange.BINANCE, Exchange.BYBIT, Exchange.OKX)


async def test_a_feed_without_a_base_url_stops_the_start() -> None:
    urls = dict.fromkeys(FEEDS, "http://127.0.0.1:9")
    del urls[Exchange.OKX]
    async with httpx.AsyncClient() as client:
        with pytest.raises(ValueError, match="okx"):
            venues(client, urls)


def test_a_base_url_is_read_from_its_setting() -> None:
    settings = Settings.model_validate({"ISOCROSS_OKX_URL": "http://127.0.0.1:8080"})
    assert settings.exchange_urls[Exchange.OKX] == "http://127.0.0.1:8080"
    assert set(settings.exchange_urls) == {*FEEDS, Exchange.HYPERLIQUID}
