"""The wallet sync: every watched Hyperliquid wallet read once per round, however many
users watch it, written into each watcher's portfolio, and what changed told to them.

    sync = WalletSync(services, InfoClient(http, url, WeightBudget()), watch, interval)
    await sync.first(user_id, portfolio_id, address)   # /watch: a snapshot now, silently
    await sync.round()                                 # every interval / 4 (the job)

A round reads the markets once (metaAndAssetCtxs: marks and margin tables, weight
20), gives their marks to the price book and their tables to the tier book, reads
each wallet that is due (clearinghouseState, weight 2), and lets the alert watch
judge the new marks. A wallet is due `interval` after its last read, or a quarter of
that when its computed risk is high (`RISKY_RATIO`, `RISKY_DISTANCE`), so a wallet near
liquidation is re-read four times as often.

* The first snapshot a watcher gets is silent: the alert watch remembers the level
  it starts at (`AlertWatch.adopt`), so only a later move alerts. Later snapshots
  that open, change or close positions are one `WalletChangeMessage` per watcher.
* A read that fails (network, 429, garbage) changes nothing stored; once the last
  good snapshot is two intervals old the watchers are told once that it is stale.
* Each mark goes to the price book with the coin's hourly funding rate (the funding
  drift and the positions' funding lines read it); a position's funding since it
  opened (`cumFunding.sinceOpen`) is its `funding_paid` (`bot.feeds.hyperliquid.convert`).
* For every watched position the engine's liquidation price is set beside
  Hyperliquid's: the gaps are logged each round as a metric (count, median, max),
  and a gap above `DRIFT_WARNING` as an engine-drift warning with the inputs (the
  address, the coin and numbers only).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from statistics import median

from bot.alerts.messages import WalletChange, WalletChangeMessage, WalletStaleMessage
from bot.alerts.watch import AlertWatch
from bot.feeds.base import FeedError, RawMark
from bot.feeds.book import MarkQuote
from bot.feeds.funding import RawFunding
from bot.feeds.hyperliquid import (
    InfoClient,
    Market,
    MarketSnapshot,
    WatchedAccount,
    evaluate_account,
    watched_account,
)
from bot.services import Services
from bot.views.watched import liquidation_gap
from engine.margin import Evaluation
from engine.models import Exchange, Side
from storage.wallets import HeldPosition, WalletSnapshot, Watcher

__all__ = [
    "DRIFT_WARNING",
    "FUNDING_INTERVAL",
    "RISKY_DISTANCE",
    "RISKY_RATIO",
    "SyncReport",
    "WalletSync",
    "mark_of",
]

log = logging.getLogger(__name__)

HL = Exchange.HYPERLIQUID
DRIFT_WARNING = Decimal("0.01")  # 1%: the engine and the exchange disagree
RISKY_RATIO = Decimal("0.5")  # a margin ratio from which a wallet is read 4x as often
RISKY_DISTANCE = Decimal("0.1")  # ... or a position this near its liquidation price
FUNDING_INTERVAL = timedelta(hours=1)  # Hyperliquid settles funding every hour


@dataclass(frozen=True, slots=True)
class SyncReport:
    read: int  # wallets read this round
    failed: int  # wallets whose read failed
    changes: int  # change messages queued


@dataclass
class _Round:
    read: int = 0
    failed: int = 0
    changes: int = 0
    gaps: list[Decimal] = field(default_factory=list)


class WalletSync:
    def __init__(
        self, services: Services, client: InfoClient, watch: AlertWatch, interval: timedelta
    ) -> None:
        self.services, self.client, self.watch = services, client, watch
        self.interval = interval
        self._due: dict[str, datetime] = {}  # address -> when it is read next
        self._new: set[tuple[int, int]] = set()  # (user, portfolio) still to get a first read
        self._markets: tuple[datetime, MarketSnapshot] | None = None

    @property
    def every(self) -> timedelta:
        """How often a round runs: the shortest interval a wallet is read at."""
        return self.interval / 4

    async def first(self, user_id: int, portfolio_id: int, address: str) -> None:
        """After /watch: read the wallet now; this watcher's first snapshot is silent."""
        self._new.add((user_id, portfolio_id))
        now = self.services.clock()
        markets = await self._markets_at(now)
        if markets is not None:
            await self._read(address, markets, now, _Round())

    async def round(self) -> SyncReport:
        """Read the markets, then every wallet that is due; what the round did."""
        now = self.services.clock()
        addresses = await self.services.wallets.addresses()
        due = [a for a in sorted(addresses) if self._due.get(a, now) <= now]
        done = _Round()
        if not addresses:
            return SyncReport(0, 0, 0)
        markets = await self._markets_at(now, fresh=True)
        for address in due:
            if markets is None:
                await self._failed(address, now, "markets unavailable", done)
            else:
                await self._read(address, markets, now, done)
        if markets is not None:
            await self.watch.on_marks({HL: self._marks(markets, now)})
        _log_gaps(done.gaps)
        return SyncReport(done.read, done.failed, done.changes)

    async def _markets_at(self, now: datetime, *, fresh: bool = False) -> MarketSnapshot | None:
        """The market snapshot (read now when `fresh` or none is recent), its tables adopted."""
        if not fresh and self._markets is not None and now - self._markets[0] < self.every:
            return self._markets[1]
        try:
            markets = await self.client.markets()
        except FeedError as error:
            log.warning("hyperliquid markets failed: %s", error)
            return None
        self._markets = (now, markets)
        self.services.book.adopt(HL, {m.symbol: m.table for m in markets.markets.values()})
        return markets

    def _marks(self, markets: MarketSnapshot, now: datetime) -> dict[str, MarkQuote]:
        """Offer the marks of the symbols the watch follows on Hyperliquid; those accepted."""
        followed = {symbol for feed, symbol in self.watch.symbols() if feed is HL}
        accepted = {}
        for market in markets.markets.values():
            if market.symbol in followed:
                verdict = self.services.prices.offer(HL, mark_of(market), now)
                if isinstance(verdict, MarkQuote):
                    accepted[market.symbol] = verdict
        return accepted

    async def _read(
        self, address: str, markets: MarketSnapshot, now: datetime, done: _Round
    ) -> None:
        """Read one wallet, store it for every watcher, tell them what changed."""
        try:
            account = watched_account(await self.client.account(address), markets)
            evaluation = evaluate_account(account)
        except FeedError as error:
            await self._failed(address, now, str(error), done)
            return
        self._offer_held(account, markets, now)
        snapshot = _snapshot(account)
        before, _ = await self.services.wallets.snapshot(address)
        portfolio = account.portfolio
        watchers = await self.services.wallets.store(
            address, snapshot, portfolio.wallet_balance, portfolio.positions, now
        )
        done.read += 1
        done.gaps.extend(_gaps(address, account, evaluation))
        changes = () if before is None else changes_between(before, snapshot)
        for watcher in watchers:
            await self._tell(watcher, before is None, changes, done)
        self._due[address] = now + (self.every if _risky(evaluation) else self.interval)

    def _offer_held(self, account: WatchedAccount, markets: MarketSnapshot, now: datetime) -> None:
        """The held coins' marks, so the alert watch judges the new snapshot at live marks."""
        for held in account.positions:
            market = markets.markets.get(held.coin)
            if market is not None:
                self.services.prices.offer(HL, mark_of(market), now)

    async def _tell(
        self, watcher: Watcher, first: bool, changes: tuple[WalletChange, ...], done: _Round
    ) -> None:
        key = (watcher.user_id, watcher.portfolio_id)
        if first or key in self._new:
            self._new.discard(key)
            await self.watch.adopt(watcher.user_id, watcher.portfolio_id)
            return
        if changes:
            message = WalletChangeMessage(portfolio=_name(watcher), changes=changes)
            await self.services.alerts.enqueue(
                watcher.user_id, message.kind, message.model_dump(mode="json")
            )
            done.changes += 1
        await self.watch.refresh(watcher.user_id)

    async def _failed(self, address: str, now: datetime, reason: str, done: _Round) -> None:
        """A read failed: nothing stored changes; the watchers hear once that it is stale,
        when the last snapshot (or the first failure, when none was ever read) is two
        intervals old."""
        log.warning("hyperliquid wallet %s not read: %s", address, reason)
        done.failed += 1
        self._due[address] = now + self.every  # retried next round, within the budget
        wallets = self.services.wallets
        failing_since, told = await wallets.failed(address, now)
        _, fetched = await wallets.snapshot(address)
        since = fetched or failing_since
        if told or since is None or now - since < 2 * self.interval:
            return
        for watcher in (await wallets.addresses()).get(address, ()):
            message = WalletStaleMessage(portfolio=_name(watcher), since=fetched)
            await self.services.alerts.enqueue(
                watcher.user_id, message.kind, message.model_dump(mode="json")
            )
        await wallets.told_stale(address)


def changes_between(before: WalletSnapshot, after: WalletSnapshot) -> tuple[WalletChange, ...]:
    """Positions opened, changed (size, side or entry) or closed from one snapshot to the next."""
    changes = []
    for held in after.positions:
        was = before.by_symbol(held.symbol)
        if was is None:
            changes.append(_change("opened", held))
        elif (was.side, was.qty, was.entry) != (held.side, held.qty, held.entry):
            changes.append(_change("changed", held, before_qty=was.qty))
    for was in before.positions:
        if after.by_symbol(was.symbol) is None:
            changes.append(_change("closed", was).model_copy(update={"liquidation": None}))
    return tuple(changes)


def _change(what: str, held: HeldPosition, before_qty: Decimal | None = None) -> WalletChange:
    return WalletChange.model_validate(
        {
            "what": what,
            "coin": held.coin,
            "side": Side(held.side),
            "qty": held.qty,
            "entry": held.entry,
            "before_qty": before_qty,
            "liquidation": held.liquidation,
        }
    )


def _snapshot(account: WatchedAccount) -> WalletSnapshot:
    rows = tuple(
        HeldPosition(
            symbol=held.position.symbol,
            coin=held.coin,
            side=held.position.side.value,
            qty=held.position.qty,
            entry=held.position.entry_price,
            liquidation=held.exchange_liquidation.price,
            liquidation_kind=held.exchange_liquidation.kind,
        )
        for held in account.positions
    )
    return WalletSnapshot(account.account_value, rows)


def mark_of(market: Market) -> RawMark:
    """The market's mark with its hourly funding rate (metaAndAssetCtxs `funding`), so the
    funding drift judges watched positions as it does typed ones."""
    funding = None if market.funding is None else RawFunding(market.funding, None, FUNDING_INTERVAL)
    return RawMark(market.symbol, market.mark, funding=funding)


def _name(watcher: Watcher) -> str:
    return "hl:" + watcher.label


def _risky(evaluation: Evaluation) -> bool:
    ratio = evaluation.account.margin_ratio
    if ratio is not None and ratio >= RISKY_RATIO:
        return True
    distances = (r.distance_to_liquidation for r in evaluation.positions)
    return any(d is not None and d < RISKY_DISTANCE for d in distances)


def _gaps(address: str, account: WatchedAccount, evaluation: Evaluation) -> list[Decimal]:
    """Each position's gap between the two liquidation prices; a drift above 1% logged."""
    gaps = []
    for held, result in zip(account.positions, evaluation.positions, strict=True):
        gap = liquidation_gap(held.exchange_liquidation.price, result.liquidation_price)
        if gap is None:
            continue
        gaps.append(gap)
        if gap > DRIFT_WARNING:
            p = held.position
            log.warning(
                "engine drift: address=%s coin=%s side=%s qty=%s entry=%s mark=%s leverage=%s"
                " mode=%s isolated_margin=%s wallet=%s hyperliquid=%s isocross=%s gap=%s",
                address,
                held.coin,
                p.side.value,
                p.qty,
                p.entry_price,
                p.mark_price,
                p.leverage,
                p.margin_mode.value,
                p.isolated_margin,
                account.portfolio.wallet_balance,
                held.exchange_liquidation.price,
                result.liquidation_price,
                gap,
            )
    return gaps


def _log_gaps(gaps: list[Decimal]) -> None:
    if gaps:
        log.info(
            "liquidation gap hyperliquid/isocross: count=%d median=%s max=%s",
            len(gaps),
            median(gaps),
            max(gaps),
        )
