"""The mode advice in brief: what an alert, a digest or the weekly review carries.

`brief_of` keeps what the brief advice says (the recommendation, each position's
mode now and advised, the weightiest reason with its figures, the FAQ topics)
for `bot.views.advice.brief_blocks`. Scheduled messages wait in the outbox
before they are rendered; there the brief is a part of the message
(`bot.alerts.messages.BriefMessage`), which converts to and from this.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.advice import AdviceResult, Recommendation
from engine.models import MarginMode
from engine.reasons import Reason

__all__ = ["BriefAdvice", "BriefPosition", "brief_of"]


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
