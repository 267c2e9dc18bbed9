"""The mode advice in brief, as a stored payload: what an alert or a digest carries.

Scheduled messages are rendered when they are sent, in the reader's language
then, from a JSON payload in the outbox. `brief_payload` keeps what the brief
advice says (the recommendation, each position's mode now and advised, the
weightiest reason with its figures, the FAQ topics) as exact text;
`brief_from_payload` reads it back for `bot.views.advice.brief_blocks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.advice import AdviceResult, Recommendation
from engine.models import MarginMode
from engine.reasons import Figure, Reason, ReasonCode, Unit

__all__ = ["BriefAdvice", "BriefPosition", "brief_from_payload", "brief_of", "brief_payload"]


@dataclass(frozen=True, slots=True)
class BriefPosition:
    position_id: str
    symbol: str
    current: MarginMode
    mode: MarginMode  # the advised one

    @property
    def changes(self) -> bool:
        return self.mode is not self.current


@dataclass(frozen=True, slots=True)
class BriefAdvice:
    recommendation: Recommendation
    positions: tuple[BriefPosition, ...]
    reason: Reason | None  # the weightiest reason that tips the balance, if any
    faq_topics: tuple[str, ...]
    key: str  # AdviceResult.key


def brief_of(result: AdviceResult) -> BriefAdvice:
    decisive = sorted((r for r in result.reasons if r.weight > 0), key=lambda r: -r.weight)
    return BriefAdvice(
        recommendation=result.recommendation,
        positions=tuple(
            BriefPosition(a.position_id, a.symbol, a.current, a.mode) for a in result.positions
        ),
        reason=decisive[0] if decisive else None,
        faq_topics=result.faq_topics,
        key=result.key,
    )


def brief_payload(brief: BriefAdvice) -> dict[str, object]:
    """JSON-ready and exact: Decimals as text, no floats."""
    reason = brief.reason
    return {
        "recommendation": brief.recommendation.value,
        "positions": [
            [p.position_id, p.symbol, p.current.value, p.mode.value] for p in brief.positions
        ],
        "reason": None
        if reason is None
        else {
            "code": reason.code.value,
            "favours": None if reason.favours is None else reason.favours.value,
            "weight": reason.weight,
            "positions": list(reason.position_ids),
            "figures": {name: _figure_payload(f) for name, f in reason.figures.items()},
        },
        "faq": list(brief.faq_topics),
        "key": brief.key,
    }


def _figure_payload(figure: Figure) -> dict[str, object]:
    value = figure.value
    kind = "int" if isinstance(value, int) else "str" if isinstance(value, str) else "dec"
    return {
        "value": None if value is None else str(value),
        "kind": kind,
        "unit": figure.unit.value,
        "long": figure.long,
    }


def _figure(data: Mapping[str, Any]) -> Figure:
    text = data["value"]
    value: Decimal | int | str | None
    if text is None:
        value = None
    elif data["kind"] == "int":
        value = int(text)
    elif data["kind"] == "str":
        value = str(text)
    else:
        value = Decimal(str(text))
    return Figure(value, Unit(data["unit"]), data.get("long"))


def brief_from_payload(data: Mapping[str, Any]) -> BriefAdvice:
    found = data.get("reason")
    reason = (
        None
        if found is None
        else Reason(
            code=ReasonCode(found["code"]),
            favours=None if found["favours"] is None else MarginMode(found["favours"]),
            weight=int(found["weight"]),
            position_ids=tuple(found["positions"]),
            figures={name: _figure(f) for name, f in found["figures"].items()},
        )
    )
    return BriefAdvice(
        recommendation=Recommendation(data["recommendation"]),
        positions=tuple(
            BriefPosition(pid, symbol, MarginMode(current), MarginMode(mode))
            for pid, symbol, current, mode in data["positions"]
        ),
        reason=reason,
        faq_topics=tuple(data["faq"]),
        key=str(data["key"]),
    )
