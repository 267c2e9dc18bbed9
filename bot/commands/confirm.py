"""A plain "yes" or "no" answers the question the bot asked last.

A reply that asks ("Delete all 3 positions?") carries `Reply.confirm`, the command line
a yes stands for; the command layer keeps it as the user's one pending confirmation
(`storage.confirmations`, so it survives a restart). The next line decides it:

* a yes word in the user's language (English always works) runs the stored line;
* a no word forgets it: "Cancelled: nothing changed.";
* a yes or no with nothing pending says so, with a pointer to /help;
* any other line the bot answers without an error forgets it. A line refused with an
  error does not: an error reply leaves the store exactly as it was, and a mistyped
  "yse" should not cost the user their question.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable
from enum import Enum

from bot.i18n import Translator
from bot.reply import Paragraph, Reply
from bot.services import Services

__all__ = ["NO", "YES", "Answer", "answer_word", "answered", "remember"]

Run = Callable[[str], Awaitable[Reply]]


class Answer(Enum):
    YES = "yes"
    NO = "no"


# The words are data, keyed by the shipped languages (locales/*): a translator adds a
# language here beside its catalog. English is accepted from everyone.
YES: dict[str, frozenset[str]] = {
    "en": frozenset({"yes", "y", "ok", "okay", "sure", "yep", "yeah"}),
    "es": frozenset({"sí", "si", "vale", "claro", "de acuerdo"}),
    "ru": frozenset({"да", "ага", "конечно", "ок", "хорошо"}),
    "zh": frozenset({"是", "好", "是的", "好的", "对", "确定", "可以"}),
    "tr": frozenset({"evet", "tamam", "olur"}),
    "vi": frozenset({"có", "co", "vâng", "đồng ý", "được", "ừ"}),
}
NO: dict[str, frozenset[str]] = {
    "en": frozenset({"no", "n", "nope", "cancel"}),
    "es": frozenset({"no", "cancelar"}),
    "ru": frozenset({"нет", "не", "отмена"}),
    "zh": frozenset({"不", "否", "不是", "不要", "取消"}),
    "tr": frozenset({"hayır", "hayir", "iptal"}),
    "vi": frozenset({"không", "khong", "hủy"}),
}
_TRAILING = "!.?¡¿。！？ "


def answer_word(text: str, locale: str) -> Answer | None:
    """Whether a line is a plain yes or no in `locale` (or English), else None."""
    word = unicodedata.normalize("NFC", text).strip().strip(_TRAILING).casefold()
    language = locale.split("_", maxsplit=1)[0]
    for answer, table in ((Answer.YES, YES), (Answer.NO, NO)):
        if word in table["en"] or word in table.get(language, frozenset()):
            return answer
    return None


async def answered(
    services: Services, tr: Translator, user_id: int, answer: Answer, run: Run
) -> Reply:
    """The reply to a plain yes or no: the pending line's own reply, or a sentence."""
    pending = await services.confirmations.pending(user_id, services.clock())
    if pending is None:
        return Reply(
            (Paragraph(tr("There is nothing to confirm right now. See /help for what I can do.")),)
        )
    if answer is Answer.NO:
        return Reply((Paragraph(tr("Cancelled: nothing changed.")),))
    return await run(pending)


async def remember(services: Services, user_id: int, reply: Reply) -> None:
    """After a reply that was not an error: its question becomes the pending one, and
    whatever was pending before is forgotten."""
    if reply.confirm is not None:
        await services.confirmations.ask(user_id, reply.confirm, services.clock())
    else:
        await services.confirmations.clear(user_id)
