"""The transport-free command layer: a line of text from a user -> a Reply.

May import engine, storage, bot.parsing, bot.views and bot.feeds; never telegram. Telegram
and the console both call `CommandLayer.handle`: bad input becomes a localized reply with the
right syntax, and an unexpected failure an apology, never an exception to the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.commands import (
    account,
    advice,
    alerts,
    analysis,
    chart,
    faq,
    positions,
    prices,
    settings,
)
from bot.commands.context import Caller, Context
from bot.commands.messages import engine_error_reply, parse_error_reply
from bot.parsing import ParseError, parse
from bot.parsing import intents as i
from bot.reply import Paragraph, Reply
from bot.services import Services
from engine.errors import EngineError
from storage.errors import Conflict, NotFound

__all__ = ["Caller", "CommandLayer", "reads_only"]

log = logging.getLogger(__name__)

Handler = Callable[[Context, Any], Awaitable[Reply]]

HANDLERS: dict[type, tuple[str, Handler]] = {
    i.OpenPosition: ("long", positions.open_position),
    i.ShowPositions: ("positions", positions.show),
    i.ClosePosition: ("close", positions.close),
    i.AdjustMargin: ("margin", positions.adjust_margin),
    i.SetLeverage: ("lev", positions.set_leverage),
    i.SetMode: ("mode", positions.set_mode),
    i.SetBalance: ("balance", account.balance),
    i.Risk: ("risk", account.risk),
    i.Undo: ("undo", account.undo),
    i.Reset: ("reset", account.reset),
    i.PortfolioAction: ("portfolio", account.portfolio),
    i.Compare: ("compare", analysis.compare),
    i.WhatIf: ("whatif", analysis.whatif),
    i.Recommend: ("recommend", advice.recommend),
    i.ShowChart: ("chart", chart.chart),
    i.SetProfile: ("profile", advice.profile),
    i.Calc: ("calc", analysis.calc),
    i.SetExchange: ("exchange", settings.exchange),
    i.SetLanguage: ("lang", settings.language),
    i.SetDefaults: ("defaults", settings.defaults),
    i.Help: ("help", settings.help_),
    i.ShowPrice: ("price", prices.price),
    i.SetPrice: ("price", prices.price),
    i.Alerts: ("alerts", alerts.alerts),
    i.Digest: ("digest", alerts.digest),
    i.Faq: ("faq", faq.answer),
}
GROUP_SAFE = (i.Calc, i.Help, i.Faq)  # nothing that reads or writes a portfolio
READ_ONLY = (i.ShowPositions, i.Risk, i.Compare, i.WhatIf, *GROUP_SAFE)  # change nothing


class CommandLayer:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def handle(self, text: str, caller: Caller) -> Reply:
        """Parse, run and answer one line; every failure is a reply."""
        user = await self.services.users.get_or_create(caller.user_id)
        tr = self.services.catalogs.translator(user.language, caller.language_code)
        ctx = Context(self.services, caller, user, tr)
        command: str | None = None
        try:
            intent = parse(text, bare=caller.private)
            command, handler = HANDLERS[type(intent)]
            if not caller.private and not isinstance(intent, GROUP_SAFE):
                return Reply(
                    (
                        Paragraph(
                            tr(
                                "Portfolios stay private: open a chat with me to use /{command}.",
                                command=command,
                            )
                        ),
                    ),
                    is_error=True,
                    private_only=False,
                    private_request=_without_mention(text),
                )
            return await handler(ctx, intent)
        except ParseError as error:
            return parse_error_reply(tr, error)
        except EngineError as error:
            return engine_error_reply(tr, error, command)
        except (NotFound, Conflict) as error:
            return _storage_reply(ctx, error)
        except Exception:
            log.exception("command failed: user=%s command=%s", caller.user_id, command)
            return Reply.error(tr("Sorry, something went wrong on my side. Please try again."))


def reads_only(text: str) -> bool:
    """Whether a line only shows things (safe to re-run for a page, or from a link)."""
    try:
        intent = parse(text)
    except ParseError:
        return False
    if isinstance(intent, i.SetBalance):
        return intent.amount is None
    if isinstance(intent, i.PortfolioAction):
        return intent.action == "list"
    return isinstance(intent, READ_ONLY)


def _without_mention(text: str) -> str:
    """'/positions@IsoCrossBot' -> '/positions': the line as a private chat takes it."""
    head, _, rest = text.strip().partition(" ")
    return " ".join(part for part in (head.split("@", 1)[0], rest.strip()) if part)


def _storage_reply(ctx: Context, error: NotFound | Conflict) -> Reply:
    tr = ctx.tr
    if isinstance(error, NotFound):
        if error.params.get("what") == "position":
            return Reply.error(
                tr("There is no position #{n}: see /positions.", n=str(error.params.get("seq", "")))
            )
        return Reply.error(tr("There is no portfolio of that name: see /portfolio."))
    messages = {
        "last_portfolio": tr("You cannot delete your only portfolio."),
        "portfolio_exists": tr("A portfolio with that name exists already."),
        "too_many_portfolios": tr("That is as many portfolios as one user can keep."),
    }
    return Reply.error(messages.get(error.code, tr("That change clashes with what is stored.")))
