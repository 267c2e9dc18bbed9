"""Every command, composed in one place from the feature modules that declare them.

A feature module declares its commands next to their handlers (`COMMANDS`, a tuple of
`Command` records); this list of modules is the only other place a new feature is named.
The order here, then each module's own, is the order of /help and of the private menu.

A new command: its intent (a subclass of `bot.parsing.intents.Intent`) and parser in
bot/parsing; its handler and `Command` record in a feature module here (a new module goes
into FEATURES); `make i18n` and its summary translated in every catalog; a row in the
README's command table. tests/bot/test_documentation.py says what is missing.
"""

from __future__ import annotations

from bot.commands import account, advice, alerts, analysis, chart, faq, positions, prices, settings
from bot.commands.command import Registry

__all__ = ["FEATURES", "REGISTRY"]

FEATURES = (positions, account, analysis, advice, chart, prices, alerts, settings, faq)

REGISTRY = Registry(command for feature in FEATURES for command in feature.COMMANDS)
