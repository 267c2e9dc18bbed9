"""Tier tables: shipped data is complete and sane; newer files win symbol by symbol."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from pathlib import Path

import pytest

from engine.errors import TierDataError
from engine.models import Exchange
from engine.tiers import TierBook, load_tier_book, parse_tier_file, shipped_tier_dir

MAJORS = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT", "BNBUSDT", "ADAUSDT"]


def test_every_shipped_table_is_valid_and_dated(book: TierBook) -> None:
    for exchange in (Exchange.BINANCE, Exchange.BYBIT, Exchange.OKX):
        for symbol in book.symbols(exchange):
            table = book.table(exchange, symbol)
            assert table.as_of[:2] == "20", (exchange, symbol)
            assert table.source, (exchange, symbol)
            leverages = [tier.max_leverage for tier in table.tiers]
            assert leverages == sorted(leverages, reverse=True), (exchange, symbol)


def test_binance_ships_full_tables_for_the_most_traded_perpetuals(book: TierBook) -> None:
    assert len(book.symbols(Exchange.BINANCE)) >= 20
    btc = book.table(Exchange.BINANCE, "BTCUSDT")
    assert btc.tiers[0].cap == Decimal("300000") and btc.tiers[0].mmr == Decimal("0.004")
    for symbol in MAJORS:
        assert book.knows(Exchange.BINANCE, symbol)


def test_maintenance_amounts_keep_maintenance_continuous_at_every_boundary(
    book: TierBook,
) -> None:
    for symbol in MAJORS:
        tiers = book.table(Exchange.BINANCE, symbol).tiers
        for below, above in itertools.pairwise(tiers):
            at_cap_below = below.cap * below.mmr - below.maintenance_amount
            at_floor_above = above.floor * above.mmr - above.maintenance_amount
            assert abs(at_cap_below - at_floor_above) < Decimal("0.01"), symbol


def test_okx_contract_tiers_become_base_quantity(book: TierBook) -> None:
    # BTC-USDT-SWAP: 1 contract = 0.01 BTC. The 2026-09-04 table replaces the 2022 one
    # (tier 1 was 0-500 contracts = 5 BTC): tier 1 is 0-1000 contracts = 1000 x 0.01 = 10 BTC
    table = book.table(Exchange.OKX, "BTCUSDT")
    assert table.basis == "quantity"
    assert table.tiers[0].cap == Decimal("10")


def test_unknown_symbols_get_the_marked_fallback(book: TierBook) -> None:
    for exchange in (Exchange.BINANCE, Exchange.BYBIT, Exchange.OKX):
        table = book.table(exchange, "NOSUCHCOINUSDT")
        assert table.fallback and table.source.startswith("Fallback")


def _file(exchange: str, as_of: str, symbols: dict[str, str]) -> dict[str, object]:
    return {
        "exchange": exchange,
        "as_of": as_of,
        "basis": "notional",
        "source": "test",
        "symbols": {
            name: {"tiers": [{"floor": "0", "cap": "1000", "mmr": mmr, "max_leverage": "20"}]}
            for name, mmr in symbols.items()
        },
    }


def test_a_newer_file_wins_only_for_the_symbols_it_holds(tmp_path: Path) -> None:
    newer = _file("binance", "2099-01-01", {"BTCUSDT": "0.03"})
    (tmp_path / "binance_2099-01-01.json").write_text(json.dumps(newer))
    book = load_tier_book([tmp_path])
    assert book.table(Exchange.BINANCE, "BTCUSDT").tiers[0].mmr == Decimal("0.03")
    assert book.table(Exchange.BINANCE, "ETHUSDT").as_of == "2026-09-29"


def test_an_older_file_does_not_replace_a_newer_table(tmp_path: Path) -> None:
    older = _file("binance", "2001-01-01", {"BTCUSDT": "0.03"})
    (tmp_path / "binance_2001-01-01.json").write_text(json.dumps(older))
    book = load_tier_book([tmp_path])
    assert book.table(Exchange.BINANCE, "BTCUSDT").tiers[0].mmr == Decimal("0.004")


@pytest.mark.parametrize(
    "tiers",
    [
        [{"floor": "10", "cap": "1000", "mmr": "0.01", "max_leverage": "20"}],
        [
            {"floor": "0", "cap": "1000", "mmr": "0.01", "max_leverage": "20"},
            {"floor": "2000", "cap": "3000", "mmr": "0.02", "max_leverage": "10"},
        ],
        [{"floor": "0", "cap": "1000", "mmr": "1.5", "max_leverage": "20"}],
    ],
    ids=["gap-at-zero", "gap-between", "rate-above-one"],
)
def test_malformed_tables_are_refused_when_used(tiers: list[dict[str, str]]) -> None:
    data = {"exchange": "bybit", "as_of": "2024-01-01", "symbols": {"XUSDT": {"tiers": tiers}}}
    book = TierBook()
    book.add(parse_tier_file(data, "bad.json"))
    with pytest.raises(TierDataError):
        book.table(Exchange.BYBIT, "XUSDT")


def test_unreadable_file_is_a_tier_data_error(tmp_path: Path) -> None:
    (tmp_path / "okx_2030-01-01.json").write_text("{not json")
    with pytest.raises(TierDataError) as caught:
        load_tier_book([tmp_path])
    assert caught.value.params["reason"] == "unreadable"


def test_shipped_folder_holds_one_dated_file_per_exchange_at_least() -> None:
    names = sorted(p.name for p in shipped_tier_dir().glob("*.json"))
    for exchange in ("binance", "bybit", "okx"):
        assert any(name.startswith(f"{exchange}_20") for name in names), names
