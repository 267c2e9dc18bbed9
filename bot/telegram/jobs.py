"""The alert runtime on python-telegram-bot's JobQueue (APScheduler underneath).

    async def post_init(application: Application) -> None:
        runtime = AlertRuntime.create(services, settings, transport)
        await runtime.start()
        schedule_alert_jobs(application.job_queue, runtime)

Each job runs at most one instance at a time and coalesces missed runs
(APScheduler's `max_instances=1`, `coalesce=True`), so a slow tick delays the
next one rather than piling up.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import CallbackContext, Job, JobQueue

from bot.alerts.runtime import AlertRuntime

__all__ = [
    "DIGEST_EVERY_S",
    "SEND_EVERY_S",
    "digest_job",
    "schedule_alert_jobs",
    "send_job",
    "tick_job",
    "wallets_job",
]

SEND_EVERY_S = 1.0
DIGEST_EVERY_S = 60.0
_JOB_KWARGS = {"max_instances": 1, "coalesce": True}

Context = CallbackContext[Any, Any, Any, Any]


def _runtime(context: Context) -> AlertRuntime:
    job = context.job
    if job is None or not isinstance(job.data, AlertRuntime):
        raise TypeError("alert job without its AlertRuntime")
    return job.data


async def tick_job(context: Context) -> None:
    """Poll the feeds and queue the alerts the new marks trigger."""
    await _runtime(context).tick()


async def send_job(context: Context) -> None:
    """Deliver the outbox within Telegram's limits."""
    await _runtime(context).send(budget=SEND_EVERY_S * 0.9)


async def digest_job(context: Context) -> None:
    """Queue the daily digests that are due."""
    await _runtime(context).digest()


async def wallets_job(context: Context) -> None:
    """Read the watched Hyperliquid wallets that are due."""
    await _runtime(context).sync_wallets()


def schedule_alert_jobs(job_queue: JobQueue[Any], runtime: AlertRuntime) -> tuple[Job[Any], ...]:
    """Register the repeating jobs (the wallet sync's when it is configured); call after
    `await runtime.start()`."""
    interval = runtime.interval.total_seconds()
    wallets = (
        ()
        if runtime.wallets is None
        else (
            job_queue.run_repeating(
                wallets_job,
                runtime.wallets.every.total_seconds(),
                first=2.0,
                data=runtime,
                name="isocross-wallets",
                job_kwargs=_JOB_KWARGS,
            ),
        )
    )
    return (
        *wallets,
        job_queue.run_repeating(
            tick_job,
            interval,
            first=1.0,
            data=runtime,
            name="isocross-alerts-tick",
            job_kwargs=_JOB_KWARGS,
        ),
        job_queue.run_repeating(
            send_job,
            SEND_EVERY_S,
            first=1.0,
            data=runtime,
            name="isocross-outbox",
            job_kwargs=_JOB_KWARGS,
        ),
        job_queue.run_repeating(
            digest_job,
            DIGEST_EVERY_S,
            first=5.0,
            data=runtime,
            name="isocross-digest",
            job_kwargs=_JOB_KWARGS,
        ),
    )
