"""Hostile lines (bench/fuzz_commands.py's vocabulary) meet no bug, no code, no dead end and
no change: no internal error, no internal identifier, every private error shows the syntax
or /help, and an error leaves the SQLite file's dump as it was."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fuzz_commands import COMMANDS, NEAR_MISSES, WORDS, Counts, Fuzzer
from bot.commands import Caller
from bot.services import open_services

HEADS = st.one_of(
    st.sampled_from(["/" + name for name in COMMANDS]),
    st.sampled_from(NEAR_MISSES),
    st.sampled_from(WORDS),
)
LINES = st.builds(
    lambda head, words, glue: (
        (glue or " ").join([head, *words]) if glue else head + " " + "".join(words)
    ),
    HEADS,
    st.lists(st.sampled_from(WORDS), max_size=8),
    st.sampled_from([" ", ""]),
)
CALLERS = (
    Caller(user_id=1, language_code="en"),
    Caller(user_id=2, language_code="ru"),
    Caller(user_id=3, language_code="zh", private=False),
)
# a user's first line: a refusal must not even store the user
FIRST_CONTACTS = st.builds(
    Caller,
    user_id=st.integers(10_000, 10**9),
    language_code=st.sampled_from(["en", "ru", None]),
    private=st.booleans(),
)


def test_hostile_lines_meet_no_internal_error_code_dead_end_or_change(tmp_path: Path) -> None:
    with asyncio.Runner() as runner:
        services = runner.run(open_services(tmp_path / "fuzz.db"))
        fuzzer = Fuzzer(services)
        for caller in CALLERS:
            runner.run(fuzzer.setup(caller))

        @settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
        @given(LINES, st.sampled_from(CALLERS) | FIRST_CONTACTS)
        def check(line: str, caller: Caller) -> None:
            fuzzer.counts = Counts()
            runner.run(fuzzer.check(line, caller))
            assert fuzzer.counts.as_tuple() == (0, 0, 0, 0), fuzzer.counts.examples

        try:
            check()
        finally:
            fuzzer.close()
            runner.run(services.close())
