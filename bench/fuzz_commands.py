"""Hostile lines through the real command layer on a real SQLite file: four counts of defects.

`python -m bench.fuzz_commands --lines 100000` prints how many replies were (1) the apology
for an internal error, (2) showed an internal identifier, (3) were private-chat errors with
neither the syntax nor a pointer to /help, (4) were errors that changed the stored state.
Every count should be 0. tests/bot/test_command_fuzz.py checks the same on fewer lines.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import re
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.commands import Caller, CommandLayer
from bot.commands.registry import REGISTRY
from bot.reply import Reply
from bot.services import Services, open_services

__all__ = ["COMMANDS", "SETUP", "WORDS", "Counts", "Fuzzer", "hostile_line"]

APOLOGY = "something went wrong on my side"
COMMANDS = sorted(name for command in REGISTRY for name in (command.name, *command.aliases))
NEAR_MISSES = ["/lng", "/calcc", "/LONG", "/Calc", "long", "calc", "/", "//long", "/long@bot"]
WORDS = [
    # symbols, sides, modes, keywords
    *("btc", "eth", "sol", "1000pepe", "btc/usdt", "BTCUSDT", "long", "short", "iso", "cross"),
    *("@", "at", "margin", "balance", "lev", "all", "yes", "new", "custom", "listed", "#1"),
    # numbers the way traders type them, and the odd ones
    *("0.5", "62k", "62000", "62,000", "62 000", "1,000.5", "0,5", "$500", "500usdt", "0.1btc"),
    *("x10", "10x", "0x", "x0", "1", "2", "+200", "-100", "-15%", "0.5%", "70%", "30m", "23:00"),
    *("0", "-0", "0.0", "00", ".5", "-1", "1e308", "1e-308", "-1e9", "1E3", "NaN", "-inf"),
    *("99999999999999999999", "0.000000000000000000001", "1" * 30, "1k", "1m", "0k"),
    # fullwidth and Arabic-Indic digits, control and bidirectional characters, emoji
    *("６２０００", "０．５", "٦٢٠٠٠", "٠٫٥", "۱۲۳", "१२३", "\u202e", "\u200f", "\u200b"),
    *("\x00", "\x07", "\t", "\r\n", "👀", "🚀🚀", "₿", "½", "²", "Ⅻ"),
    # injection and format-string fragments
    *("'; DROP TABLE users;--", "' OR 1=1", "%s", "%d", "{0}", "{symbol}", "{__class__}"),
    *("<b>", "&amp;", "\\n", "None", "null", "Europe/Berlin", "en", "ru", "zh"),
]
SETUP = (
    "/balance 100000",
    "/long btc 0.5 @ 62000 x10 iso",
    "/short eth 3 @ 3100 20x cross",
)
_IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|Decimal\(|\bNone\b|object at 0x|<[a-z_.]+[ >]")
_RESET_EVERY = 2000  # lines between fresh portfolios, so the store stays a trader's size


def hostile_line(rng: random.Random) -> str:
    """A command (or a near miss) and up to eight words from the vocabulary."""
    roll = rng.random()
    if roll < 0.85:
        head = "/" + rng.choice(COMMANDS)
    elif roll < 0.95:
        head = rng.choice(NEAR_MISSES)
    else:
        head = rng.choice(WORDS)
    words = rng.choices(WORDS, k=rng.randint(0, 8))
    glue = rng.choice((" ", " ", " ", ""))
    return glue.join([head, *words]) if glue else head + " " + "".join(words)


def internal_identifiers(reply: Reply, line: str) -> list[str]:
    """What in the reply reads like code, not counting what the user typed."""
    typed = line.lower()
    return [m for m in _IDENTIFIER.findall(reply.plain_text()) if m.lower() not in typed]


@dataclass
class Counts:
    internal_error: int = 0
    internal_identifier: int = 0
    error_without_syntax: int = 0
    error_changed_state: int = 0
    lines: int = 0
    shown: int = 5
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, line: str, reply: Reply) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        found = self.examples.setdefault(kind, [])
        if len(found) < self.shown:
            found.append(f"{line!r} -> {reply.plain_text()[:160]!r}")

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (
            self.internal_error,
            self.internal_identifier,
            self.error_without_syntax,
            self.error_changed_state,
        )


class Fuzzer:
    """The command layer on one SQLite file, and the four checks on each reply."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.layer = CommandLayer(services)
        self.counts = Counts()
        self._reader = sqlite3.connect(services.db.path)
        catalogs = services.catalogs
        self._syntax = {
            catalogs.translator(code)("Syntax: {syntax}", syntax="\x00").split("\x00")[0].strip()
            for code in catalogs.languages
        }

    def close(self) -> None:
        self._reader.close()

    def dump(self) -> list[str]:
        return list(self._reader.iterdump())

    async def setup(self, caller: Caller) -> None:
        for line in SETUP:
            await self.layer.handle(line, caller)

    async def check(self, line: str, caller: Caller) -> Reply:
        before = self.dump()
        reply = await self.layer.handle(line, caller)
        text = reply.plain_text()
        self.counts.lines += 1
        if APOLOGY in text.lower():
            self.counts.add("internal_error", line, reply)
        if internal_identifiers(reply, line):
            self.counts.add("internal_identifier", line, reply)
        if reply.is_error and caller.private and not self._shows_help(text):
            self.counts.add("error_without_syntax", line, reply)
        if reply.is_error and self.dump() != before:
            self.counts.add("error_changed_state", line, reply)
        return reply

    def _shows_help(self, text: str) -> bool:
        return "/help" in text or any(label in text for label in self._syntax)


async def _run(path: Path, lines: int, seed: int, shown: int) -> Counts:
    rng = random.Random(seed)
    services = await open_services(path)
    callers = [
        Caller(user_id=1, language_code="en"),
        Caller(user_id=2, language_code="ru"),
        Caller(user_id=3, language_code="zh", private=False),
    ]
    try:
        fuzzer = Fuzzer(services)
        fuzzer.counts.shown = shown
        for n in range(lines):
            caller = callers[n % len(callers)]
            if n % _RESET_EVERY < len(callers):  # a first contact, then a trader's account
                caller = Caller(1000 + n, caller.language_code, private=caller.private)
                callers[n % len(callers)] = caller
                await fuzzer.check(hostile_line(rng), caller)
                await fuzzer.setup(caller)
            await fuzzer.check(hostile_line(rng), caller)
        fuzzer.close()
        return fuzzer.counts
    finally:
        await services.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--examples", type=int, default=5, help="lines shown per defect")
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)  # the internal errors are counted, not logged
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        counts = asyncio.run(_run(Path(folder) / "fuzz.db", args.lines, args.seed, args.examples))
    elapsed = time.perf_counter() - start
    print(f"{counts.lines:,} hostile lines in {elapsed:.0f} s (seed {args.seed})")
    print(f"internal errors:                 {counts.internal_error}")
    print(f"internal identifiers shown:      {counts.internal_identifier}")
    print(f"private errors without syntax:   {counts.error_without_syntax}")
    print(f"errors that changed the state:   {counts.error_changed_state}")
    for kind, found in counts.examples.items():
        print(f"\n{kind}:")
        for line in found:
            print(f"  {line}")


if __name__ == "__main__":
    main()
