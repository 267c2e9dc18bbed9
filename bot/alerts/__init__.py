"""Liquidation-risk alerts: the trigger index, the watch, the outbox sender, notices and
digests, and the jobs that run them."""

from bot.alerts.index import TriggerIndex
from bot.alerts.jobs import schedule_alert_jobs
from bot.alerts.outbox import OutboxSender
from bot.alerts.runtime import AlertRuntime, TickReport
from bot.alerts.watch import AlertWatch

__all__ = [
    "AlertRuntime",
    "AlertWatch",
    "OutboxSender",
    "TickReport",
    "TriggerIndex",
    "schedule_alert_jobs",
]
