"""Whatever a user types, the command layer answers, and never with the apology for a bug."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands import Caller, CommandLayer
from bot.commands.registry import REGISTRY
from bot.services import open_services

APOLOGY = "something went wrong on my side"
WORDS = st.sampled_from(
    [
        "btc",
        "eth",
        "0.5",
        "62k",
        "@",
        "at",
        "x10",
        "10x",
        "iso",
        "cross",
        "margin",
        "$500",
        "-15%",
        "all",
        "1",
        "2",
        "+200",
        "-100",
        "yes",
        "new",
        "test",
        "custom",
        "0.5%",
        "1e9",
        "NaN",
        "-0",
        "99999999999999999999",
        "long",
        "short",
        "👀",
        "\u202e",
        "0,5",
        "1,000.5",
    ]
)
LINES = st.one_of(
    st.tuples(st.sampled_from(sorted(c.name for c in REGISTRY)), st.lists(WORDS, max_size=8)).map(
        lambda t: "/" + t[0] + " " + " ".join(t[1])
    ),
    st.text(max_size=80),
)


def test_every_line_gets_a_reply_and_none_is_a_crash(tmp_path: Path) -> None:
    with asyncio.Runner() as runner:
        services = runner.run(open_services(tmp_path / "fuzz.db"))
        layer = CommandLayer(services)
        caller = Caller(user_id=99, language_code="en")
        runner.run(layer.handle("/balance 100000", caller))

        @settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
        @given(LINES)
        def check(line: str) -> None:
            reply = runner.run(layer.handle(line, caller))
            assert reply.blocks
            assert APOLOGY not in reply.plain_text(), line

        try:
            check()
        finally:
            runner.run(services.close())
