"""Error codes from the parser and the engine, turned into sentences a trader reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.commands.command import Command, Registry
from bot.i18n import N_, Translator
from bot.parsing import ParseError
from bot.reply import Paragraph, Reply
from engine.errors import EngineError

__all__ = ["engine_error_reply", "parse_error_reply", "usage_blocks"]

PARSE_ERRORS: Mapping[str, str] = {
    "too_long": N_("That message is too long: keep it under {limit} characters."),
    "empty": N_("Send a command, for example /help."),
    "not_a_command": N_("In a group, start a command with a slash, for example /calc."),
    "unknown_command": N_("I don't know the command “{name}”."),
    "missing_symbol": N_("Which market? Add a symbol such as BTC or ETH."),
    "missing_size": N_("How big? Add a size such as 0.5 or $5000."),
    "missing_side": N_("Long or short? Add one of them."),
    "missing_price": N_("At what price? Add one, for example @ 62000."),
    "no_mark": N_(
        "At what price? There is no live mark for {symbol} right now: add a price "
        "(@ 62000) or set a mark with /price {symbol} 62000."
    ),
    "missing_value": N_("“{token}” needs a number after it."),
    "missing_argument": N_("Something is missing."),
    "repeated": N_("“{token}” repeats something already given."),
    "unexpected": N_("I don't understand “{token}” here."),
    "bad_number": N_("“{token}” is not a number I can use (write 62000, 62,000 or 62k)."),
    "number_too_large": N_("“{value}” is too large."),
    "not_positive": N_("“{token}” must be more than zero."),
    "spaced_number": N_(
        "“{token}” has a space inside the number, which your language does not use to "
        "group digits: write it as {example}."
    ),
    "bad_symbol": N_("“{token}” is not a market symbol."),
    "unit_mismatch": N_("The size is in {unit} but the market is {symbol}."),
    "bad_position_number": N_("“{token}” is not a position number: see /positions."),
    "no_position": N_("You have no {coin} position: see /positions."),
    "two_positions": N_("{symbol} has a long and a short ({n}): name one by its number."),
    "exceeds_position": N_(
        "You hold {size} {symbol}: a close of {qty} is more than that. "
        "An order on the other side (/long or /short) can close and reverse it."
    ),
    "loss_exceeds_wallet": N_(
        "That close loses {loss} USDT, more than the wallet balance of {wallet} USDT: "
        "the exchange would have liquidated first. Check the price, or raise the balance."
    ),
    "hedge_both_sides": N_(
        "Hedge mode stays on: {symbols} holds a long and a short, and one-way mode keeps one "
        "position per market. Close one side first (/close N), then /hedge off."
    ),
    "bad_leverage": N_("“{token}” is not a leverage: write 20 or 20x."),
    "leverage_too_high": N_(
        "“{token}” is more leverage than any exchange offers: the most is {limit}x."
    ),
    "bad_mode": N_("“{token}” is not a margin mode: write cross or isolated."),
    "shock_too_large": N_("A price cannot fall {token}: the most is just under -100%."),
    "bad_name": N_("A portfolio name has up to 32 letters, digits, - or _."),
    "bad_address": N_("“{token}” is not a wallet address: write 0x and 40 hex digits."),
    "bad_label": N_("A wallet's label has up to 29 letters, digits, - or _."),
    "bad_exchange": N_("“{token}” is not one I know; choose one of: {choices}."),
    "bad_rate": N_("“{token}” is not a rate: write it as a percentage such as 0.5%."),
    "bad_percent": N_("“{token}” is not a percentage I can use: write 70 or 70%."),
    "ratio_order": N_("The danger ratio must be above the warning ratio, at most 100%."),
    "distance_order": N_("The danger distance must be nearer than the warning distance."),
    "bad_duration": N_("“{token}” is not a duration: write 30m, 2h or 1d (at most 7 days)."),
    "bad_time": N_("“{token}” is not a time of day: write 23:00."),
    "bad_timezone": N_("“{token}” is not a timezone I know: write one like Europe/Berlin."),
}

ENGINE_ERRORS: Mapping[str, str] = {
    "leverage_too_high": N_(
        "{leverage}x is more than {symbol} allows at this size: the most is {max_leverage}x."
    ),
    "position_mode_conflict": N_(
        "{symbol} already has a position. Close it first, or turn on hedge mode with "
        "/hedge on to hold a long and a short together."
    ),
    "tier_data_error": N_("I have no margin table for {symbol} on this exchange."),
}

INVALID_INPUT: Mapping[str, str] = {
    "isolated_exceeds_wallet": N_(
        "The isolated positions hold more margin than the wallet "
        "has. Raise the balance with /balance first."
    ),
    "margin_below_zero": N_("That would take more margin out than the position holds."),
    "price_not_positive": N_("That shock takes {symbol} to zero or below."),
    "not_positive": N_("{field} must be more than zero."),
    "below_one": N_("Leverage starts at 1x."),
}
GENERIC_INVALID = N_("That value of {field} cannot be used.")
# a shipped table that covers only its first tiers: past its last one the margin is unknown
BEYOND_PARTIAL_TABLE = N_(
    "The {symbol} margin table I have for this exchange (as of {as_of}) stops below this "
    "position's size, so I can't compute its margin exactly. Try a smaller size."
)


# hedge mode: the long and the short of one market must share a margin mode
MIXED_HEDGE_MODES = N_(
    "In hedge mode the long and the short of {symbol} share one margin mode: "
    "give this one the same mode (iso or cross)."
)


def usage_blocks(tr: Translator, command: Command[Any]) -> list[Paragraph]:
    return [
        Paragraph(tr("Syntax: {syntax}", syntax=command.syntax)),
        Paragraph(tr("Example: {examples}", examples=command.examples)),
    ]


def parse_error_reply(tr: Translator, error: ParseError, commands: Registry) -> Reply:
    """The error, then the syntax of the command it names (or of the one meant)."""
    message = PARSE_ERRORS.get(error.code, PARSE_ERRORS["unexpected"])
    blocks: list[Paragraph] = [Paragraph(tr(message, **error.params))]
    suggestion = commands.get(error.params.get("suggestion") or None)
    command = commands.get(error.command)
    if suggestion is not None:
        blocks.append(Paragraph(tr("Did you mean /{command}?", command=suggestion.name)))
        blocks.extend(usage_blocks(tr, suggestion))
    elif command is not None:
        blocks.extend(usage_blocks(tr, command))
    else:
        blocks.append(Paragraph(tr("Send /help to see every command.")))
    return Reply(tuple(blocks), is_error=True)


def engine_error_reply(tr: Translator, error: EngineError, command: Command[Any] | None) -> Reply:
    """The engine's refusal, then the syntax of the command that met it."""
    params = {key: str(value) for key, value in error.params.items()}
    params.setdefault("symbol", "")
    params.setdefault("field", "")
    if error.code == "invalid_input":
        template = INVALID_INPUT.get(params.get("reason", ""), GENERIC_INVALID)
    elif params.get("reason") == "beyond_partial_table":
        template = BEYOND_PARTIAL_TABLE
    elif params.get("reason") == "mixed_margin_modes":
        template = MIXED_HEDGE_MODES
    else:
        template = ENGINE_ERRORS.get(error.code, GENERIC_INVALID)
    blocks: list[Paragraph] = [Paragraph(tr(template, **params))]
    if command is not None:
        blocks.extend(usage_blocks(tr, command))
    return Reply(tuple(blocks), is_error=True)
