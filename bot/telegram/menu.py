"""The command menu Telegram shows, per language and per scope (private chats, groups)."""

from __future__ import annotations

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from telegram.ext import ExtBot

from bot.commands.command import Registry
from bot.commands.registry import REGISTRY
from bot.i18n import N_, Catalogs, Translator

__all__ = ["commands_for", "publish_commands"]

_TELEGRAM_ONLY = {  # answered by this adapter itself (start.py, newflow.py)
    "start": N_("Welcome, and three things to try."),
    "new": N_("Add a position step by step."),
    "cancel": N_("Stop adding a position step by step."),
}


def commands_for(tr: Translator, commands: Registry, *, private: bool) -> list[BotCommand]:
    """The menu of one scope, from the registry's menu placement."""
    if not private:
        return [BotCommand(c.name, tr(c.summary)) for c in commands.group_menu()]
    extra = [BotCommand(name, tr(text)) for name, text in _TELEGRAM_ONLY.items()]
    return extra + [BotCommand(c.name, tr(c.summary)) for c in commands if c.menu.private]


async def publish_commands(
    bot: ExtBot[int], catalogs: Catalogs, commands: Registry = REGISTRY
) -> None:
    """setMyCommands for every shipped language (Telegram takes 'pt', not 'pt_BR') and for
    the default, which is English."""
    scopes = (BotCommandScopeAllPrivateChats(), BotCommandScopeAllGroupChats())
    languages = {code.split("_")[0]: code for code in catalogs.languages}
    for language, code in [("", "en"), *sorted(languages.items())]:
        tr = catalogs.translator(code)
        for scope in scopes:
            private = isinstance(scope, BotCommandScopeAllPrivateChats)
            await bot.set_my_commands(
                commands_for(tr, commands, private=private),
                scope=scope,
                language_code=language or None,
            )
