"""Private chats end to end: the real Application polls the fake Bot API, real SQLite behind."""

from __future__ import annotations

import pytest

from bot.telegram.throttle import Throttle
from tests.telegram.conftest import Harness

pytestmark = pytest.mark.e2e


async def test_start_welcomes_in_the_users_language_and_publishes_menus(bot: Harness) -> None:
    english = (await bot.say(1, "/start", language_code="en"))[0]
    assert english.text.startswith("Welcome to IsoCross")
    assert "Three things to try:" in english.text
    assert [b["callback_data"] for b in english.buttons()] == [
        "/calc long BTC @ 62000 x20",
        "/new",
        "/faq",
    ]
    assert english.html.startswith("<b>Welcome to IsoCross</b>")

    russian = (await bot.say(2, "/start", language_code="ru-RU"))[0]
    assert russian.text.startswith("Добро пожаловать в IsoCross")
    assert "Три вещи, с которых стоит начать:" in russian.text

    menus = bot.api.commands
    assert [c["command"] for c in menus[("all_group_chats", "")]] == ["faq", "calc", "help"]
    private_ru = {c["command"]: c["description"] for c in menus[("all_private_chats", "ru")]}
    assert private_ru["start"] == "Приветствие и три вещи, с которых стоит начать."
    assert {"start", "new", "long", "positions", "faq", "lang"} <= private_ru.keys()


async def test_lang_buttons_switch_the_language_in_place(bot: Harness) -> None:
    menu = (await bot.say(3, "/lang", language_code="en"))[0]
    assert menu.text == "Choose a language:"
    await bot.press(3, menu, "русский")
    assert menu.edits == 1
    assert menu.text == "Язык установлен."
    # The stored choice wins over the language Telegram reports.
    welcome = (await bot.say(3, "/start", language_code="en"))[0]
    assert welcome.text.startswith("Добро пожаловать в IsoCross")


async def test_a_portfolio_conversation_with_buttons_and_undo(bot: Harness) -> None:
    assert (await bot.say(4, "/balance 10000"))[0].text == "Wallet balance set to 10,000.00 USDT."

    added = (await bot.say(4, "long btc 0.5 @ 62000 x10 iso"))[0]
    # isolated long: (62000 x 0.5 - 3100) / (0.5 x (1 - 0.004)) = 56,024.096..., shown rounded up
    assert added.text.splitlines()[0] == "Added #1 BTCUSDT long 0.5 @ 62,000.00 ×10 isolated"
    assert "Liquidation price: 56,024.10" in added.text
    assert {b["text"] for b in added.buttons()} == {
        "Close",
        "Add margin",
        "Switch to cross",
        "What if -10%",
    }

    await bot.press(4, added, "Add margin")
    assert added.edits == 1
    assert added.text.splitlines()[0] == "Changed #1 BTCUSDT long 0.5 @ 62,000.00 ×10 isolated"
    # 100 USDT more: (31000 - 3200) / 0.498 = 55,823.29..., rounded up
    assert "Liquidation price: 55,823.30" in added.text
    assert added.markup is None  # the answer replaced the buttons

    listing = (await bot.say(4, "/positions"))[0]
    assert "<pre>" in listing.html and "55,823.30" in listing.text

    assert (await bot.say(4, "/undo"))[0].text == "Undone: the change to a position."
    assert "56,024.10" in (await bot.say(4, "/positions"))[0].text

    confirm = (await bot.say(4, "/reset"))[0]
    await bot.press(4, confirm, "Yes, delete")
    assert confirm.text == "The portfolio is empty. /undo brings it back."


async def test_something_other_than_text_gets_a_pointer_to_help(bot: Harness) -> None:
    assert (await bot.say(7, ""))[0].text == "I read text only: try /help."


async def test_new_walks_a_beginner_through_a_position(bot: Harness) -> None:
    question = (await bot.say(5, "/new"))[0]
    assert question.text.startswith("Step 1 of 6")
    await bot.press(5, question, "ETH")
    assert question.text.startswith("Step 2 of 6")
    await bot.press(5, question, "short")
    assert question.text.startswith("Step 3 of 6")

    wrong = (await bot.say(5, "lots"))[0]
    assert wrong.text == "Type a size such as 0.5 or $5000, or /cancel."
    assert (await bot.say(5, "3"))[0].text.startswith("Step 4 of 6")
    leverage = (await bot.say(5, "3.1k"))[0]
    assert leverage.text.startswith("Step 5 of 6")
    await bot.press(5, leverage, "20x")
    await bot.press(5, leverage, "cross")

    assert leverage.text.splitlines()[0] == "Added #1 ETHUSDT short 3 @ 3,100.00 ×20 cross"
    assert leverage.text.endswith(
        "Next time, type it in one line: /short ETHUSDT 3 @ 3.1k x20 cross"
    )
    assert "ETHUSDT short 3" in (await bot.say(5, "/positions"))[0].text

    again = (await bot.say(5, "/new"))[0]
    assert again.text.startswith("Step 1 of 6")
    cancelled = (await bot.say(5, "/cancel"))[0]
    assert cancelled.text == "Cancelled: nothing was saved. /new starts again."
    assert (await bot.say(5, "/cancel"))[0].text == "There is nothing to cancel."


async def test_a_list_too_long_for_one_message_is_paged_with_buttons(
    bot: Harness, flood: Throttle
) -> None:
    flood.burst = flood.rate = 1000  # this trader types fast on purpose
    await bot.say(6, "/balance 1000000")
    for n in range(40):
        # 'listed': the trader confirms each is a real contract (unknown ones are asked about)
        bot.api.message(6, f"/long {_symbol(n)} 1 @ {100 + n} x5 listed")
    await bot.api.wait_for(lambda: len(bot.api.sent(6)) == 41)
    first = (await bot.say(6, "/positions"))[0]
    counter, forward = (b["text"] for b in first.buttons())
    pages = int(counter.split("/")[1])
    assert (counter, forward) == (f"1/{pages}", "›") and pages >= 2
    assert "#40 BNUSDT long 1 @ 139.0000 ×5 isolated" in first.text  # the lines...
    assert "Liq. now" not in first.text  # ...and the table on a later page

    seen = [first.text]
    for page in range(2, pages + 1):
        await bot.press(6, first, "›")
        assert first.edits == page - 1
        seen.append(first.text)
    assert [b["text"] for b in first.buttons()] == ["‹", f"{pages}/{pages}"]
    assert any("Liq. now" in text for text in seen[1:]) and "<pre>" in first.html
    assert all(len(text) <= 4096 for text in seen)
    assert len(bot.api.sent(6)) == 42  # pages replace each other; nothing else was sent


def _symbol(n: int) -> str:
    """AA, AB, ... BN: forty markets without a tier table (a generic one stands in)."""
    return "AB"[n // 26] + chr(ord("A") + n % 26) + "USDT"
