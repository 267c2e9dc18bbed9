"""The transport-free command layer: a line of text from a user -> a Reply.

May import engine, storage, bot.parsing, bot.views and bot.feeds; never telegram. Telegram
and the console both call `CommandLayer.handle`: bad input becomes a localized reply with the
right syntax, and an unexpected failure an apology, never an exception to the caller. Each
command is one `Command` record declared beside its handler; `registry` composes them.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable
from dataclasses import replace
from typing import Any

from bot.commands import confirm, stale
from bot.commands.command import Command, Place, Registry
from bot.commands.context import Caller, Context
from bot.commands.messages import engine_error_reply, parse_error_reply, usage_blocks
from bot.commands.registry import REGISTRY
from bot.i18n import Translator
from bot.parsing import ParseError
from bot.reply import Paragraph, Reply
from bot.services import Services
from engine.errors import EngineError
from storage.errors import Conflict, NotFound, Stale
from storage.users import User

__all__ = ["Caller", "CommandLayer", "reads_only"]

log = logging.getLogger(__name__)


class CommandLayer:
    def __init__(self, services: Services, commands: Registry = REGISTRY) -> None:
        self.services = services
        self.commands = commands

    async def handle(self, text: str, caller: Caller) -> Reply:
        """Parse, run and answer one line; every failure is a reply.

        A first contact is stored once its line parses, and forgotten if it is refused: an
        error leaves the store as it was.
        """
        known = await self._known(caller.user_id)
        reply = await self._decide(text, caller, known)
        if known is None and reply.is_error and await self._known(caller.user_id) is not None:
            await self.services.users.forget(caller.user_id)
        elif not reply.is_error:
            if caller.private:
                await self._remember(caller, reply)
            if caller.language_code:  # pushes speak it too
                await self.services.users.heard(caller.user_id, caller.language_code)
        return reply

    async def _remember(self, caller: Caller, reply: Reply) -> None:
        """Keep the reply's question (or forget the last one); a failure here is logged and
        never costs the user the reply of a command that already ran."""
        try:
            await confirm.remember(self.services, caller.user_id, reply)
        except Exception:
            log.exception("pending confirmation not stored: user=%s", caller.user_id)

    async def _decide(self, text: str, caller: Caller, known: User | None) -> Reply:
        """A plain yes or no in a private chat answers the pending question (`confirm`);
        anything else is a command line."""
        if caller.private:
            tr = self._translator(caller, known)
            answer = confirm.answer_word(text, tr.locale)
            if answer is not None:

                def run(line: str) -> Awaitable[Reply]:
                    return self._answer(line, caller, known)

                try:
                    return await confirm.answered(self.services, tr, caller.user_id, answer, run)
                except Exception:
                    log.exception("answering a confirmation failed: user=%s", caller.user_id)
                    return Reply.error(_apology(tr))
        return await self._answer(text, caller, known)

    async def _answer(self, text: str, caller: Caller, known: User | None) -> Reply:
        pressed = stale.parse(text)
        if pressed is not None:
            return await self._pressed(pressed, caller, known)
        return await self._line(text, caller, known)

    async def _pressed(self, pressed: stale.Pressed, caller: Caller, known: User | None) -> Reply:
        """A button bound to a position (`stale`): its line at the position's current number,
        or "out of date" with the current view, changing nothing."""
        tr = self._translator(caller, known)
        if known is None:
            return Reply.error(tr("This message is out of date."))
        try:
            portfolio = await self.services.portfolios.active(caller.user_id)
        except NotFound:
            return Reply.error(tr("This message is out of date."))
        line = stale.resolve(pressed, portfolio)
        if line is not None:
            return await self._line(line, caller, known)
        view = await self._line("/positions", caller, known)
        still = stale.target(pressed, portfolio)
        fresh = () if still is None else stale.position_buttons(tr, portfolio.id, still)
        note = Paragraph(tr("This message is out of date: here is your portfolio now."))
        return replace(view, blocks=(note, *view.blocks), buttons=fresh or view.buttons)

    async def _line(self, text: str, caller: Caller, known: User | None) -> Reply:
        tr = self._translator(caller, known)
        command: Command[Any] | None = None
        try:
            command, intent = self.commands.parse(text, bare=caller.private, numbers=tr.numbers)
            if not caller.private and Place.GROUP not in command.places:
                return _private_only(tr, command, text)
            user = known or await self.services.users.get_or_create(caller.user_id)
            writes = not command.reads_only(intent)
            ctx_args = (caller, user, tr, self.commands, writes)
            return _with_usage(
                tr, await _handled(self.services, command, intent, ctx_args), command
            )
        except ParseError as error:
            return parse_error_reply(tr, error, self.commands)
        except EngineError as error:
            return engine_error_reply(tr, error, command)
        except (NotFound, Conflict) as error:
            return _with_usage(tr, _storage_reply(tr, error), command)
        except Exception:
            name = command.name if command is not None else None
            log.exception("command failed: user=%s command=%s", caller.user_id, name)
            return Reply.error(_apology(tr))

    def _translator(self, caller: Caller, known: User | None) -> Translator:
        return self.services.catalogs.translator(
            None if known is None else known.language, caller.language_code
        )

    async def _known(self, user_id: int) -> User | None:
        try:
            return await self.services.users.get(user_id)
        except NotFound:
            return None


_STALE_TRIES = 12  # another process wrote between a command's read and its write


async def _handled(
    services: Services,
    command: Command[Any],
    intent: Any,
    ctx_args: tuple[Caller, User, Translator, Registry, bool],
) -> Reply:
    """Run the handler; when its write finds the portfolio changed since its read (Stale:
    nothing was written), run it again on a fresh read, like a compare-and-swap loop."""
    for attempt in range(_STALE_TRIES - 1):
        try:
            return await command.handler(Context(services, *ctx_args), intent)
        except Stale:
            # a random pause, growing, so two writers in lockstep fall out of step
            await asyncio.sleep(secrets.randbelow(1000) / 1000 * 0.001 * 2 ** min(attempt, 6))
    return await command.handler(Context(services, *ctx_args), intent)


def reads_only(text: str) -> bool:
    """Whether a line only shows things (safe to re-run for a page, or from a link)."""
    return REGISTRY.reads_only(text)


def _apology(tr: Translator) -> str:
    return tr("Sorry, something went wrong on my side. Please try again.")


def _private_only(tr: Translator, command: Command[Any], text: str) -> Reply:
    """In a group: a portfolio command gets a pointer to a private chat, nothing more."""
    return Reply(
        (
            Paragraph(
                tr(
                    "Portfolios stay private: open a chat with me to use /{command}.",
                    command=command.name,
                )
            ),
        ),
        is_error=True,
        private_only=False,
        private_request=_without_mention(text),
    )


def _without_mention(text: str) -> str:
    """'/positions@IsoCrossBot' -> '/positions': the line as a private chat takes it."""
    head, _, rest = text.strip().partition(" ")
    return " ".join(part for part in (head.split("@", 1)[0], rest.strip()) if part)


def _with_usage(tr: Translator, reply: Reply, command: Command[Any] | None) -> Reply:
    """A handler's refusal ends, like a parser's, with the syntax of its command."""
    if not reply.is_error or command is None:
        return reply
    usage = usage_blocks(tr, command)
    if any(block in reply.blocks for block in usage):
        return reply
    return replace(reply, blocks=(*reply.blocks, *usage))


def _storage_reply(tr: Translator, error: NotFound | Conflict) -> Reply:
    if isinstance(error, NotFound):
        if error.params.get("what") == "position":
            return Reply.error(
                tr("There is no position #{n}: see /positions.", n=str(error.params.get("seq", "")))
            )
        if error.params.get("what") == "wallet":
            return Reply.error(tr("You watch no wallet of that name: see /watch."))
        return Reply.error(tr("There is no portfolio of that name: see /portfolio."))
    messages = {
        "last_portfolio": tr("You cannot delete your only portfolio."),
        "watched_portfolio": tr(
            "“{name}” follows a Hyperliquid wallet and changes only with it. To try changes, "
            "copy it: /portfolio copy {name} sandbox",
            name=str(error.params.get("name", "")),
        ),
        "watched_name": tr("Names starting with hl: are kept for watched wallets (/watch)."),
        "too_many_wallets": tr("That is as many wallets as one user can watch."),
        "portfolio_exists": tr("A portfolio with that name exists already."),
        "too_many_portfolios": tr("That is as many portfolios as one user can keep."),
        "too_many_positions": tr(
            "A portfolio holds at most {limit} positions: close one first, or start another "
            "with /portfolio new NAME.",
            limit=tr.integer(int(str(error.params.get("limit", 0)))),
        ),
        "portfolio_changed": tr(
            "Your portfolio kept changing while I worked on this, so I changed nothing. "
            "Please send it again."
        ),
    }
    return Reply.error(messages.get(error.code, tr("That change clashes with what is stored.")))
