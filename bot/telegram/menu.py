"""The command menu Telegram shows, per language and per scope (private chats, groups)."""

from __future__ import annotations

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from telegram.ext import ExtBot

from bot.commands.usage import SUMMARY
from bot.i18n import N_, Catalogs, Translator
from bot.parsing import COMMANDS

__all__ = ["GROUP_COMMANDS", "publish_commands"]

GROUP_COMMANDS = ("faq", "calc", "help")  # what answers in a group (see GROUP_SAFE)
_TELEGRAM_ONLY = {
    "start": N_("Welcome, and three things to try."),
    "new": N_("Add a position step by step."),
    "cancel": N_("Stop adding a position step by step."),
}


def commands_for(tr: Translator, *, private: bool) -> list[BotCommand]:
    if not private:
        return [BotCommand(name, tr(SUMMARY[name])) for name in GROUP_COMMANDS]
    extra = [BotCommand(name, tr(text)) for name, text in _TELEGRAM_ONLY.items()]
    return extra + [BotCommand(name, tr(SUMMARY[name])) for name in COMMANDS]


async def publish_commands(bot: ExtBot[int], catalogs: Catalogs) -> None:
    """setMyCommands for every shipped language (Telegram takes 'pt', not 'pt_BR') and for
    the default, which is English."""
    scopes = (BotCommandScopeAllPrivateChats(), BotCommandScopeAllGroupChats())
    languages = {code.split("_")[0]: code for code in catalogs.languages}
    for language, code in [("", "en"), *sorted(languages.items())]:
        tr = catalogs.translator(code)
        for scope in scopes:
            private = isinstance(scope, BotCommandScopeAllPrivateChats)
            await bot.set_my_commands(
                commands_for(tr, private=private), scope=scope, language_code=language or None
            )
