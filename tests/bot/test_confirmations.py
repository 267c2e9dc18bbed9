"""A plain yes or no, in the user's language, answers the question the bot asked last."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.commands import Caller, CommandLayer
from bot.commands.confirm import NO, YES, Answer, answer_word
from bot.i18n import Catalogs
from bot.reply import Reply
from bot.services import Services, open_services
from storage.errors import NotFound

NOTHING = "There is nothing to confirm right now. See /help for what I can do."
EMPTY = "The portfolio is empty. /undo brings it back."


class Talk:
    """One user in one language, typing into the real command layer."""

    def __init__(self, layer: CommandLayer, language: str, user_id: int = 7) -> None:
        self.layer = layer
        self.caller = Caller(user_id=user_id, language_code=language)

    async def send(self, text: str) -> Reply:
        return await self.layer.handle(text, self.caller)

    async def text(self, text: str) -> str:
        return (await self.send(text)).plain_text()


async def _trader(layer: CommandLayer, language: str) -> Talk:
    talk = Talk(layer, language)
    await talk.send("/balance 1000")
    await talk.send("/long btc 0.1 @ 60000")
    await talk.send("/short eth 1 @ 3000")
    return talk


async def _positions(services: Services) -> int:
    return len((await services.portfolios.active(7)).positions)


async def test_reset_asks_and_a_plain_yes_runs_it(layer: CommandLayer, services: Services) -> None:
    talk = await _trader(layer, "en")

    question = await talk.send("/reset")

    assert question.plain_text() == (
        "Delete all 2 positions and the balance of “main”?\n\nAnswer yes or no."
    )
    assert question.confirm == "/reset yes"
    assert await talk.text("yes") == EMPTY
    assert await _positions(services) == 0
    assert await talk.text("yes") == NOTHING  # the question was answered


async def test_a_plain_no_cancels_and_changes_nothing(
    layer: CommandLayer, services: Services
) -> None:
    talk = await _trader(layer, "en")
    await talk.send("/reset")

    assert await talk.text("No") == "Cancelled: nothing changed."
    assert await _positions(services) == 2
    assert await talk.text("yes") == NOTHING


async def test_one_position_is_one_in_the_question(layer: CommandLayer) -> None:
    talk = Talk(layer, "en")
    await talk.send("/long btc 0.1 @ 60000")

    assert (await talk.text("/reset")).startswith("Delete 1 position and the balance of “main”?")


async def test_spanish_si_answers(layer: CommandLayer, services: Services) -> None:
    talk = await _trader(layer, "es")

    assert (await talk.text("/reset")) == (
        "¿Eliminar las 2 posiciones y el saldo de «main»?\n\nResponde sí o no."
    )
    assert await talk.text("sí") == "La cartera está vacía. /undo restaura su contenido."
    assert await _positions(services) == 0


async def test_spanish_si_without_accent_and_no(layer: CommandLayer, services: Services) -> None:
    talk = await _trader(layer, "es")
    await talk.send("/reset")
    assert await talk.text("no") == "Cancelado: no se cambió nada."
    await talk.send("/reset")
    assert await talk.text("Si!") == "La cartera está vacía. /undo restaura su contenido."


async def test_russian_da_and_net(layer: CommandLayer, services: Services) -> None:
    talk = await _trader(layer, "ru")

    assert (await talk.text("/reset")).startswith("Удалить все 2 позиции и баланс портфеля «main»?")
    assert await talk.text("нет") == "Отменено: ничего не изменилось."
    assert await _positions(services) == 2
    await talk.send("/reset")
    assert await talk.text("Да") == "Портфель очищен. /undo вернёт всё обратно."
    assert await _positions(services) == 0
    assert await talk.text("да") == "Сейчас нечего подтверждать. Что я умею — в /help."


async def test_english_yes_works_in_every_language(layer: CommandLayer, services: Services) -> None:
    talk = await _trader(layer, "ru")
    await talk.send("/reset")

    assert await talk.text("yes") == "Портфель очищен. /undo вернёт всё обратно."


async def test_another_line_forgets_the_question(layer: CommandLayer, services: Services) -> None:
    talk = await _trader(layer, "en")
    await talk.send("/reset")
    await talk.send("/positions")

    assert await talk.text("yes") == NOTHING
    assert await _positions(services) == 2


async def test_a_refused_line_leaves_the_question_open(
    layer: CommandLayer, services: Services
) -> None:
    """An error reply changes nothing stored, the pending question included."""
    talk = await _trader(layer, "en")
    await talk.send("/reset")

    assert (await talk.send("yse")).is_error
    assert await talk.text("yes") == EMPTY


async def test_the_question_expires(layer: CommandLayer, services: Services) -> None:
    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    services.clock = lambda: now
    talk = await _trader(layer, "en")
    await talk.send("/reset")

    services.clock = lambda: now + timedelta(minutes=11)

    assert await talk.text("yes") == NOTHING
    assert await _positions(services) == 2


async def test_the_question_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "restart.db"
    first = await open_services(path)
    talk = await _trader(CommandLayer(first), "en")
    await talk.send("/reset")
    await first.close()

    second = await open_services(path)
    try:
        talk = Talk(CommandLayer(second), "en")
        assert await talk.text("yes") == EMPTY
        assert await _positions(second) == 0
    finally:
        await second.close()


async def test_a_first_contact_yes_stores_no_one(layer: CommandLayer, services: Services) -> None:
    talk = Talk(layer, "en", user_id=555)

    assert await talk.text("yes") == NOTHING
    with pytest.raises(NotFound):
        await services.users.get(555)


async def test_a_yes_in_a_group_is_no_answer(layer: CommandLayer) -> None:
    """Groups never hold a portfolio question: 'yes' there is just an unknown word."""
    await _trader(layer, "en")
    await Talk(layer, "en").send("/reset")

    reply = await layer.handle("yes", Caller(user_id=7, language_code="en", private=False))

    assert NOTHING not in reply.plain_text()


@pytest.mark.parametrize(
    ("text", "locale", "answer"),
    [
        ("yes", "en", Answer.YES),
        ("OK", "en", Answer.YES),
        ("sí", "es", Answer.YES),
        ("да.", "ru", Answer.YES),
        ("是", "zh", Answer.YES),
        ("好", "zh", Answer.YES),
        ("evet", "tr", Answer.YES),
        ("có", "vi", Answer.YES),
        ("нет", "ru", Answer.NO),
        ("不", "zh", Answer.NO),
        ("hayır", "tr", Answer.NO),
        ("không", "vi", Answer.NO),
        ("да", "es", None),  # a language's words are its own; English is everyone's
        ("yes please", "en", None),
        ("/reset yes", "en", None),
    ],
)
def test_yes_and_no_words(text: str, locale: str, answer: Answer | None) -> None:
    assert answer_word(text, locale) is answer


def test_every_shipped_language_has_its_yes_and_no_words() -> None:
    assert set(Catalogs().languages) <= set(YES) & set(NO)
