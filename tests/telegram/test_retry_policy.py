"""What a failure means for a retry: the fate of a Bot API call, the outbox's retry book,
buttons that cannot be drawn, and credentials in logged URLs."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.alerts.delivery import DeliveryRetry, DeliveryUncertain
from bot.alerts.retries import RetryBook, Verdict
from bot.app import check_connection
from bot.config import Settings
from bot.reply import Button
from bot.telegram import render
from bot.telegram.faults import Fate, fate
from bot.telegram.logs import Redactor, redact_urls
from tests.fakes.bot_api import TOKEN

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def _caused(error: NetworkError, cause: BaseException) -> NetworkError:
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (RetryAfter(3), Fate.UNSENT),
        (NetworkError("Bad Gateway"), Fate.UNSENT),  # Telegram answered 502
        (_caused(NetworkError("x"), httpx.ConnectError("refused")), Fate.UNSENT),
        (_caused(TimedOut("pool"), httpx.PoolTimeout("busy")), Fate.UNSENT),
        (_caused(NetworkError("x"), httpx.RemoteProtocolError("dropped")), Fate.UNKNOWN),
        (_caused(TimedOut(), httpx.ReadTimeout("late")), Fate.UNKNOWN),
        (BadRequest("chat not found"), Fate.REFUSED),
    ],
    ids=["429", "5xx", "connect", "pool", "dropped", "read-timeout", "400"],
)
def test_the_fate_of_a_failed_call(error: Exception, expected: Fate) -> None:
    assert fate(error) is expected


def test_an_alert_that_may_have_arrived_is_tried_once_more_never_twice() -> None:
    book = RetryBook()
    maybe = DeliveryUncertain(1.0, "no answer")
    book.tried(1, NOW)
    assert book.failed(1, 42, maybe, NOW) is Verdict.RETRY
    assert book.waiting(1, 42, NOW) == NOW + timedelta(seconds=1)
    assert book.failed(1, 42, maybe, NOW + timedelta(seconds=1)) is Verdict.ASSUME_SENT


def test_a_429_holds_its_chat_and_a_5xx_only_its_message_with_backoff() -> None:
    book = RetryBook()
    assert book.failed(1, 42, DeliveryRetry(10.0, "rate limited"), NOW) is Verdict.RETRY
    assert book.waiting(2, 42, NOW) == NOW + timedelta(seconds=10)  # same chat, other message
    assert book.waiting(3, 43, NOW) is None  # other chats go on
    down = DeliveryRetry(1.0, "network", backoff=True)
    book.failed(4, 44, down, NOW)
    book.failed(4, 44, down, NOW)
    assert book.waiting(4, 44, NOW) == NOW + timedelta(seconds=2)  # 1 s, then 2 s
    assert book.waiting(5, 44, NOW) is None  # the chat's other messages are not held


def test_a_message_failing_past_the_deadline_is_dropped() -> None:
    book = RetryBook(deadline=timedelta(minutes=1))
    book.tried(1, NOW)
    limited = DeliveryRetry(30.0, "rate limited")
    assert book.failed(1, 42, limited, NOW + timedelta(seconds=20)) is Verdict.RETRY
    assert book.failed(1, 42, limited, NOW + timedelta(seconds=50)) is Verdict.DROP


def test_a_button_too_long_for_telegram_is_left_out_not_raised() -> None:
    # a 16-character CJK symbol: 48 bytes, so "/whatif <symbol>USDT -10%" is 65 bytes
    symbol = "比特币以太坊狗狗币瑞波币索拉纳币安"[:16] + "USDT"
    long = Button("What if -10%", f"/whatif {symbol} -10%")
    assert not long.fits
    markup = render.keyboard([(Button("Close", "/close 1"), long), (long,)])
    assert markup is not None
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["Close"]]


def test_credentials_in_any_logged_url_are_redacted() -> None:
    line = "cannot reach https://bob:hunter2@proxy.example:8443/bot123 (http://tok@host/x)"
    assert redact_urls(line) == (
        "cannot reach https://[redacted]@proxy.example:8443/bot123 (http://[redacted]@host/x)"
    )
    record = logging.LogRecord("x", logging.ERROR, "f", 1, "at %s", ("https://u:p@h/",), None)
    Redactor(()).filter(record)
    assert record.getMessage() == "at https://[redacted]@h/"


async def test_a_start_up_error_never_prints_the_api_urls_password(tmp_path: Path) -> None:
    settings = Settings.model_validate(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": "http://bob:hunter2@127.0.0.1:9",  # a closed port
            "ISOCROSS_DB_PATH": str(tmp_path / "x.db"),
        }
    )
    problem = await check_connection(settings)
    assert problem is not None and problem.startswith(
        "cannot reach the Bot API at http://[redacted]@127.0.0.1:9: "
    )
    assert "hunter2" not in problem and "bob" not in problem
