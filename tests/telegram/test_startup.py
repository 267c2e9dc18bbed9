"""`python -m bot` as an operator runs it: one line for a bad setting or a refused token,
and a real start, answer and clean stop on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakes.bot_api import FakeBotAPI
from tests.telegram.conftest import CLOSED_PORT, OFFLINE_FEEDS

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def _bot(env: dict[str, str], tmp_path: Path) -> subprocess.Popen[str]:
    """Start the bot; its output goes to files, so a chatty log never fills a pipe and
    blocks it (a blocked bot answers nothing until it is read)."""
    offline = dict.fromkeys(OFFLINE_FEEDS, CLOSED_PORT)
    full = {**os.environ, "ISOCROSS_DB_PATH": str(tmp_path / "isocross.db"), **offline, **env}
    with (tmp_path / "out.log").open("w") as out, (tmp_path / "err.log").open("w") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=tmp_path,  # no stray .env from the repository
            env={**full, "PYTHONPATH": str(ROOT)},
            stdout=out,
            stderr=err,
            text=True,
        )


def _finish(process: subprocess.Popen[str], tmp_path: Path) -> tuple[str, str]:
    """Wait for the bot to exit; what it wrote to standard output and standard error."""
    process.wait(timeout=30)
    return (tmp_path / "out.log").read_text(), (tmp_path / "err.log").read_text()


def test_a_malformed_token_stops_start_up_with_one_line(tmp_path: Path) -> None:
    process = _bot({"TELEGRAM_BOT_TOKEN": "not-a-token"}, tmp_path)
    _, err = _finish(process, tmp_path)
    assert process.returncode == 2
    assert err.strip().splitlines() == [
        "isocross: setting TELEGRAM_BOT_TOKEN: Value error, not a bot token "
        "(digits, a colon, then letters, digits, - or _)"
    ]


def test_a_refused_token_is_one_line_without_the_token(tmp_path: Path) -> None:
    wrong = "987654321:AAWrongTokenWrongTokenWrongToken00"
    with FakeBotAPI() as api:
        process = _bot({"TELEGRAM_BOT_TOKEN": wrong, "TELEGRAM_API_URL": api.url}, tmp_path)
        _, err = _finish(process, tmp_path)
    assert process.returncode == 2
    assert err.strip().splitlines() == ["isocross: the Bot API refused TELEGRAM_BOT_TOKEN"]


def test_the_bot_starts_answers_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    with FakeBotAPI() as api:
        env = {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_URL": api.url}
        process = _bot({**env, "ISOCROSS_LOG_LEVEL": "DEBUG"}, tmp_path)
        api.message(81, "/balance 2500")
        deadline = time.monotonic() + 30
        while not api.texts(81) and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)
        answered = api.texts(81)  # before the bot is told to stop: it answered while running
        process.send_signal(signal.SIGTERM)
        out, err = _finish(process, tmp_path)
    assert answered == ["Wallet balance set to 2,500.00 USDT."], err
    assert process.returncode == 0, err
    assert " DEBUG " in err  # DEBUG logging was on...
    assert api.token not in out + err  # ...and the token is in none of it
    assert api.token.split(":")[1] not in out + err
    assert "2500" not in out + err and "2,500" not in out + err  # nor the user's amount
