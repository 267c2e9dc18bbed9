"""A kill -9 while an update is being handled loses nothing: Telegram still holds it, and
the next process answers it."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest

from bot.app import build_application, running
from tests.fakes.bot_api import FakeBotAPI
from tests.killed import ROOT
from tests.telegram.conftest import settings_for

pytestmark = pytest.mark.e2e

BOT = Path(__file__).with_name("bot_to_kill.py")


async def test_an_update_being_handled_at_a_kill_is_answered_after_the_restart(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    api.message(95, "/start")  # answered by the first process
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(BOT), api.url, str(tmp_path / "isocross.db"),
        cwd=ROOT, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        assert await asyncio.wait_for(process.stdout.readline(), 30) == b"UP\n"
        await api.wait_for(lambda: api.sent(95), timeout=10)
        api.slow_chat(95, 2.0)  # the reply to the next update is on its way when it dies
        polls = len(api.calls_to("getUpdates"))
        api.message(95, "/faq ratio")
        await api.wait_for(lambda: len(api.calls_to("getUpdates")) >= polls + 2, timeout=10)
        await asyncio.sleep(0.3)
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    assert process.returncode == -signal.SIGKILL
    assert api.pending_updates() == 1  # before: confirmed by the next poll, then lost

    api.slow_chat(95, 0.0)
    asked = len(api.calls_to("sendMessage"))
    async with running(build_application(settings_for(api, tmp_path)), poll_timeout=1.0):
        await api.wait_for(lambda: api.pending_updates() == 0, timeout=10)
        await api.wait_for(lambda: len(api.calls_to("sendMessage")) > asked, timeout=10)
    answers = [c for c in api.calls_to("sendMessage")[asked:] if c.params["chat_id"] == "95"]
    assert answers and answers[-1].params["text"].startswith("<b>Margin ratio")
