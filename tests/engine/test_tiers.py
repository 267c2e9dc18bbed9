"""Tier tables: shipped data is complete and sane; newer files win symbol by symbol."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from pathlib import Path

import pytest

from engine.__main__ import main
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


# Symbols people trade, with the table (file, date) each exchange's must come from.
SHIPPED = [
    (Exchange.BYBIT, "ETHUSDT", "bybit_2025-12-29.json", "2025-12-29", False),
    (Exchange.BYBIT, "SOLUSDT", "bybit_2025-12-29.json", "2025-12-29", False),
    (Exchange.BYBIT, "XRPUSDT", "bybit_2025-12-29.json", "2025-12-29", False),
    (Exchange.BYBIT, "DOGEUSDT", "bybit_2025-12-29.json", "2025-12-29", False),
    (Exchange.BYBIT, "ARBUSDT", "bybit_2025-12-29.json", "2025-12-29", True),
    # the 3 tiers of 2026-09-25 are newer than the full table of 2025-12-29: newest wins
    (Exchange.BYBIT, "BTCUSDT", "bybit_2025-06-20.json", "2026-09-25", True),
    (Exchange.BYBIT, "TAIUSDT", "bybit_2025-06-20.json", "2025-07-02", True),
    (Exchange.OKX, "BTCUSDT", "okx_2026-09-04.json", "2026-09-04", True),
    (Exchange.OKX, "ETHUSDT", "okx_2026-09-04.json", "2026-09-04", True),
    (Exchange.OKX, "SUIUSDT", "okx_2022-02-11.json", "2023-05-05", True),
    (Exchange.BINANCE, "ETHUSDT", "binance_2026-09-29.json", "2026-09-29", False),
]


@pytest.mark.parametrize(("exchange", "symbol", "origin", "as_of", "partial"), SHIPPED)
def test_the_newest_table_of_each_symbol_is_used(
    book: TierBook, exchange: Exchange, symbol: str, origin: str, as_of: str, partial: bool
) -> None:
    info = book.info(exchange, symbol)
    assert info is not None
    assert (info.origin, info.as_of, info.partial, info.fallback) == (origin, as_of, partial, False)
    table = book.table(exchange, symbol)
    assert (table.as_of, table.partial, table.fallback) == (as_of, partial, False)


def test_bybit_eth_reads_bybits_table_not_the_fallback(book: TierBook) -> None:
    # Bybit 2025-12-29, ETHUSDT tier 2: (900,000, 1,200,000] at 0.56%, deduction 540:
    # continuity 900,000 x (0.0056 - 0.005) = 540, so MM at the cap below is the same.
    tier = book.table(Exchange.BYBIT, "ETHUSDT").tier_for(Decimal("1000000"))
    assert (tier.floor, tier.mmr, tier.maintenance_amount) == (
        Decimal("900000"),
        Decimal("0.0056"),
        Decimal("540"),
    )


def test_okx_eth_contracts_become_eth(book: TierBook) -> None:
    # ETH-USDT-SWAP: 1 contract = 0.1 ETH; tier 1 is 0-5000 contracts = 500 ETH at 0.4%, 100x
    tier = book.table(Exchange.OKX, "ETHUSDT").tiers[0]
    assert (tier.cap, tier.mmr, tier.max_leverage) == (
        Decimal("500"),
        Decimal("0.004"),
        Decimal(100),
    )


def test_a_partial_table_refuses_a_size_past_its_last_cap(book: TierBook) -> None:
    # OKX BTC: 50 tiers shipped, up to 960,000 contracts x 0.01 = 9,600 BTC
    table = book.table(Exchange.OKX, "BTCUSDT")
    assert table.tier_for(Decimal("9600")).mmr == Decimal("0.2425")
    with pytest.raises(TierDataError) as caught:
        table.tier_for(Decimal("9600.01"))
    assert caught.value.params == {
        "reason": "beyond_partial_table",
        "symbol": "BTCUSDT",
        "size": Decimal("9600.01"),
        "cap": Decimal("9600.00"),
        "as_of": "2026-09-04",
    }


def test_a_full_table_reads_its_last_tier_past_the_last_cap(book: TierBook) -> None:
    table = book.table(Exchange.BYBIT, "ETHUSDT")
    assert table.tier_for(Decimal("2e9")) is table.tiers[-1]


@pytest.mark.parametrize(("mmr", "reason"), [("0.5", "mmr_looks_like_percent"), ("2", "bad_table")])
def test_a_file_with_a_rate_in_percent_is_refused_when_used(mmr: str, reason: str) -> None:
    # 0.5 on a 20x tier: 0.5 x 20 >= 1, 0.005 x 20 < 1; 2 is no fraction at all
    data = _file("bybit", "2030-01-01", {"XUSDT": mmr})  # a 20x tier
    book = TierBook()
    book.add(parse_tier_file(data, "bybit_2030-01-01.json"))
    with pytest.raises(TierDataError) as caught:
        book.table(Exchange.BYBIT, "XUSDT")
    assert caught.value.params["reason"] == reason


def test_a_file_in_the_exchanges_shapes_loads() -> None:
    # OKX's inclusive floors (501 after 500) and Bybit's blank tier-1 deduction
    rows = [
        {"floor": "0", "cap": "500", "mmr": "0.01", "maintenance_amount": "", "max_leverage": "50"},
        {"floor": "501", "cap": "2000", "mmr": "0.015", "max_leverage": "40"},
    ]
    data = {"exchange": "okx", "as_of": "2030-01-01", "symbols": {"XUSDT": {"tiers": rows}}}
    book = TierBook()
    book.add(parse_tier_file(data, "okx_2030-01-01.json"))
    tiers = book.table(Exchange.OKX, "XUSDT").tiers
    assert [t.floor for t in tiers] == [0, 500] and tiers[0].maintenance_amount == 0


def test_the_listing_ends_with_the_fallback_and_its_own_date(book: TierBook) -> None:
    rows = book.listing(Exchange.OKX)
    assert [r.symbol for r in rows] == ["BTCUSDT", "ETHUSDT", "PEPEUSDT", "SUIUSDT", "_fallback"]
    assert (rows[-1].fallback, rows[-1].as_of) == (True, "2022-02-11")
    unknown = book.info(Exchange.OKX, "SOLUSDT")
    assert unknown is not None and unknown.fallback


def test_tiers_list_prints_file_date_and_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tiers", "list", "--exchange", "okx", "--symbols", "BTC,SOL"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["exchange", "symbol", "file", "as_of", "tiers", "table"]
    btc, sol = (line.split() for line in lines[1:])
    assert btc == ["okx", "BTCUSDT", "okx_2026-09-04.json", "2026-09-04", "50", "partial"]
    assert sol == ["okx", "SOLUSDT", "okx_2026-09-04.json", "2022-02-11", "6", "fallback"]
