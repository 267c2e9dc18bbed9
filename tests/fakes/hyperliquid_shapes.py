"""Hyperliquid `/info` answers as recorded, and the variations the client must survive.

* `SDK_ACCOUNT`: the clearinghouseState answer recorded by the official SDK
  (hyperliquid-dex/hyperliquid-python-sdk, tests/cassettes/info_test/
  test_get_user_state.yaml, 2023-03-27): twelve cross positions at 20x, five
  with a liquidation price and seven with null; the 2023 shape, without `time`,
  `maxLeverage`, `cumFunding` or `crossMaintenanceMarginUsed`.
* `ISOLATED_ROW`: an isolated ETH long in today's shape (rawUsd, maxLeverage,
  cumFunding), the row of the API docs' clearinghouseState example.
* `MIXED_ACCOUNT`: that row beside a cross short whose liquidationPx is garbage, a
  cross long whose liquidationPx is null, and a closed row (`szi` "0.0").
* `MARKETS`: a metaAndAssetCtxs answer for those coins: tiered BTC (table 56,
  40x then 20x past 150M), kPEPE (table 52), flat tables below 50, one asset whose
  mark is garbage, and the two-element [meta, assetCtxs] shape.
* `SDK_MARKETS`: the SDK account's twelve coins as they traded in March 2023, every
  one at 50x (the cap then; the recording itself carries no maxLeverage).
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

__all__ = [
    "ISOLATED_ROW",
    "MARKETS",
    "MIXED_ACCOUNT",
    "MIXED_USER",
    "SDK_ACCOUNT",
    "SDK_MARKETS",
    "SDK_USER",
    "account_with",
]

SDK_USER = "0x5e9ee1089755c3435139848e47e6635505d5a13a"
MIXED_USER = "0x" + "ab" * 20


def _cross(
    coin: str, entry: str, liq: str | None, used: str, value: str, szi: str, pnl: str
) -> Any:
    return {
        "position": {
            "coin": coin,
            "entryPx": entry,
            "leverage": {"type": "cross", "value": 20},
            "liquidationPx": liq,
            "marginUsed": used,
            "positionValue": value,
            "szi": szi,
            "unrealizedPnl": pnl,
        },
        "type": "oneWay",
    }


_SUMMARY = {
    "accountValue": "1182.312496",
    "totalMarginUsed": "171.740766",
    "totalNtlPos": "3434.815334",
    "totalRawUsd": "86.549602",
}
SDK_ACCOUNT: dict[str, Any] = {
    "assetPositions": [
        _cross(
            "BTC", "26951.0", "173198.69592357", "10.582271", "211.64542", "-0.00785", "-0.08007"
        ),
        _cross("ETH", "1705.82", None, "11.383755", "227.675114", "0.1334", "0.118726"),
        _cross("ATOM", "10.787", "2561.83187333", "0.243", "4.86", "-0.45", "-0.00585"),
        _cross("MATIC", "1.03483", None, "3.96788", "79.3576", "76.6", "0.089622"),
        _cross("DYDX", "2.36808", "11.841653", "14.3622", "287.244", "-121.2", "-0.232704"),
        _cross("SOL", "19.6789", None, "7.275455", "145.5091", "7.39", "0.082029"),
        _cross("AVAX", "16.3839", None, "23.206", "464.12", "28.3", "0.45563"),
        _cross("BNB", "306.509", None, "29.40102", "588.0204", "1.916", "0.749156"),
        _cross("APE", "3.86082", "12.57589638", "25.47694", "509.5388", "-131.8", "-0.682724"),
        _cross("OP", "2.04459", "17.0707113", "7.8119", "156.238", "-76.4", "-0.031324"),
        _cross("LTC", "88.0926", None, "23.48931", "469.7862", "5.33", "0.252642"),
        _cross("ARB", "1.17991", None, "14.541035", "290.8207", "246.5", "-0.027115"),
    ],
    "crossMarginSummary": dict(_SUMMARY),
    "marginSummary": dict(_SUMMARY),
    "withdrawable": "1010.57173",
}

ISOLATED_ROW: dict[str, Any] = {
    "position": {
        "coin": "ETH",
        "cumFunding": {"allTime": "514.085417", "sinceChange": "0.0", "sinceOpen": "0.0"},
        "entryPx": "2986.3",
        "leverage": {"rawUsd": "-95.059824", "type": "isolated", "value": 20},
        "liquidationPx": "2866.26936529",
        "marginUsed": "4.967826",
        "maxLeverage": 50,
        "positionValue": "100.02765",
        "returnOnEquity": "-0.0026789",
        "szi": "0.0335",
        "unrealizedPnl": "-0.0134",
    },
    "type": "oneWay",
}
_BTC_SHORT = _cross("BTC", "97200.0", "bad", "243.0", "4860.0", "-0.05", "0.0")
_SOL_LONG = _cross("SOL", "150.0", None, "75.0", "1500.0", "10.0", "0.0")
_DOGE_CLOSED = _cross("DOGE", "0.0", None, "0.0", "0.0", "0.0", "0.0")
_DOGE_CLOSED["position"]["entryPx"] = None  # a closed row need not carry an entry

MIXED_ACCOUNT: dict[str, Any] = {
    "assetPositions": [ISOLATED_ROW, _BTC_SHORT, _SOL_LONG, _DOGE_CLOSED],
    "crossMaintenanceMarginUsed": "158.25",
    "crossMarginSummary": {
        "accountValue": "10000.0",
        "totalMarginUsed": "318.0",
        "totalNtlPos": "6360.0",
        "totalRawUsd": "8360.0",
    },
    "marginSummary": {
        "accountValue": "10004.967826",
        "totalMarginUsed": "322.967826",
        "totalNtlPos": "6460.02765",
        "totalRawUsd": "8264.940176",
    },
    "time": 1708622398623,
    "withdrawable": "9682.0",
}


def account_with(*rows: Any, value: str = "10000.0") -> dict[str, Any]:
    """MIXED_ACCOUNT's totals around other rows (a changed account, a broken row)."""
    answer = deepcopy(MIXED_ACCOUNT)
    answer["assetPositions"] = list(rows)
    answer["marginSummary"]["accountValue"] = value
    return answer


def _asset(name: str, max_leverage: int, table: int) -> dict[str, Any]:
    return {"name": name, "szDecimals": 2, "maxLeverage": max_leverage, "marginTableId": table}


def _ctx(mark: str, funding: str = "0.0000125") -> dict[str, Any]:
    return {"funding": funding, "markPx": mark, "oraclePx": mark, "openInterest": "1000.0"}


_SDK_COINS = ["ATOM", "MATIC", "DYDX", "AVAX", "BNB", "APE", "OP", "LTC", "ARB"]
_UNIVERSE = [
    (_asset("BTC", 40, 56), _ctx("97200.0")),
    (_asset("ETH", 50, 50), _ctx("2985.9")),
    (_asset("SOL", 20, 20), _ctx("150.0", "-0.00001")),
    (_asset("DOGE", 10, 10), _ctx("0.15")),
    (_asset("kPEPE", 10, 52), _ctx("0.012")),
    ({**_asset("BADMARK", 3, 3)}, _ctx("bad")),
    *[(_asset(coin, 50, 50), _ctx("1.0")) for coin in _SDK_COINS],
]
MARKETS: list[Any] = [
    {
        "universe": [asset for asset, _ in _UNIVERSE],
        "marginTables": [
            [50, {"description": "", "marginTiers": [{"lowerBound": "0.0", "maxLeverage": 50}]}],
            [
                52,
                {
                    "description": "tiered 10x",
                    "marginTiers": [
                        {"lowerBound": "0.0", "maxLeverage": 10},
                        {"lowerBound": "20000000.0", "maxLeverage": 5},
                    ],
                },
            ],
            [
                56,
                {
                    "description": "tiered 40x",
                    "marginTiers": [
                        {"lowerBound": "0.0", "maxLeverage": 40},
                        {"lowerBound": "150000000.0", "maxLeverage": 20},
                    ],
                },
            ],
        ],
    },
    [ctx for _, ctx in _UNIVERSE],
]

_SDK_ALL = ["BTC", "ETH", "SOL", *_SDK_COINS]
SDK_MARKETS: list[Any] = [
    {
        "universe": [_asset(coin, 50, 50) for coin in _SDK_ALL],
        "marginTables": [MARKETS[0]["marginTables"][0]],
    },
    [_ctx("1.0") for _ in _SDK_ALL],
]
