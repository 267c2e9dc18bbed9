"""Short answers about margin, written for IsoCross: the /faq topics and how to find one.

Each topic has a stable key (used in commands and inline results), words that
find it, a title and an answer. The answers state what every major exchange
does alike; where exchanges differ, /compare and /calc show the exact figures.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from bot.i18n import N_

__all__ = ["TOPICS", "Topic", "find_topic", "matching_topics"]


@dataclass(frozen=True, slots=True)
class Topic:
    key: str
    words: tuple[str, ...]  # what a reader may type to find it (English, lower case)
    title: str  # N_() message
    answer: tuple[str, ...]  # N_() paragraphs


TOPICS: tuple[Topic, ...] = (
    Topic(
        "isolated",
        ("isolated", "iso", "isolation"),
        N_("Isolated margin"),
        (
            N_(
                "In isolated mode a position has its own margin, taken from the wallet when "
                "you open it. Gains and losses of that position move only that margin."
            ),
            N_(
                "When the position's margin plus its unrealized PnL falls to its maintenance "
                "margin, that position alone is liquidated. The most you lose is the margin "
                "you gave it (plus fees); the rest of the wallet is untouched."
            ),
            N_(
                "You can add margin later to move the liquidation price away: /margin 1 +200. "
                "Try both modes on one position with /calc long BTC @ 62000 x20."
            ),
        ),
    ),
    Topic(
        "cross",
        ("cross", "shared", "crossed"),
        N_("Cross margin"),
        (
            N_(
                "In cross mode every cross position draws on one pool: the wallet balance, "
                "minus what isolated positions hold, plus the unrealized PnL of all cross "
                "positions."
            ),
            N_(
                "A profit on one position supports a loss on another, so a cross position "
                "usually survives a larger move than the same position in isolated mode."
            ),
            N_(
                "The price of that buffer: when the pool falls to the total maintenance "
                "margin, all cross positions are liquidated together and the whole pool can "
                "be lost. /compare shows which move would do that to your portfolio."
            ),
        ),
    ),
    Topic(
        "choose",
        ("choose", "which", "vs", "versus", "better", "difference", "cross or", "or cross"),
        N_("Isolated or cross?"),
        (
            N_(
                "Isolated suits single trades with a loss you want capped in advance: high "
                "leverage, volatile coins, experiments. A bad trade costs its own margin and "
                "nothing else."
            ),
            N_(
                "Cross suits positions that offset each other (a hedge, a long against a short "
                "on related coins) and traders who watch the whole account, since the wallet "
                "works as one buffer."
            ),
            N_(
                "Use cross only with a balance you could lose in one move. /compare runs your "
                "portfolio both ways and shows the liquidation prices side by side."
            ),
        ),
    ),
    Topic(
        "liquidation",
        ("liquidation", "liquidated", "liq", "liquidate", "bankruptcy"),
        N_("Liquidation"),
        (
            N_(
                "The exchange closes a position when the margin backing it falls to the "
                "maintenance margin. The liquidation price is the mark price at which that "
                "happens; exchanges use the mark price, not the last trade, so a brief wick "
                "on one venue does not trigger it."
            ),
            N_(
                "The bankruptcy price is where the margin would reach zero. The gap between "
                "the two pays the liquidation and its fees; what is left of your margin after "
                "a liquidation is usually little or nothing."
            ),
            N_(
                "IsoCross computes the liquidation price with each exchange's own formula and "
                "rounds it toward danger, so the number shown is never more optimistic."
            ),
        ),
    ),
    Topic(
        "maintenance",
        ("maintenance", "mm", "mmr", "tier", "tiers", "bracket", "brackets"),
        N_("Maintenance margin and tiers"),
        (
            N_(
                "The maintenance margin is the least margin a position may keep. It is the "
                "position's value times a maintenance rate, minus a fixed amount that keeps "
                "the tiers continuous; some exchanges add the fee to close."
            ),
            N_(
                "Exchanges sort positions into tiers by size: a larger position pays a higher "
                "maintenance rate and may use less leverage. So a big position is liquidated "
                "sooner than its leverage alone suggests."
            ),
            N_(
                "IsoCross reads the exchanges' published tier tables and says so when a "
                "symbol has none and a cautious generic table stands in."
            ),
        ),
    ),
    Topic(
        "ratio",
        ("ratio", "margin ratio", "health", "mr"),
        N_("Margin ratio"),
        (
            N_(
                "The margin ratio is the maintenance margin divided by the margin balance "
                "that backs it. At 100% the position (or, in cross, the account) is "
                "liquidated."
            ),
            N_(
                "Binance and Bybit show it this way; OKX shows the inverse (balance over "
                "maintenance, liquidation at 100% from above). IsoCross always uses "
                "maintenance over balance."
            ),
            N_(
                "A ratio climbing past 50% deserves attention; past 80% a small move is "
                "enough. See it per position in /positions and for the account in /risk."
            ),
        ),
    ),
    Topic(
        "addmargin",
        ("add", "adding", "addmargin", "add margin", "top up", "topup"),
        N_("Adding margin"),
        (
            N_(
                "In isolated mode, adding margin to a position lowers its effective leverage "
                "and moves its liquidation price away from the mark: down for a long, up for "
                "a short. The size and the profit per price move stay the same."
            ),
            N_(
                "The margin you add is also what you can lose on that position. Adding to a "
                "losing trade to avoid liquidation raises the stake; decide first how much "
                "you accept to lose."
            ),
            N_(
                "In cross mode there is nothing to add per position: a deposit to the wallet "
                "backs every cross position. Try /margin 1 +200 and /positions."
            ),
        ),
    ),
    Topic(
        "hedging",
        ("hedge", "hedging", "hedged", "long and short"),
        N_("Hedging"),
        (
            N_(
                "A hedge holds opposite positions so that a move hurts one and helps the "
                "other: a long and a short on one market (hedge mode), or on markets that "
                "move together."
            ),
            N_(
                "In cross mode the gains of one leg back the losses of the other, so the "
                "pair needs little margin and is hard to liquidate while both stay open. In "
                "isolated mode each leg stands alone and can be liquidated although the "
                "other is in profit."
            ),
            N_(
                "Once one leg is closed or liquidated, the other is fully exposed. Fees and "
                "funding are paid on both legs."
            ),
        ),
    ),
    Topic(
        "leverage",
        ("leverage", "risk", "risks", "high leverage", "100x", "50x", "x50", "x100"),
        N_("The risks of high leverage"),
        (
            N_(
                "Leverage does not change what a price move earns or costs on a given size; "
                "it only shrinks the margin behind the position. At 50x an isolated position "
                "is liquidated after a move of roughly 2% minus the maintenance rate, often "
                "about 1.5%."
            ),
            N_(
                "Moves that small happen within minutes on most coins, and fees and funding "
                "come out of the same thin margin. Large positions also fall into tiers with "
                "lower leverage limits."
            ),
            N_(
                "Choose the size you can afford to lose first, then the leverage. /calc shows "
                "the liquidation price before you trade."
            ),
        ),
    ),
)
_BY_KEY = {topic.key: topic for topic in TOPICS}
_WORD_BREAKS = re.compile(r"[^\w%]+")


def find_topic(text: str) -> Topic | None:
    """The topic a reader means by `text` (a key, a word, a near miss), or None."""
    wanted = " ".join(text.lower().split())
    if wanted in _BY_KEY:
        return _BY_KEY[wanted]
    found = matching_topics(wanted)
    if found:
        return found[0]
    keys = list(_BY_KEY) + [word for topic in TOPICS for word in topic.words]
    close = difflib.get_close_matches(wanted, keys, n=1, cutoff=0.75)
    if not close:
        return None
    return _BY_KEY.get(close[0]) or next(t for t in TOPICS if close[0] in t.words)


def matching_topics(text: str) -> list[Topic]:
    """Topics whose words appear in `text`, best first (phrases before single words)."""
    padded = f" {' '.join(_WORD_BREAKS.sub(' ', text.lower()).split())} "
    scored = []
    for topic in TOPICS:
        score = sum(len(word.split()) for word in topic.words if f" {word} " in padded)
        if score:
            scored.append((-score, TOPICS.index(topic), topic))
    return [topic for _, _, topic in sorted(scored, key=lambda item: item[:2])]
