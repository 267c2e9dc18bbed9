"""`python -m engine evaluate` as a real subprocess: JSON in, JSON out, exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.cli.evaluate_cmd import evaluation_to_json, portfolio_from_json
from engine.margin import evaluate
from engine.tiers import load_tier_book

PORTFOLIO: dict[str, Any] = {
    "exchange": "binance",
    "position_mode": "one_way",
    "wallet_balance": "10000",
    "positions": [
        {
            "id": "btc",
            "symbol": "btc",
            "side": "long",
            "qty": 0.5,
            "entry_price": "62000",
            "leverage": 10,
            "margin_mode": "isolated",
        },
        {
            "id": "eth",
            "symbol": "ETH/USDT",
            "side": "short",
            "qty": "3",
            "entry_price": "3100",
            "leverage": "20",
            "margin_mode": "cross",
            "mark_price": "3000",
            "tiers": [
                {
                    "notional_floor": "0",
                    "notional_cap": "1000000",
                    "mmr": "0.005",
                    "maintenance_amount": "0",
                    "max_leverage": "50",
                }
            ],
        },
    ],
}


def _run(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine", "evaluate", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_evaluate_prints_every_figure_as_decimal_text() -> None:
    done = _run(json.dumps(PORTFOLIO))
    assert done.returncode == 0, done.stdout + done.stderr
    out = json.loads(done.stdout)
    btc, eth = out["positions"]
    assert btc["status"] == "ok"
    assert btc["liquidation_price"].startswith("56024.096385")
    assert btc["bankruptcy_price"] == "55800"
    assert btc["initial_margin"] == "3100"
    assert eth["liquidation_price"].startswith("5373.134328")
    assert out["account"]["equity"] == "10300"
    assert out["account"]["available_balance"] == "6750"
    assert all(isinstance(v, str) for v in out["account"].values())


def test_evaluate_reads_a_file_too(tmp_path: Path) -> None:
    path = tmp_path / "pf.json"
    path.write_text(json.dumps(PORTFOLIO))
    assert json.loads(_run("", str(path)).stdout)["account"]["equity"] == "10300"


@pytest.mark.parametrize(
    ("mutate", "field", "code"),
    [
        (lambda p: p["positions"][0].update(qty="-1"), "positions.0.qty", "invalid_input"),
        (lambda p: p["positions"][1].update(side="up"), "positions.1.side", "invalid_input"),
        (lambda p: p.update(exchange="ftx"), "exchange", "invalid_input"),
        (lambda p: p["positions"][0].update(leverage="500"), "leverage", "leverage_too_high"),
        (
            lambda p: p["positions"][1].update(tiers=[{"mmr": "1"}]),
            "positions.1.tiers.0",
            "invalid_input",
        ),
    ],
    ids=["negative-qty", "bad-side", "unknown-exchange", "leverage", "tier-bounds"],
)
def test_bad_input_exits_2_with_one_json_line_naming_the_field(
    mutate: Any, field: str, code: str
) -> None:
    data = json.loads(json.dumps(PORTFOLIO))
    mutate(data)
    done = _run(json.dumps(data))
    assert done.returncode == 2
    assert done.stderr == ""
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    error = json.loads(lines[0])["error"]
    assert error["code"] == code and error["field"] == field


@pytest.mark.parametrize("text", ["", "{", "[1, 2]", '{"wallet_balance": NaN}'])
def test_malformed_json_exits_2_without_a_traceback(text: str) -> None:
    done = _run(text)
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert "error" in json.loads(done.stdout)


def test_missing_file_exits_2() -> None:
    done = _run("", "/nonexistent/portfolio.json")
    assert done.returncode == 2
    assert json.loads(done.stdout)["error"]["code"] == "unreadable_input"


BYBIT_LONG: dict[str, Any] = {
    "exchange": "bybit",
    "wallet_balance": "10000",
    "positions": [
        {
            "id": "btc",
            "symbol": "BTCUSDT",
            "side": "long",
            "qty": "1",
            "entry_price": "20000",
            "leverage": "50",
            "tiers": [
                {
                    "notional_floor": "0",
                    "notional_cap": "1e15",
                    "mmr": "0.005",
                    "max_leverage": "100",
                }
            ],
        }
    ],
}


def test_bybit_output_wallet_fed_back_gives_the_same_liquidation_price() -> None:
    # 1 BTC long @ 20,000 x50: isolated_wallet = 400 + 10.78 fee to close = 410.78,
    # LP 19,698.49 whether the wallet is derived or given (it was 19,687.66 given).
    first = json.loads(_run(json.dumps(BYBIT_LONG)).stdout)["positions"][0]
    assert first["isolated_wallet"] == "410.78"
    assert first["fee_to_close"] == "10.78"
    assert first["opening_margin"] == "400"
    assert first["liquidation_fee"] is None and first["mgn_ratio"] is None
    for key in ("isolated_wallet", "isolated_margin"):
        data = json.loads(json.dumps(BYBIT_LONG))
        data["positions"][0][key] = first["isolated_wallet"]
        again = json.loads(_run(json.dumps(data)).stdout)["positions"][0]
        assert again["liquidation_price"] == first["liquidation_price"], key
        assert again["liquidation_price"].startswith("19698.49")


def test_isolated_wallet_and_isolated_margin_together_are_refused() -> None:
    data = json.loads(json.dumps(BYBIT_LONG))
    data["positions"][0].update(isolated_wallet="410.78", isolated_margin="410.78")
    done = _run(json.dumps(data))
    assert done.returncode == 2
    assert json.loads(done.stdout)["error"]["field"] == "positions.0.isolated_wallet"


def _machine_interface_section() -> str:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    return readme.split("### Machine interface", 1)[1].split("\n### ", 1)[0]


@pytest.mark.parametrize("exchange", ["binance", "bybit", "okx"])
def test_every_output_figure_is_in_the_readme_field_table(exchange: str) -> None:
    data = json.loads(json.dumps(BYBIT_LONG)) | {"exchange": exchange}
    out = evaluation_to_json(evaluate(portfolio_from_json(data), load_tier_book()))
    rows = [line for line in _machine_interface_section().splitlines() if line.startswith("| `")]
    echoed = {"id", "symbol", "side", "margin_mode"}  # the input's own words, given back
    keys = [k for k in (*out["positions"][0], *out["account"]) if k not in echoed]
    missing = [key for key in keys if not any(f"`{key}`" in row.split("|")[1] for row in rows)]
    assert not missing, f"README 'Machine interface' has no table row for {missing}"
    assert ("liquidation_fee" in out["account"]) is (exchange == "okx")


def test_a_hedge_that_liquidates_on_either_side_reports_both_prices() -> None:
    # tests/engine/test_hedge_liquidation.py works the numbers: wallet 5,950 liquidates
    # below at 50 / 0.0204 = 2,450.98 and above at 1,850 / 0.02935 = 63,032.37
    rows = [("0", "50000", "0.004", "0", "125"), ("50000", "600000", "0.005", "50", "100")]
    rows.append(("600000", "3000000", "0.0065", "950", "50"))
    names = ("notional_floor", "notional_cap", "mmr", "maintenance_amount", "max_leverage")
    brackets = [dict(zip(names, row, strict=True)) for row in rows]
    leg = {"symbol": "BTCUSDT", "entry_price": "60000", "leverage": "20"}
    legs = [
        {**leg, "id": "long", "side": "long", "qty": "10", "margin_mode": "cross"},
        {**leg, "id": "short", "side": "short", "qty": "9.9", "margin_mode": "cross"},
    ]
    request = {
        "exchange": "binance",
        "position_mode": "hedge",
        "wallet_balance": "5950",
        "positions": [{**p, "tiers": brackets} for p in legs],
    }
    done = _run(json.dumps(request))
    assert done.returncode == 0, done.stderr
    first = json.loads(done.stdout)["positions"][0]
    assert first["liquidation_price"].startswith("63032.36797")  # the nearer: +5.05%
    assert first["liquidation_above"].startswith("63032.36797")
    assert first["liquidation_below"].startswith("2450.98039")
