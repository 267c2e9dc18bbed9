"""What a command's reply says when a position opens (or changes) already at an alert level.

The watch arms such a level silently (an alert says what changed, and nothing did
but the trader's own command), so the reply to that command is where it is
said: "This position opens 0.9% from liquidation: at danger level." The rule is
the watch's own (`engine.alerts`): with the default, cushion-scaled distances a
position cannot open inside its own warning distance, so only the margin ratio
(or a fixed `/alerts distance`) can put it at a level.
"""

from __future__ import annotations

from bot.i18n import N_, Translator
from engine.alerts import Level, Risk, Thresholds, cushion_of, cushion_thresholds, level_of
from engine.margin import PositionResult, Status

__all__ = ["opening_level", "opening_level_note"]

_NOTES = {
    Level.WARNING: N_("This position opens {distance} from liquidation: at warning level."),
    Level.DANGER: N_("This position opens {distance} from liquidation: at danger level."),
    Level.LIQUIDATED: N_("This position opens past its liquidation price."),
}


def opening_level(
    result: PositionResult, thresholds: Thresholds, *, fixed_distance: bool
) -> Level | None:
    """The alert level that already holds for a position just opened or changed, by the
    owner's thresholds (`fixed_distance`: as set with /alerts distance, else scaled to
    the cushion it opens with)."""
    risk = Risk(
        distance=result.distance_to_liquidation,
        margin_ratio=result.margin_ratio,
        liquidated=result.status is Status.LIQUIDATED,
    )
    if not fixed_distance:
        thresholds = cushion_thresholds(thresholds, cushion_of(risk))
    return level_of(risk, thresholds)


def opening_level_note(
    tr: Translator, result: PositionResult, thresholds: Thresholds, *, fixed_distance: bool
) -> str | None:
    """The reply's line when the position opens at a level; None when it opens clear."""
    level = opening_level(result, thresholds, fixed_distance=fixed_distance)
    if level is None:
        return None
    distance = result.distance_to_liquidation
    shown = "—" if distance is None else tr.percent(abs(distance), 1)
    return tr(_NOTES[level], distance=shown)
