"""`python -m engine tiers refresh` against a fake exchange on 127.0.0.1, and its pure parsers.

Payloads follow the shapes of the exchanges' documented responses:
Bybit  https://bybit-exchange.github.io/docs/v5/market/risk-limit
OKX    https://www.okx.com/docs-v5/en/#public-data-rest-api-get-position-tiers
       https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments
Binance https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Notional-and-Leverage-Brackets
No test touches the real network: every URL points at the fake server.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from engine.__main__ import main
from engine.cli.refresh_cmd import sign_query
from engine.errors import TierDataError
from engine.exchanges.binance import binance_tier_file
from engine.exchanges.bybit import bybit_page, bybit_tier_file
from engine.exchanges.okx import okx_contract_values, okx_data, okx_tier_file
from engine.models import Exchange
from engine.tiers import load_tier_book, parse_tier_file, shipped_tier_dir
from tests.fakes.exchange_server import FakeExchange

RISK_LIMIT = "/v5/market/risk-limit"
POSITION_TIERS = "/api/v5/public/position-tiers"
INSTRUMENTS = "/api/v5/public/instruments"
BRACKETS = "/fapi/v1/leverageBracket"
CURSOR = "BTCUSDT%2C4"  # returned already URL-encoded, as Bybit's cursors are


def bybit_row(
    risk_id: int, symbol: str, cap: str, mmr: str, imr: str, lev: str, deduction: str
) -> dict[str, Any]:
    return {
        "id": risk_id,
        "symbol": symbol,
        "riskLimitValue": cap,
        "maintenanceMargin": mmr,
        "initialMargin": imr,
        "isLowestRisk": 1 if risk_id == 1 else 0,
        "maxLeverage": lev,
        "mmDeduction": deduction,
    }


def bybit_response(rows: list[dict[str, Any]], cursor: str = "") -> dict[str, Any]:
    return {
        "retCode": 0,
        "retMsg": "OK",
        "result": {"category": "linear", "list": rows, "nextPageCursor": cursor},
        "retExtInfo": {},
        "time": 1764099960010,
    }


# BTCUSDT's first three tiers as live responses quoted them in 2026-09 (the shipped file's
# source), plus a fourth; deductions continue: 510 = 300000 x (0.005 - 0.0033),
# 1710 = 510 + 2000000 x (0.0056 - 0.005), 3010 = 1710 + 2600000 x (0.0061 - 0.0056).
# The API lists tiers in any order and a symbol may straddle two pages.
BYBIT_PAGE_1 = bybit_response(
    [
        bybit_row(2, "BTCUSDT", "2000000", "0.005", "0.01", "100.00", "510"),
        bybit_row(1, "BTCUSDT", "300000", "0.0033", "0.0066", "150.00", ""),
        bybit_row(3, "BTCUSDT", "2600000", "0.0056", "0.0111", "90.00", "1710"),
        bybit_row(1, "BTCPERP", "1000000", "0.005", "0.01", "100.00", ""),  # USDC perpetual
    ],
    cursor=CURSOR,
)
BYBIT_PAGE_2 = bybit_response(
    [
        bybit_row(4, "BTCUSDT", "3200000", "0.0061", "0.0122", "82.00", "3010"),
        bybit_row(1, "ETHUSDT", "300000", "0.0033", "0.0066", "150.00", ""),
        bybit_row(2, "ETHUSDT", "1000000", "0.005", "0.01", "100.00", "510"),
    ]
)


def okx_instrument(inst_id: str, family: str, ct_val: str, settle: str = "USDT") -> dict[str, Any]:
    """A SWAP row shaped like OKX's documented instruments example."""
    return {
        "alias": "",
        "baseCcy": "",
        "category": "1",
        "ctMult": "1",
        "ctType": "linear" if settle == "USDT" else "inverse",
        "ctVal": ct_val,
        "ctValCcy": family.split("-", maxsplit=1)[0] if settle == "USDT" else "USD",
        "expTime": "",
        "instFamily": family,
        "instId": inst_id,
        "instType": "SWAP",
        "lever": "100",
        "listTime": "1611916828000",
        "lotSz": "1",
        "minSz": "1",
        "quoteCcy": "",
        "ruleType": "normal",
        "settleCcy": settle,
        "state": "live",
        "tickSz": "0.1",
        "uly": family,
    }


def okx_tier(
    family: str, tier: int, low: str, high: str, mmr: str, imr: str, lev: str
) -> dict[str, Any]:
    return {
        "baseMaxLoan": "",
        "imr": imr,
        "instFamily": family,
        "instId": "",
        "maxLever": lev,
        "maxSz": high,
        "minSz": low,
        "mmr": mmr,
        "optMgnFactor": "0",
        "quoteMaxLoan": "",
        "tier": str(tier),
        "uly": family,
    }


def okx_response(data: list[dict[str, Any]]) -> dict[str, Any]:
    return {"code": "0", "msg": "", "data": data}


OKX_INSTRUMENTS = okx_response(
    [
        okx_instrument("BTC-USDT-SWAP", "BTC-USDT", "0.01"),
        okx_instrument("ETH-USDT-SWAP", "ETH-USDT", "0.1"),
        okx_instrument("PEPE-USDT-SWAP", "PEPE-USDT", "10000000"),
        okx_instrument("SUI-USDT-SWAP", "SUI-USDT", "1"),
        okx_instrument("BTC-USD-SWAP", "BTC-USD", "100", settle="BTC"),  # inverse: not ours
    ]
)
# Inclusive ranges as OKX states them: 0-1000, 1001-2000, 2001-4000 contracts.
OKX_BTC = okx_response(
    [
        okx_tier("BTC-USDT", 1, "0", "1000", "0.004", "0.01", "100"),
        okx_tier("BTC-USDT", 2, "1001", "2000", "0.005", "0.0125", "80"),
        okx_tier("BTC-USDT", 3, "2001", "4000", "0.0065", "0.0166", "60"),
    ]
)
OKX_ETH = okx_response(
    [
        okx_tier("ETH-USDT", 1, "0", "5000", "0.004", "0.01", "100"),
        okx_tier("ETH-USDT", 2, "5001", "10000", "0.005", "0.0125", "80"),
    ]
)


def binance_bracket(
    n: int, lev: int, cap: int, floor: int, mmr: float, cum: float
) -> dict[str, Any]:
    return {
        "bracket": n,
        "initialLeverage": lev,
        "notionalCap": cap,
        "notionalFloor": floor,
        "maintMarginRatio": mmr,
        "cum": cum,
    }


# BTCUSDT's first three brackets and 币安人生USDT's first two as in the shipped snapshot (Binance
# lists non-Latin tickers); ETHUSDT is the documented example, whose notionalCoef marks one
# account's adjusted brackets; BTCUSDT_260327 is a delivery contract.
BINANCE_BRACKETS = [
    {
        "symbol": "BTCUSDT",
        "brackets": [
            binance_bracket(1, 150, 300000, 0, 0.004, 0.0),
            binance_bracket(2, 100, 800000, 300000, 0.005, 300.0),
            binance_bracket(3, 75, 3000000, 800000, 0.0065, 1500.0),
        ],
    },
    {
        "symbol": "币安人生USDT",
        "brackets": [
            binance_bracket(1, 10, 10000, 0, 0.05, 0.0),
            binance_bracket(2, 5, 60000, 10000, 0.1, 500.0),
        ],
    },
    {
        "symbol": "ETHUSDT",
        "notionalCoef": 1.5,
        "brackets": [binance_bracket(1, 75, 10000, 0, 0.0065, 0)],
    },
    {"symbol": "BTCUSDT_260327", "brackets": [binance_bracket(1, 125, 375000, 0, 0.004, 0)]},
]


def tiers_of(document: dict[str, Any], symbol: str) -> list[tuple[str, str, str, str, str]]:
    return [
        (t["floor"], t["cap"], t["mmr"], t["maintenance_amount"], t["max_leverage"])
        for t in document["symbols"][symbol]["tiers"]
    ]


def shipped(exchange: str) -> dict[str, Any]:
    """The newest shipped file of `exchange`."""
    path = sorted(shipped_tier_dir().glob(f"{exchange}_*.json"))[-1]
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def refresh(*argv: str) -> int:
    return main(["tiers", "refresh", *argv])


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeExchange]:
    """A fake Bybit + OKX + Binance; no Binance keys unless a test sets them."""
    monkeypatch.delenv("BINANCE_API_KEY", raising=False)
    monkeypatch.delenv("BINANCE_API_SECRET", raising=False)
    with FakeExchange() as server:
        server.route(RISK_LIMIT, BYBIT_PAGE_1, query={"category": "linear"})
        server.route(RISK_LIMIT, BYBIT_PAGE_2, query={"category": "linear", "cursor": CURSOR})
        server.route(INSTRUMENTS, OKX_INSTRUMENTS, query={"instType": "SWAP"})
        for family, body in (("BTC-USDT", OKX_BTC), ("ETH-USDT", OKX_ETH)):
            query = {"instType": "SWAP", "tdMode": "cross", "instFamily": family}
            server.route(POSITION_TIERS, body, query=query)
        server.route(BRACKETS, BINANCE_BRACKETS)
        yield server


# --- pure parsers ------------------------------------------------------------------------------


def test_bybit_pages_become_chained_usdt_tables() -> None:
    rows_1, cursor = bybit_page(BYBIT_PAGE_1)
    rows_2, last = bybit_page(BYBIT_PAGE_2)
    assert (cursor, last) == (CURSOR, "")

    document = bybit_tier_file(rows_1 + rows_2, as_of="2026-11-25", source="test")

    assert document["exchange"] == "bybit" and document["basis"] == "notional"
    assert sorted(document["symbols"]) == ["BTCUSDT", "ETHUSDT"]  # BTCPERP settles in USDC
    assert tiers_of(document, "BTCUSDT") == [
        ("0", "300000", "0.0033", "0", "150"),  # mmDeduction "" on tier 1 is 0
        ("300000", "2000000", "0.005", "510", "100"),
        ("2000000", "2600000", "0.0056", "1710", "90"),
        ("2600000", "3200000", "0.0061", "3010", "82"),
    ]
    assert document["symbols"]["BTCUSDT"]["native"] == "BTCUSDT"
    parse_tier_file(document).entries["BTCUSDT"].build()  # the loader accepts it


@pytest.mark.parametrize(
    ("mmr", "imr", "expected"),
    [
        pytest.param("0.005", "0.01", "0.005", id="live-fraction"),
        # Bybit's docs example quotes percent: maintenanceMargin "0.5", initialMargin "1", 100x.
        pytest.param("0.5", "1", "0.005", id="docs-example-percent"),
    ],
)
def test_bybit_rates_are_fractions_whichever_unit_the_api_used(
    mmr: str, imr: str, expected: str
) -> None:
    row = bybit_row(1, "BTCUSDT", "2000000", mmr, imr, "100.00", "")
    document = bybit_tier_file([row], as_of="2026-11-25", source="test")
    assert document["symbols"]["BTCUSDT"]["tiers"][0]["mmr"] == expected


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        pytest.param(
            {"retCode": 10001, "retMsg": "params error", "result": {}}, "api_error", id="code"
        ),
        pytest.param({"retCode": 0, "result": {"list": "x"}}, "bad_response", id="list"),
        pytest.param([], "api_error", id="not-an-object"),
    ],
)
def test_bybit_page_rejects_what_is_not_a_page(response: Any, reason: str) -> None:
    with pytest.raises(TierDataError) as error:
        bybit_page(response)
    assert error.value.params["reason"] == reason


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        pytest.param(
            bybit_row(1, "BTCUSDT", "2000000", "0.005", "0.1", "100", ""),  # imr x lev = 10
            "ambiguous_rate_unit",
            id="rate-unit",
        ),
        pytest.param(
            bybit_row(1, "BTCUSDT", "lots", "0.005", "0.01", "100", ""), "bad_number", id="cap"
        ),
    ],
)
def test_bybit_rows_that_cannot_be_read_are_refused(row: dict[str, Any], reason: str) -> None:
    with pytest.raises(TierDataError) as error:
        bybit_tier_file([row], as_of="2026-11-25", source="test")
    assert error.value.params["reason"] == reason


def test_okx_tiers_stay_in_contracts_with_the_instruments_contract_value() -> None:
    values = okx_contract_values(okx_data(OKX_INSTRUMENTS))
    assert values["BTCUSDT"] == ("BTC-USDT-SWAP", Decimal("0.01"))
    assert "BTCUSD" not in values and "BTCUSDUSDT" not in values  # inverse swap left out

    document = okx_tier_file(okx_data(OKX_BTC), values, as_of="2026-11-25", source="test")

    entry = document["symbols"]["BTCUSDT"]
    assert (document["basis"], entry["native"], entry["contract_value"]) == (
        "contracts",
        "BTC-USDT-SWAP",
        "0.01",
    )
    # floor = previous maxSz (1000), not OKX's inclusive minSz (1001).
    assert tiers_of(document, "BTCUSDT") == [
        ("0", "1000", "0.004", "0", "100"),
        ("1000", "2000", "0.005", "0", "80"),
        ("2000", "4000", "0.0065", "0", "60"),
    ]
    table = parse_tier_file(document).entries["BTCUSDT"].build()
    assert table.basis == "quantity" and table.tiers[0].cap == Decimal("10")  # 1000 x 0.01 BTC


def test_okx_refuses_a_family_without_a_contract_value_and_an_error_code() -> None:
    values = okx_contract_values(okx_data(OKX_INSTRUMENTS))
    doge = okx_response([okx_tier("DOGE-USDT", 1, "0", "500", "0.01", "0.02", "50")])
    with pytest.raises(TierDataError) as error:
        okx_tier_file(okx_data(doge), values, as_of="2026-11-25", source="test")
    assert error.value.params["reason"] == "no_contract_value"
    with pytest.raises(TierDataError) as error:
        okx_data({"code": "51001", "msg": "Instrument ID does not exist", "data": []})
    assert error.value.params["reason"] == "api_error"


def test_binance_keeps_default_usdt_perpetual_brackets() -> None:
    document = binance_tier_file(BINANCE_BRACKETS, as_of="2026-11-25", source="test")

    assert list(document["symbols"]) == ["BTCUSDT", "币安人生USDT"]
    assert tiers_of(document, "BTCUSDT") == [
        ("0", "300000", "0.004", "0", "150"),
        ("300000", "800000", "0.005", "300", "100"),
        ("800000", "3000000", "0.0065", "1500", "75"),
    ]
    assert tiers_of(document, "币安人生USDT")[1] == ("10000", "60000", "0.1", "500", "5")


def test_binance_signature_matches_the_documented_example() -> None:
    # Binance API docs, "SIGNED Endpoint Examples": echo -n QUERY | openssl dgst -sha256 -hmac KEY
    query = (
        "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
        "&recvWindow=5000&timestamp=1499827319559"
    )
    secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
    assert sign_query(query, secret) == (
        "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
    )


# --- the command, end to end -------------------------------------------------------------------


def test_bybit_refresh_writes_a_dated_file_the_loader_prefers(
    fake: FakeExchange, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = refresh("--exchange", "bybit", "--out", str(tmp_path), "--bybit-url", fake.url)

    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    [path] = tmp_path.glob("bybit_*.json")
    assert out == f"bybit: wrote 2 symbols to {path}\n"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temp file left behind
    pages = fake.requests_to(RISK_LIMIT)
    assert [r.query.get("cursor") for r in pages] == [None, CURSOR]
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["_fallback"] == shipped("bybit")["_fallback"]
    assert fake.url + RISK_LIMIT in document["source"]

    table = load_tier_book([tmp_path]).table(Exchange.BYBIT, "BTCUSDT")

    # The shipped table stops after 3 tiers; the refreshed one has the 4th.
    assert table.as_of == path.stem.split("_")[1] and len(table.tiers) == 4
    assert table.tiers[3].maintenance_amount == Decimal("3010")


def test_okx_refresh_asks_per_family_and_scales_by_contract_value(
    fake: FakeExchange, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--exchange", "okx", "--symbols", "BTC,eth", "--out", str(tmp_path)]
    code = refresh(*argv, "--okx-url", fake.url)

    assert code == 0 and "okx: wrote 2 symbols" in capsys.readouterr().out
    families = [r.query["instFamily"] for r in fake.requests_to(POSITION_TIERS)]
    assert families == ["BTC-USDT", "ETH-USDT"]
    [path] = tmp_path.glob("okx_*.json")
    assert json.loads(path.read_text(encoding="utf-8"))["_fallback"] == shipped("okx")["_fallback"]

    book = load_tier_book([tmp_path])

    # Shipped: tier 1 up to 500 contracts at 125x. Refreshed: 1000 contracts x 0.01 BTC, 100x.
    btc = book.table(Exchange.OKX, "BTCUSDT")
    assert (btc.tiers[0].cap, btc.tiers[0].max_leverage, len(btc.tiers)) == (
        Decimal("10"),
        Decimal("100"),
        3,
    )
    assert book.table(Exchange.OKX, "ETHUSDT").tiers[1].cap == Decimal("1000")  # 10000 x 0.1


def test_okx_refresh_defaults_to_the_symbols_the_tables_already_know(
    fake: FakeExchange, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = sorted(shipped_tier_dir().glob("okx_*.json"))  # every shipped file, not the newest only
    known = sorted({s for f in files for s in parse_tier_file(json.loads(f.read_text())).entries})
    instruments = []
    for symbol in known:
        family = f"{symbol.removesuffix('USDT')}-USDT"
        instruments.append(okx_instrument(f"{family}-SWAP", family, "1"))
        query = {"instType": "SWAP", "tdMode": "cross", "instFamily": family}
        rows = [okx_tier(family, 1, "0", "500", "0.01", "0.02", "50")]
        fake.route(POSITION_TIERS, okx_response(rows), query=query)
    fake.route(INSTRUMENTS, okx_response(instruments), query={"instType": "SWAP"})
    monkeypatch.setenv("ISOCROSS_OKX_URL", fake.url)  # the base URL's other source

    assert refresh("--exchange", "okx", "--out", str(tmp_path)) == 0

    [path] = tmp_path.glob("okx_*.json")
    assert sorted(json.loads(path.read_text(encoding="utf-8"))["symbols"]) == known


def test_binance_refresh_signs_and_never_prints_the_keys(
    fake: FakeExchange,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key, secret = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE", "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1"
    monkeypatch.setenv("BINANCE_API_KEY", key)
    monkeypatch.setenv("BINANCE_API_SECRET", secret)

    code = refresh("--exchange", "binance", "--out", str(tmp_path), "--binance-url", fake.url)

    out, err = capsys.readouterr()
    assert code == 0 and "binance: wrote 2 symbols" in out
    assert key not in out + err and secret not in out + err
    [request] = fake.requests_to(BRACKETS)
    assert request.headers["x-mbx-apikey"] == key
    signed, signature = request.raw_query.split("&signature=")
    assert signature == hmac.new(secret.encode(), signed.encode(), hashlib.sha256).hexdigest()
    assert "timestamp" in request.query
    [path] = tmp_path.glob("binance_*.json")
    assert key not in path.read_text(encoding="utf-8")


def test_binance_without_keys_is_one_clear_line(
    fake: FakeExchange, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = refresh("--exchange", "binance", "--out", str(tmp_path), "--binance-url", fake.url)

    _, err = capsys.readouterr()
    assert code == 1 and err.count("\n") == 1 and "BINANCE_API_KEY" in err
    assert fake.requests_to(BRACKETS) == [] and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        pytest.param(
            {"retCode": 10016, "retMsg": "Internal error"}, 500, "HTTP 500", id="http-500"
        ),
        pytest.param(b"<html><body>502 Bad Gateway</body></html>", 200, "not JSON", id="garbage"),
        pytest.param(
            {"retCode": 10001, "retMsg": "params error"}, 200, "params error", id="ret-code"
        ),
    ],
)
def test_a_bad_response_exits_1_with_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: Any, status: int, message: str
) -> None:
    with FakeExchange() as broken:
        broken.route(RISK_LIMIT, body, status=status)
        code = refresh("--exchange", "bybit", "--out", str(tmp_path), "--bybit-url", broken.url)

    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err.startswith("bybit: ") and err.count("\n") == 1 and message in err
    assert "Traceback" not in err and list(tmp_path.iterdir()) == []


def test_an_unreachable_exchange_exits_1_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeExchange() as gone:
        url = gone.url  # the port closes with the server

    code = refresh("--exchange", "okx", "--out", str(tmp_path), "--okx-url", url, "--timeout", "2")

    _, err = capsys.readouterr()
    assert code == 1 and err.count("\n") == 1 and "cannot reach" in err
    assert list(tmp_path.iterdir()) == []


def test_one_exchange_failing_does_not_stop_the_others(
    fake: FakeExchange, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeExchange() as broken:
        broken.route(RISK_LIMIT, {"retCode": 10016, "retMsg": "Internal error"}, status=500)
        urls = ["--bybit-url", broken.url, "--okx-url", fake.url]
        code = refresh("--symbols", "BTC", "--out", str(tmp_path), *urls)

    out, err = capsys.readouterr()
    assert code == 1 and err.startswith("bybit: ") and out.startswith("okx: wrote 1 symbol ")
    assert [p.name.split("_")[0] for p in tmp_path.iterdir()] == ["okx"]
    assert fake.requests_to(BRACKETS) == []  # no keys: Binance is not part of "all"


def test_the_fallback_comes_from_the_newest_file_of_that_exchange(
    fake: FakeExchange, tmp_path: Path
) -> None:
    tier = {"floor": "0", "cap": "1000000", "mmr": "0.05", "max_leverage": "10"}
    fallback = {"source": "a newer fallback", "tiers": [tier]}
    header = {"exchange": "bybit", "as_of": "2026-10-01", "basis": "notional", "source": "test"}
    newer = {**header, "_fallback": fallback, "symbols": {}}
    (tmp_path / "bybit_2026-10-01.json").write_text(json.dumps(newer), encoding="utf-8")

    assert refresh("--exchange", "bybit", "--out", str(tmp_path), "--bybit-url", fake.url) == 0

    [path] = [p for p in tmp_path.glob("bybit_*.json") if p.name != "bybit_2026-10-01.json"]
    assert json.loads(path.read_text(encoding="utf-8"))["_fallback"] == fallback
