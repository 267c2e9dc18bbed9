"""Every command is documented: in /help, in its usage line, and in the README."""

from __future__ import annotations

from pathlib import Path

from bot.commands.usage import SUMMARY, USAGE
from bot.parsing import COMMANDS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_command_has_a_usage_line_and_a_summary() -> None:
    assert set(COMMANDS) == set(USAGE) == set(SUMMARY)


def test_every_command_appears_in_the_readme() -> None:
    for name in COMMANDS:
        assert f"`/{name}" in README, name
