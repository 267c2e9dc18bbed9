"""Issue 14: a button names the position its message showed, never a display number.

After `/close 1` closes BTC, ETH becomes #1; the "Close" button under the earlier
"Added #1 BTCUSDT" message must not close ETH.
"""

from __future__ import annotations

from bot.reply import Button, Reply
from storage.portfolios import StoredPortfolio
from tests.bot.conftest import Chat

OUT_OF_DATE = "This message is out of date: here is your portfolio now."


def button(reply: Reply, label: str) -> Button:
    return next(b for row in reply.buttons for b in row if b.label == label)


async def symbols(chat: Chat) -> tuple[str, ...]:
    stored: StoredPortfolio = await chat.layer.services.portfolios.active(chat.caller.user_id)
    return tuple(s.position.symbol for s in stored.positions)


async def test_close_under_an_old_message_never_closes_the_renumbered_position(
    chat: Chat,
) -> None:
    added_btc = await chat.send("/long BTC 0.5 @ 62000 x10 iso")
    assert added_btc.plain_text().startswith("Added #1 BTCUSDT")
    await chat.send("/long ETH 3 @ 3100 x20 iso")
    closed = await chat.send("/close 1")
    assert not closed.is_error
    assert await symbols(chat) == ("ETHUSDT",)  # ETH is #1 now

    pressed = await chat.send(button(added_btc, "Close").action)

    assert pressed.plain_text().startswith(OUT_OF_DATE)
    assert "ETHUSDT" in pressed.plain_text()  # the current view
    assert await symbols(chat) == ("ETHUSDT",)  # nothing changed


async def test_a_button_follows_its_position_to_its_new_number(chat: Chat) -> None:
    await chat.send("/long BTC 0.5 @ 62000 x10 iso")
    added_eth = await chat.send("/long ETH 3 @ 3100 x20 iso")
    assert added_eth.plain_text().startswith("Added #2 ETHUSDT")
    await chat.send("/close 1")  # BTC goes, ETH becomes #1

    pressed = await chat.send(button(added_eth, "Add margin").action)

    assert not pressed.is_error
    assert "Margin added: 100.00 USDT" in pressed.plain_text()
    stored = await chat.layer.services.portfolios.active(chat.caller.user_id)
    assert str(stored.positions[0].position.extra_margin) == "100"


async def test_a_changed_position_is_out_of_date_with_fresh_buttons(chat: Chat) -> None:
    added = await chat.send("/long BTC 0.5 @ 62000 x10 iso")
    switched = await chat.send(button(added, "Switch to cross").action)
    assert not switched.is_error

    again = await chat.send(button(added, "Switch to cross").action)  # it is cross now

    assert again.plain_text().startswith(OUT_OF_DATE)
    labels = [b.label for row in again.buttons for b in row]
    assert "Switch to isolated" in labels  # fresh buttons for what holds now
    stored = await chat.layer.services.portfolios.active(chat.caller.user_id)
    assert stored.positions[0].position.margin_mode.value == "cross"


async def test_margin_added_since_keeps_close_meaning_the_same_position(chat: Chat) -> None:
    added = await chat.send("/long BTC 0.5 @ 62000 x10 iso")
    await chat.send("/margin 1 +50")

    closed = await chat.send(button(added, "Close").action)

    assert not closed.is_error
    assert await symbols(chat) == ()


async def test_another_portfolio_active_is_out_of_date(chat: Chat) -> None:
    added = await chat.send("/long BTC 0.5 @ 62000 x10 iso")
    await chat.send("/portfolio new other")
    await chat.send("/long BTC 0.5 @ 62000 x10 iso")

    pressed = await chat.send(button(added, "Close").action)

    assert pressed.plain_text().startswith(OUT_OF_DATE)
    assert await symbols(chat) == ("BTCUSDT",)


async def test_someone_elses_button_changes_nothing(chat: Chat) -> None:
    added = await chat.send("/long BTC 0.5 @ 62000 x10 iso")
    other = Chat(chat.layer, user_id=7)
    await other.send("/long BTC 1 @ 60000 x5 iso")

    pressed = await other.send(button(added, "Close").action)

    assert pressed.plain_text().startswith(OUT_OF_DATE)
    assert await symbols(other) == ("BTCUSDT",)
    assert await symbols(chat) == ("BTCUSDT",)


async def test_a_forged_stamp_is_out_of_date(chat: Chat) -> None:
    await chat.send("/long BTC 0.5 @ 62000 x10 iso")
    for forged in ("/@1.zz.000000 /close 1", "/@ /close 1", "/@1.ab.123456 /close"):
        reply = await chat.send(forged)
        assert "out of date" in reply.plain_text()
    assert await symbols(chat) == ("BTCUSDT",)


async def test_the_buttons_fit_telegram(chat: Chat) -> None:
    added = await chat.send("/long BTC 0.5 @ 62000 x10 iso")
    assert all(b.fits for row in added.buttons for b in row)


async def test_a_netting_question_under_a_renumbered_list_is_out_of_date(chat: Chat) -> None:
    await chat.send("/long BTC 0.5 @ 62000 x10 iso")
    await chat.send("/long ETH 3 @ 3100 x20 iso")
    question = await chat.send("/short BTC 0.5 @ 63000")
    assert "/@" in button(question, "Close").action
    await chat.send("/close 1")  # BTC closed by hand: ETH is #1 now

    pressed = await chat.send(button(question, "Close").action)

    assert pressed.plain_text().startswith(OUT_OF_DATE)
    assert await symbols(chat) == ("ETHUSDT",)


async def test_a_cross_positions_switch_button_follows_it(chat: Chat) -> None:
    await chat.send("/balance 10000")
    await chat.send("/long BTC 0.5 @ 62000 x10 iso")
    await chat.send("/long ETH 3 @ 3100 x20 cross")
    refusal = await chat.send("/margin 2 +100")
    await chat.send("/close 1")  # ETH is #1 now

    switched = await chat.send(button(refusal, "Switch to isolated").action)

    assert not switched.is_error
    stored = await chat.layer.services.portfolios.active(chat.caller.user_id)
    assert [s.position.margin_mode.value for s in stored.positions] == ["isolated"]
