"""Every command, composed in one place from the feature modules that declare them.

A feature module declares its commands with its `Feature`'s decorator, each directly above
its handler; this list of features is the only other place a new feature is named. The
order here, then each module's own, is the order of /help and of the private menu.

A new command: its intent (a subclass of `bot.parsing.intents.Intent`) and parser in
bot/parsing; its handler and `@commands.command(...).help(...)` in a feature module here (a
new module's `commands` goes into FEATURES); `make i18n` and its summary translated in every
catalog; a row in the README's command table. tests/bot/test_documentation.py says what is
missing.
"""

from __future__ import annotations

from bot.commands import (
    account,
    advice,
    alerts,
    analysis,
    chart,
    faq,
    fixes,
    positions,
    prices,
    settings,
    trades,
    watch,
)
from bot.commands.command import Registry

__all__ = ["FEATURES", "REGISTRY"]

FEATURES = (
    positions.commands,
    trades.commands,
    account.commands,
    watch.commands,
    analysis.commands,
    advice.commands,
    chart.commands,
    prices.commands,
    alerts.commands,
    fixes.commands,
    settings.commands,
    faq.commands,
)

REGISTRY = Registry(command for feature in FEATURES for command in feature)
