"""Issue 14: commands and presses of old buttons, interleaved by hypothesis. No press
ever changes a position other than the one its message showed (identity: the stored key,
which survives renumbering and undo); an out-of-date press changes nothing."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from bot.commands import Caller, CommandLayer
from bot.reply import Button
from bot.services import open_services
from engine.models import Position

ADDS = (
    "/long BTC 0.5 @ 62000 x10 iso",
    "/short ETH 3 @ 3100 x20 iso",
    "/long SOL 10 @ 150 x5 cross",
    "/long DOGE 1000 @ 0.2 x3 iso",
)
WRONG_TARGET: list[str] = []  # every press that changed another position: stays empty


class StaleButtons(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.runner = asyncio.Runner()
        self.services = self.runner.run(open_services(self.folder / "stale.db"))
        self.layer = CommandLayer(self.services)
        self.caller = Caller(user_id=5, language_code="en")
        self.buttons: list[tuple[Button, str]] = []  # a button and the key it showed
        self.presses = 0

    def send(self, line: str) -> str:
        return self.runner.run(self.layer.handle(line, self.caller)).plain_text()

    def state(self) -> dict[str, Position]:
        stored = self.runner.run(self.services.portfolios.active(5))
        return {s.key or "": s.position.model_copy(update={"id": ""}) for s in stored.positions}

    @rule(line=st.sampled_from(ADDS))
    def add(self, line: str) -> None:
        reply = self.runner.run(self.layer.handle(line, self.caller))
        if reply.buttons and reply.plain_text().startswith("Added #"):
            stored = self.runner.run(self.services.portfolios.active(5))
            key = stored.positions[-1].key or ""
            self.buttons += [(b, key) for row in reply.buttons for b in row if "/@" in b.action]

    @rule(line=st.sampled_from(("/close 1", "/close 2", "/margin 1 +10", "/mode 2 cross")))
    def typed(self, line: str) -> None:
        self.send(line)

    @rule()
    def undo(self) -> None:
        self.send("/undo")

    @rule(data=st.data())
    def press(self, data: st.DataObject) -> None:
        if not self.buttons:
            return
        button, key = data.draw(st.sampled_from(self.buttons))
        before = self.state()
        text = self.send(button.action)
        after = self.state()
        self.presses += 1
        others = {k: p for k, p in before.items() if k != key}
        if {k: p for k, p in after.items() if k != key} != others:
            WRONG_TARGET.append(f"{button.action} -> {text[:80]}")
        if "out of date" in text:
            assert after == before

    @invariant()
    def no_wrong_target(self) -> None:
        assert WRONG_TARGET == []

    def teardown(self) -> None:
        self.runner.run(self.services.close())
        self.runner.close()
        shutil.rmtree(self.folder, ignore_errors=True)


StaleButtons.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
test_no_press_changes_another_position = StaleButtons.TestCase
