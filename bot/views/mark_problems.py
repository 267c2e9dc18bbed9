"""Why a symbol has no price of its own from the user's feed, said per symbol.

A reply priced at another exchange's mark, a manual mark or the entry price says
so beside its marks (`bot.views.tables.marks_note`); this note says why the
user's own feed gave none: down since when, its last price refused and why, or
its last accepted price too old to use. A symbol the feed never priced while
it works needs no note: the marks line already says there is no live mark.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.feeds.book import MarkProblem, Problem, Refusal
from bot.i18n import N_, Translator
from bot.reply import Paragraph
from bot.views.tables import age_text

__all__ = ["problem_text", "problems_note"]

_REFUSAL = {
    Refusal.MISSING: N_("no price in the answer"),
    Refusal.NOT_A_NUMBER: N_("not a number"),
    Refusal.NOT_POSITIVE: N_("zero or negative"),
    Refusal.BAD_TIME: N_("an unreadable time"),
    Refusal.STALE: N_("too old"),
    Refusal.JUMP: N_("a jump no other tick or exchange confirms yet"),
}


def problem_text(tr: Translator, problem: MarkProblem, now: datetime) -> str | None:
    """'feed down since 12:00 UTC', 'price refused: zero or negative', ...; None when
    there is nothing worth saying."""
    if problem.problem is Problem.DOWN and problem.since is not None:
        return tr("feed down since {time} UTC", time=problem.since.strftime("%H:%M"))
    if problem.problem is Problem.REFUSED and problem.refusal is not None:
        return tr("price refused: {reason}", reason=tr(_REFUSAL[problem.refusal]))
    if problem.problem is Problem.STALE and problem.since is not None:
        return tr("last price {age} old, too old to use", age=age_text(tr, now - problem.since))
    return None


def problems_note(
    tr: Translator, problems: Mapping[str, MarkProblem | None], now: datetime
) -> list[Paragraph]:
    """One line for every symbol the user's feed could not price, grouped by feed."""
    by_feed: dict[str, list[str]] = {}
    for symbol, problem in problems.items():
        text = None if problem is None else problem_text(tr, problem, now)
        if problem is not None and text is not None:
            by_feed.setdefault(problem.feed.value, []).append(
                tr("{symbol} ({why})", symbol=symbol, why=text)
            )
    return [
        Paragraph(tr("No usable {feed} price: {symbols}", feed=feed, symbols=", ".join(parts)))
        for feed, parts in by_feed.items()
    ]
