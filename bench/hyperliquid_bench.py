"""Watching Hyperliquid wallets: CPU per snapshot, and how many wallets the budget keeps fresh.

CPU: the SDK's recorded account (12 cross positions) parsed from its JSON text,
turned into the engine's portfolio and evaluated (every liquidation price), and a
market answer of 200 assets parsed into marks and tables; medians beside the
reference loop.

Budget: Hyperliquid allows 1,200 weight a minute per IP; one market read
(metaAndAssetCtxs, 20) per refresh interval keeps marks and tables, and each
wallet read (clearinghouseState) costs 2. So per minute, with one market read
every `interval` seconds, `(1,200 - 20 x 60 / interval) / 2` wallets can be read,
and that many wallets are kept at most `interval` old when each is read once per
interval, times interval / 60.

Sync round: CPU per `WalletSync.round()` for N wallets through the real sync on SQLite
(`bench.wallet_sync_bench`).
"""

from __future__ import annotations

import json
from copy import deepcopy
from decimal import Decimal
from typing import Any

from bench import wallet_sync_bench
from bench.timing import Figure, measure, reference
from bot.feeds.hyperliquid import (
    WEIGHT_PER_MINUTE,
    WEIGHTS,
    evaluate_account,
    parse_account,
    parse_markets,
    watched_account,
)
from tests.fakes.hyperliquid_shapes import SDK_ACCOUNT, SDK_MARKETS, SDK_USER

__all__ = ["budget_lines", "run", "wallets_per_minute"]

ASSETS = 200
SDK_MARKETS_TEXT = json.dumps(SDK_MARKETS)


def wallets_per_minute(interval_s: int) -> int:
    """Wallet reads a minute's budget allows beside one market read every `interval_s`."""
    market_reads = 60 / interval_s
    left = WEIGHT_PER_MINUTE - market_reads * WEIGHTS["metaAndAssetCtxs"]
    return int(left // WEIGHTS["clearinghouseState"])


def budget_lines(per_snapshot_us: float) -> list[str]:
    lines = ["Hyperliquid budget: 1,200 weight/min per IP; account read 2, market read 20"]
    for interval in (30, 60, 120):
        reads = wallets_per_minute(interval)
        fresh = reads * interval // 60
        cpu_ms = reads * per_snapshot_us / 1000
        lines.append(
            f"  every {interval:>3} s: (1,200 - 20 x {60 / interval:g}) / 2 = {reads} wallet reads"
            f"/min -> {fresh:,} wallets kept <= {interval} s old; CPU {cpu_ms:,.0f} ms/min"
        )
    return lines


def _markets(count: int) -> list[Any]:
    """The SDK markets answer widened to `count` assets (same shape, distinct coins)."""
    meta, contexts = deepcopy(SDK_MARKETS)
    base_asset, base_ctx = meta["universe"][0], contexts[0]
    while len(meta["universe"]) < count:
        n = len(meta["universe"])
        meta["universe"].append({**base_asset, "name": f"COIN{n}"})
        contexts.append({**base_ctx, "markPx": str(Decimal(n) / 7)})
    return [meta, contexts]


def run() -> list[str]:
    account_text = json.dumps(SDK_ACCOUNT)
    markets_text = json.dumps(_markets(ASSETS))
    markets = parse_markets(json.loads(SDK_MARKETS_TEXT, parse_float=Decimal))

    def snapshot() -> object:
        payload = json.loads(account_text, parse_float=Decimal)
        return evaluate_account(watched_account(parse_account(SDK_USER, payload), markets))

    figures: list[Figure] = [
        measure(
            "HL snapshot: parse + convert + evaluate (12 cross)",
            snapshot,
            number=100,
        ),
        measure(
            f"HL markets answer parsed ({ASSETS} assets)",
            lambda: parse_markets(json.loads(markets_text, parse_float=Decimal)),
            number=20,
        ),
    ]
    ref = reference().median_us
    return [
        *(f.line(ref) for f in figures),
        *budget_lines(figures[0].median_us),
        *wallet_sync_bench.run(),
    ]


if __name__ == "__main__":
    for line in run():
        print(line)
