"""`python -m engine evaluate [FILE]`: a portfolio as JSON in, its evaluation as JSON out.

Bad input exits with code 2 and one JSON line naming the field; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from engine.cli import add_tiers_dir
from engine.errors import EngineError, InvalidInput
from engine.margin import Evaluation, PositionResult, evaluate
from engine.models import Portfolio, build
from engine.numbers import ZERO, to_decimal
from engine.tiers import joined_floor, load_tier_book, rate_problem

__all__ = ["evaluation_to_json", "portfolio_from_json", "register", "run"]

EXIT_BAD_INPUT = 2


def register(commands: Any) -> None:
    parser = commands.add_parser("evaluate", help="evaluate a portfolio given as JSON")
    parser.add_argument("file", nargs="?", help="JSON file (default: standard input)")
    add_tiers_dir(parser, "extra folder of tier files (newer tables win)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        text = Path(args.file).read_text(encoding="utf-8") if args.file else sys.stdin.read()
        data = json.loads(text, parse_float=Decimal, parse_int=Decimal)
        portfolio = portfolio_from_json(data)
        result = evaluate(portfolio, load_tier_book(args.tiers_dir))
    except OSError as exc:
        return _fail({"code": "unreadable_input", "detail": exc.strerror or str(exc)})
    except ValueError as exc:
        if isinstance(exc, EngineError):
            return _fail(exc.as_dict())
        return _fail({"code": "invalid_json", "detail": str(exc)})
    print(json.dumps(evaluation_to_json(result), indent=2))
    return 0


def _fail(error: dict[str, object]) -> int:
    print(json.dumps({"error": error}), file=sys.stdout)
    return EXIT_BAD_INPUT


_TIER_FIELDS = ("notional_floor", "notional_cap", "qty_floor", "qty_cap")
# Bybit's GET /v5/market/risk-limit rows as published; the floor is the cap below.
_BYBIT_FIELDS = {
    "riskLimitValue": "cap",
    "maintenanceMargin": "mmr",
    "mmDeduction": "maintenance_amount",
    "maxLeverage": "max_leverage",
}


def portfolio_from_json(data: Any) -> Portfolio:
    """Map the documented input format onto the engine's models."""
    if not isinstance(data, dict):
        raise InvalidInput(field="$", reason="not_an_object")
    positions = data.get("positions", [])
    if not isinstance(positions, list):
        raise InvalidInput(field="positions", reason="not_a_list")
    mapped = dict(data)
    mapped["positions"] = [_position(p, n) for n, p in enumerate(positions)]
    return build(Portfolio, mapped)


def _position(raw: Any, index: int) -> dict[str, Any]:
    """`isolated_wallet`, as the output names it, is accepted for `isolated_margin`."""
    if not isinstance(raw, dict):
        raise InvalidInput(field=f"positions.{index}", reason="not_an_object")
    position = dict(raw)
    if "isolated_wallet" in position:
        if "isolated_margin" in position:
            field = f"positions.{index}.isolated_wallet"
            raise InvalidInput(field=field, reason="both_wallet_and_margin")
        position["isolated_margin"] = position.pop("isolated_wallet")
    if "tiers" in position:
        position["tiers"] = _tiers(position["tiers"], f"positions.{index}.tiers")
    return position


def _tiers(raw: Any, field: str) -> dict[str, Any]:
    """Rows of `{notional_floor, notional_cap, mmr, max_leverage, maintenance_amount}` (or
    `qty_floor`, `qty_cap`), or Bybit's risk-limit rows as published (`riskLimitValue`, ...).

    Taken as the exchanges publish them: an inclusive floor (OKX's 2001 after 2000, 1000.01
    after 1000) starts at the cap below, a blank maintenance amount (Bybit's tier 1
    `mmDeduction: ""`) is 0. A rate that cannot be right is refused (`rate_problem`).
    """
    if not isinstance(raw, list) or not raw or not all(isinstance(t, dict) for t in raw):
        raise InvalidInput(field=field, reason="not_a_tier_list")
    by_qty = "qty_floor" in raw[0] or "qty_cap" in raw[0]
    if "riskLimitValue" in raw[0]:
        rows = [{_BYBIT_FIELDS[k]: v for k, v in r.items() if k in _BYBIT_FIELDS} for r in raw]
    else:
        rows = [_bounded(row, f"{field}.{n}", by_qty) for n, row in enumerate(raw)]
    previous_cap = ZERO
    for n, row in enumerate(rows):
        where = f"{field}.{n}"
        floor = to_decimal(row.get("floor", previous_cap), f"{where}.floor")
        row["floor"] = joined_floor(floor, previous_cap)
        if row.get("maintenance_amount") == "":
            row["maintenance_amount"] = ZERO
        _check_rate(row, where)
        previous_cap = to_decimal(row.get("cap"), f"{where}.cap")
    return {"basis": "quantity" if by_qty else "notional", "tiers": rows, "source": "input"}


def _bounded(row: dict[str, Any], where: str, by_qty: bool) -> dict[str, Any]:
    lower, upper = ("qty_floor", "qty_cap") if by_qty else ("notional_floor", "notional_cap")
    if lower not in row or upper not in row:
        raise InvalidInput(field=where, reason="missing_bounds", expected=lower)
    rest = {k: v for k, v in row.items() if k not in _TIER_FIELDS}
    return {"floor": row[lower], "cap": row[upper], **rest}


def _check_rate(row: dict[str, Any], where: str) -> None:
    """mmr 0.5 on a 100x tier means 0.5%: refuse it, saying so, instead of liquidating."""
    mmr = to_decimal(row.get("mmr"), f"{where}.mmr")
    leverage = to_decimal(row.get("max_leverage"), f"{where}.max_leverage")
    problem = rate_problem(mmr, leverage)
    if problem is not None:
        raise InvalidInput(field=f"{where}.mmr", reason=problem, mmr=mmr, max_leverage=leverage)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _position_json(result: PositionResult) -> dict[str, Any]:
    return {
        "id": result.position.id,
        "symbol": result.position.symbol,
        "side": result.position.side.value,
        "margin_mode": result.position.margin_mode.value,
        "status": result.status.value,
        "liquidation_price": _text(result.liquidation_price),
        "liquidation_below": _text(result.liquidation_below),
        "liquidation_above": _text(result.liquidation_above),
        "bankruptcy_price": _text(result.bankruptcy_price),
        "mark_price": _text(result.mark_price),
        "notional": _text(result.notional),
        "initial_margin": _text(result.initial_margin),
        "opening_margin": _text(result.opening_margin),
        "isolated_wallet": _text(result.isolated_wallet),
        "maintenance_margin": _text(result.maintenance_margin),
        "liquidation_fee": _text(result.liquidation_fee),
        "fee_to_close": _text(result.fee_to_close),
        "unrealized_pnl": _text(result.unrealized_pnl),
        "roe": _text(result.roe),
        "margin_ratio": _text(result.margin_ratio),
        "mgn_ratio": _text(result.mgn_ratio),
        "distance_to_liquidation": _text(result.distance_to_liquidation),
        "fallback_tiers": result.fallback_tiers,
    }


def evaluation_to_json(result: Evaluation) -> dict[str, Any]:
    """Every number as a decimal string, so no consumer reads a float."""
    account = result.account
    return {
        "positions": [_position_json(p) for p in result.positions],
        "account": {
            "wallet_balance": _text(account.wallet_balance),
            "equity": _text(account.equity),
            "unrealized_pnl": _text(account.unrealized_pnl),
            "maintenance_margin": _text(account.maintenance_margin),
            "margin_ratio": _text(account.margin_ratio),
            "available_balance": _text(account.available_balance),
            "cross_wallet": _text(account.cross_wallet),
            "cross_equity": _text(account.cross_equity),
            "cross_maintenance_margin": _text(account.cross_maintenance_margin),
            "cross_margin_ratio": _text(account.cross_margin_ratio),
            # only where the exchange has one (OKX), so every account figure is a number
            **_present("liquidation_fee", account.liquidation_fee),
        },
    }


def _present(key: str, value: Decimal | None) -> dict[str, str | None]:
    return {} if value is None else {key: _text(value)}
