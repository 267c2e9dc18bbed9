"""`python -m bot console < session.txt`: a scripted session in a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SESSION = """\
# a comment line is skipped
/balance 5000
/long BTC 0.5 @ 62000 x10 iso
/reset
1
/positions
/undo
/positions
/frobnicate
"""


def _console(
    folder: Path, env: dict[str, str], *args: str, stdin: str, timeout: int
) -> subprocess.CompletedProcess[str]:
    """`python -m bot console ARGS < stdin` run in `folder`, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "console", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
        cwd=folder,
    )


def test_console_answers_each_line_and_exits_at_end_of_input(tmp_path: Path) -> None:
    env = {**os.environ, "ISOCROSS_DB_PATH": str(tmp_path / "console.db")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    done = _console(tmp_path, env, "--user", "5", stdin=SESSION, timeout=120)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "> /balance 5000" in out
    assert "Liquidation price: 56,024.10" in out
    assert "[1] Yes, delete  [2] Cancel" in out
    assert "> /reset yes" in out  # "1" pressed the first button
    assert "No positions yet" in out
    assert "Undone: the reset" in out
    assert "I don't know the command “frobnicate”" in out
    assert "Traceback" not in out + done.stderr
    assert (tmp_path / "console.db").exists()


def test_a_malformed_setting_stops_start_up_with_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "ISOCROSS_LOG_LEVEL": "LOUD"}
    done = _console(tmp_path, env, stdin="", timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "ISOCROSS_LOG_LEVEL" in done.stderr
