"""Liquidation-risk alerts: the trigger index, the watch (acting on the pure `decide`),
the typed outbox messages and their sender, notices, digests and weekly reviews, run by
`AlertRuntime`.

May import engine, storage, bot.feeds and bot.views; never telegram (the transport is passed
in as `bot.alerts.delivery.Transport`; `bot.telegram.jobs` schedules the runtime).
"""

from bot.alerts.index import TriggerIndex
from bot.alerts.outbox import OutboxSender
from bot.alerts.runtime import AlertRuntime, TickReport
from bot.alerts.watch import AlertWatch

__all__ = [
    "AlertRuntime",
    "AlertWatch",
    "OutboxSender",
    "TickReport",
    "TriggerIndex",
]
