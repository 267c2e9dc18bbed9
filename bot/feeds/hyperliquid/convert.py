"""An account snapshot as the engine's portfolio, with the exchange's liquidation price beside it.

This is what the later `/watch` builds on: `watched_account` turns one
clearinghouseState answer and one market snapshot into an engine `Portfolio` (one
way, USDC, each position carrying its asset's margin table), and
`evaluate_account` computes it as every view does, so the engine's liquidation
price can be set beside `WatchedPosition.exchange_liquidation`.

The mapping, and why:
* side and size from the signed `szi`; leverage `leverage.value`; mode `leverage.type`;
* the mark is `positionValue / |szi|`: the price the exchange valued the position at
  in this very answer, so the engine's equity at the snapshot is the account value;
* isolated margin (the engine's isolated wallet) = `marginUsed - unrealizedPnl`:
  Hyperliquid's isolated `marginUsed` is the margin with its PnL in it;
* funding: Hyperliquid settles an isolated position's funding out of its margin every
  hour, so `marginUsed` is already net of `cumFunding.sinceOpen`. The engine's margin
  balance is `isolated_margin - funding_paid` (+ PnL), so the position carries
  `funding_paid = sinceOpen` and `isolated_margin = marginUsed - unrealizedPnl +
  sinceOpen` (what went in): the net, and so the liquidation price, is the exchange's,
  and `funding_paid` says what funding has cost, never counted twice. A cross
  position's funding is already in the account value (the wallet): `funding_paid` 0;
* the wallet balance = `marginSummary.accountValue - sum(unrealizedPnl)`: the engine
  adds unrealized PnL to the wallet itself, so the account value is not counted twice;
* the leverage limits are not checked: the exchange already accepted the position.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.feeds.hyperliquid.account import AccountPosition, AccountSnapshot, ExchangeLiquidation
from bot.feeds.hyperliquid.errors import SnapshotError
from bot.feeds.hyperliquid.markets import MarketSnapshot
from engine.errors import EngineError
from engine.legs import prepare
from engine.margin import Evaluation, evaluate_prepared
from engine.models import (
    Exchange,
    MarginMode,
    Portfolio,
    Position,
    PositionMode,
    Side,
    TierTable,
    build,
)
from engine.numbers import ZERO
from engine.tiers import TierBook

__all__ = ["WatchedAccount", "WatchedPosition", "evaluate_account", "watched_account"]

_NO_BOOK = TierBook()  # every watched position carries its own table


@dataclass(frozen=True, slots=True)
class WatchedPosition:
    """One position as the engine sees it, and what only the exchange knows about it."""

    coin: str
    position: Position
    exchange_liquidation: ExchangeLiquidation
    funding_since_open: Decimal | None  # paid (positive) or received since it opened
    funding_rate: Decimal | None  # the coin's current hourly rate


@dataclass(frozen=True, slots=True)
class WatchedAccount:
    user: str
    portfolio: Portfolio
    positions: tuple[WatchedPosition, ...]
    account_value: Decimal
    time: int | None  # the snapshot's epoch milliseconds, when the exchange gave one


def watched_account(account: AccountSnapshot, markets: MarketSnapshot) -> WatchedAccount:
    """The account as an engine portfolio; SnapshotError when it cannot be one."""
    watched = tuple(_watched(row, markets) for row in account.positions)
    account_value = account.margin_summary.account_value
    wallet = account_value - sum((row.unrealized_pnl for row in account.positions), ZERO)
    if wallet < ZERO:
        raise SnapshotError("negative_balance", wallet=wallet)
    try:
        portfolio = build(
            Portfolio,
            {
                "exchange": Exchange.HYPERLIQUID,
                "position_mode": PositionMode.ONE_WAY,
                "wallet_balance": wallet,
                "positions": [w.position for w in watched],
            },
        )
    except EngineError as error:
        raise SnapshotError("bad_position", detail=error.code) from None
    return WatchedAccount(account.user, portfolio, watched, account_value, account.time)


def evaluate_account(account: WatchedAccount) -> Evaluation:
    """The engine's figures for the account at its snapshot marks (or any marks set later)."""
    return evaluate_prepared(prepare(account.portfolio, _NO_BOOK, check_leverage_limits=False))


def _watched(row: AccountPosition, markets: MarketSnapshot) -> WatchedPosition:
    market = markets.market(row.coin)
    funding = row.cum_funding.since_open if row.cum_funding is not None else None
    return WatchedPosition(
        coin=row.coin,
        position=_position(row, market.symbol, market.table, funding or ZERO),
        exchange_liquidation=row.liquidation,
        funding_since_open=funding,
        funding_rate=market.funding,
    )


def _position(row: AccountPosition, symbol: str, table: TierTable, funding: Decimal) -> Position:
    """The engine's position; an isolated one carries its funding since open (see above)."""
    qty = abs(row.szi)
    isolated = row.leverage.type == "isolated"
    net = row.margin_used - row.unrealized_pnl
    # funding received beyond the margin put in would make that negative: keep the net alone
    paid = funding if isolated and net + funding >= ZERO else ZERO
    try:
        return build(
            Position,
            {
                "id": row.coin,
                "symbol": symbol,
                "side": Side.LONG if row.szi > ZERO else Side.SHORT,
                "qty": qty,
                "entry_price": row.entry_px,
                "leverage": row.leverage.value,
                "margin_mode": MarginMode.ISOLATED if isolated else MarginMode.CROSS,
                "isolated_margin": net + paid if isolated else None,
                "funding_paid": paid,
                "mark_price": row.position_value / qty,
                "tiers": table,
            },
        )
    except EngineError as error:
        raise SnapshotError("bad_position", coin=row.coin, detail=error.code) from None
