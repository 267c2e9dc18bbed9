"""The throttle's arithmetic, the log redactor and start-up settings, without a network."""

from __future__ import annotations

import io
import logging

import pytest

from bot.config import ConfigError, load_settings
from bot.telegram.logs import MASK, Redactor
from bot.telegram.throttle import Throttle, Verdict
from tests.fakes.bot_api import TOKEN


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_a_burst_then_its_rate_and_warns_once() -> None:
    clock = Clock()
    throttle = Throttle(burst=3, rate=0.5, clock=clock)
    verdicts = [throttle.check(1) for _ in range(6)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP, Verdict.DROP]
    assert throttle.check(2) is Verdict.ALLOW  # another user is not slowed
    clock.now += 2.0  # 0.5 a second: one token back
    assert throttle.check(1) is Verdict.ALLOW
    assert throttle.check(1) is Verdict.WARN  # warned again after being let through


def test_the_redactor_removes_the_token_from_messages_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(Redactor([TOKEN]))
    logger = logging.getLogger("tests.redactor")
    logger.addHandler(handler)
    try:
        logger.error("POST https://api.telegram.org/bot%s/getMe", TOKEN)
        try:
            raise RuntimeError(f"failed: /bot{TOKEN}/sendMessage")
        except RuntimeError:
            logger.exception("request failed")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert TOKEN not in written
    assert f"/bot{MASK}/getMe" in written
    # a traceback keeps its frames and the error's type; its message is never written
    assert "builtins.RuntimeError (message withheld)" in written
    assert "test_guards.py" in written  # the frames stay


def test_a_traceback_never_carries_what_the_user_typed() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(Redactor([]))
    logger = logging.getLogger("tests.redactor.values")
    logger.addHandler(handler)
    secret, amount = "sk-live-" + "ABCDEF123456", "987654" + ".321"  # built, not in a frame
    try:
        try:
            try:
                raise KeyError(secret)
            except KeyError as inner:
                raise ValueError(f"input_value={{'qty': {amount!r}}}") from inner
        except ValueError:
            logger.exception("command failed: user=%s command=%s", 42, "long")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "command failed: user=42 command=long" in written
    assert "builtins.ValueError (message withheld)" in written
    assert "caused by builtins.KeyError" in written
    assert "987654.321" not in written and "sk-live" not in written


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"TELEGRAM_BOT_TOKEN": "12345"},
            "setting TELEGRAM_BOT_TOKEN: Value error, not a bot token",
        ),
        ({"TELEGRAM_API_URL": "api.telegram.org"}, "setting TELEGRAM_API_URL: String should match"),
        (
            {"ISOCROSS_WEBHOOK_URL": "https://bot.example.com/hook"},
            "setting ISOCROSS_WEBHOOK_SECRET",
        ),
        ({"ISOCROSS_WEBHOOK_PORT": "http"}, "setting ISOCROSS_WEBHOOK_PORT: Input should be"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(
    env: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)
    assert "12345" not in str(error.value)  # a wrong token is never echoed
