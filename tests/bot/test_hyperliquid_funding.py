"""Funding on a watched Hyperliquid position: `cumFunding.sinceOpen` becomes the engine's
`funding_paid` without being counted twice, and the hourly rate reaches the price book.

Hyperliquid takes an isolated position's funding out of its margin every hour, so the
`marginUsed` it reports is already net of it. The engine's isolated margin balance is
`isolated_margin - funding_paid` (+ PnL), so the position carries what went in
(`marginUsed - unrealizedPnl + sinceOpen`) and `funding_paid = sinceOpen`: the same net,
hence the same liquidation price as the exchange's.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bot.alerts.wallets import mark_of
from bot.feeds.book import PriceBook
from bot.feeds.hyperliquid import evaluate_account, parse_account, parse_markets, watched_account
from engine.models import Exchange
from tests.fakes.hyperliquid_shapes import ISOLATED_ROW, MARKETS, MIXED_USER, account_with

D = Decimal
_MARKETS = parse_markets(MARKETS)


def _isolated(since_open: str) -> Any:
    row = deepcopy(ISOLATED_ROW)
    row["position"]["cumFunding"]["sinceOpen"] = since_open
    return row


def _eth(since_open: str) -> tuple[Any, Decimal | None, Decimal | None]:
    payload = account_with(_isolated(since_open))
    watched = watched_account(parse_account(MIXED_USER, payload), _MARKETS)
    ours = evaluate_account(watched).positions[0].liquidation_price
    return watched.portfolio.positions[0], ours, watched.positions[0].exchange_liquidation.price


def test_funding_paid_since_open_is_carried_and_the_liquidation_price_is_unchanged() -> None:
    # 3.2 USDC paid since open: margin in = 4.967826 - (-0.0134) + 3.2 = 8.181226,
    # net of funding 4.981226 as before: 4.981226 + 0.0335 (P - 2986.3) = 0.0335 P / 100
    position, ours, theirs = _eth("3.2")
    _, unfunded, _ = _eth("0.0")

    assert position.funding_paid == D("3.2")
    assert position.isolated_margin == D("8.181226")
    assert ours == unfunded
    assert ours is not None and theirs == D("2866.26936529")
    assert ours == pytest.approx(theirs, rel=D("1e-8"))


def test_funding_received_is_negative_and_still_matches_the_exchange() -> None:
    # 1.5 received: margin in 4.981226 - 1.5 = 3.481226, net again 4.981226
    position, ours, theirs = _eth("-1.5")

    assert (position.funding_paid, position.isolated_margin) == (D("-1.5"), D("3.481226"))
    assert ours is not None and theirs is not None
    assert ours == pytest.approx(theirs, rel=D("1e-8"))


def test_funding_received_beyond_the_margin_put_in_keeps_the_net_margin() -> None:
    # 10 received > 4.981226 of net margin: "what went in" would be negative, so the
    # position keeps the net margin and no funding_paid (the net is what matters)
    position, ours, theirs = _eth("-10.0")

    assert (position.funding_paid, position.isolated_margin) == (D(0), D("4.981226"))
    assert ours is not None and ours == pytest.approx(theirs, rel=D("1e-8"))


def test_a_cross_positions_funding_is_in_the_account_value_not_in_funding_paid() -> None:
    row = deepcopy(ISOLATED_ROW)
    row["position"]["leverage"] = {"type": "cross", "value": 20}
    row["position"]["cumFunding"]["sinceOpen"] = "3.2"
    watched = watched_account(parse_account(MIXED_USER, account_with(row)), _MARKETS)

    assert watched.portfolio.positions[0].funding_paid == D(0)
    assert watched.positions[0].funding_since_open == D("3.2")


def test_the_hourly_rate_goes_to_the_price_book_with_its_one_hour_interval() -> None:
    now = datetime(2026, 12, 4, 12, tzinfo=UTC)
    book = PriceBook(timedelta(seconds=10), D("0.2"))

    book.offer(Exchange.HYPERLIQUID, mark_of(_MARKETS.market("ETH")), now)

    quote = book.funding(Exchange.HYPERLIQUID, "ETHUSDT", now)
    assert quote is not None
    assert (quote.rate, quote.interval, quote.source) == (
        D("0.0000125"),
        timedelta(hours=1),
        "hyperliquid",
    )
    # a rate is good for one interval: an hour later it is gone until the next read
    assert book.funding(Exchange.HYPERLIQUID, "ETHUSDT", now + timedelta(minutes=61)) is None
