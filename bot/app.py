"""The composition root: settings in, a running Telegram bot out.

Everything the bot is made of is put together here and only here: the PTB
Application (token, Bot API root, rate limiter, per-user update order), the
handlers in the order they are tried, the error handler, and the resources
that post_init opens and post_shutdown closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, cast
from urllib.parse import urlsplit

from telegram import Bot, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    InlineQueryHandler,
    JobQueue,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.alerts import AlertRuntime
from bot.config import Settings
from bot.services import open_services
from bot.telegram.callbacks import on_button
from bot.telegram.chat import on_command, on_other
from bot.telegram.guard import on_error, throttle
from bot.telegram.inline import on_inline_query
from bot.telegram.jobs import schedule_alert_jobs
from bot.telegram.ledger import AnsweringQueue, ConfirmingBot, UpdateLedger
from bot.telegram.limiter import Limiter
from bot.telegram.logs import MASK, quiet_http_logs, redact_urls
from bot.telegram.menu import publish_commands
from bot.telegram.newflow import new_position_flow
from bot.telegram.processor import PerUserProcessor
from bot.telegram.runtime import IsoContext, Runtime
from bot.telegram.start import on_start
from bot.telegram.throttle import Throttle
from bot.telegram.transport import TelegramTransport
from bot.telegram.webapp import set_menu_button, webhook_route
from bot.webapp.api import ApiConfig
from bot.webapp.server import WebServer, create_app

__all__ = [
    "IsoApp",
    "build_application",
    "check_connection",
    "run",
    "running",
    "webhook_options",
]

IsoApp = Application[
    ExtBot[int], IsoContext, dict[Any, Any], dict[Any, Any], Runtime, JobQueue[IsoContext]
]
POLL_TIMEOUT = 30.0  # seconds a getUpdates call may wait for news
# A few keep-alive connections carry Telegram's 30 messages a second (four at up to
# ~130 ms a round trip); httpcore checks every pooled connection and every queued request
# twice per request, so each one more costs every reply. Serving as many users at once as
# there are connections leaves no reply queued for one (bench: 0.5 ms less CPU per update
# than 16 users on 8 connections).
CONNECTIONS = 4
CONCURRENT_UPDATES = CONNECTIONS  # users served at once (each user's updates in order)
POOL_TIMEOUT = 20.0  # seconds a reply may wait for a free connection in a burst


def build_application(
    settings: Settings, *, limiter: Limiter | None = None, flood: Throttle | None = None
) -> IsoApp:
    """The bot, ready to run; `limiter` and `flood` replace the production limits (benchmarks)."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    quiet_http_logs()  # before the first request: every Bot API URL holds the token
    root = settings.telegram_api_url.rstrip("/")
    context_types = ContextTypes(context=CallbackContext, bot_data=Runtime)
    ledger = UpdateLedger()  # updates are confirmed to Telegram once handled, not fetched
    bot = ConfirmingBot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=f"{root}/bot",
        base_file_url=f"{root}/file/bot",
        request=HTTPXRequest(connection_pool_size=CONNECTIONS, pool_timeout=POOL_TIMEOUT),
        rate_limiter=limiter or Limiter(deadline=settings.delivery_deadline),
        ledger=ledger,
    )
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(context_types)
        .concurrent_updates(PerUserProcessor(CONCURRENT_UPDATES, on_done=ledger.done))
        .update_queue(AnsweringQueue(ledger) if settings.webhook_url else asyncio.Queue())
        .post_init(_opener(settings))
        .post_stop(_confirmer(ledger))
        .post_shutdown(_close)
    )
    app = cast(IsoApp, builder.build())  # the builder's chain loses the context types
    if flood is not None:
        app.bot_data.throttle = flood
    _register(app)
    return app


def _register(app: IsoApp) -> None:
    """Handlers in the order Telegram updates try them."""
    app.add_handler(TypeHandler(Update, throttle), group=-1)
    app.add_handlers(new_position_flow())
    app.add_handlers(
        [
            CommandHandler("start", on_start, filters.ChatType.PRIVATE),
            CallbackQueryHandler(on_button),
            InlineQueryHandler(on_inline_query),
            MessageHandler(
                filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.TEXT, on_command
            ),
            MessageHandler(
                filters.UpdateType.MESSAGE
                & filters.ChatType.PRIVATE
                & ~filters.TEXT
                & ~filters.StatusUpdate.ALL,
                on_other,
            ),
            MessageHandler(
                filters.UpdateType.MESSAGE & filters.ChatType.GROUPS & filters.COMMAND, on_command
            ),
            MessageHandler(filters.UpdateType.CHANNEL_POST & filters.COMMAND, on_command),
        ]
    )
    app.add_error_handler(on_error)


def _opener(settings: Settings) -> Any:
    async def post_init(app: IsoApp) -> None:
        """Open the database and services, start the alert watch and its jobs, and publish
        the command menus in the background (a slow setMyCommands must not hold updates)."""
        services = await open_services(settings.db_path)
        app.bot_data.open(services)
        alerts = AlertRuntime.create(
            services, settings, TelegramTransport(app.bot, services.catalogs)
        )
        alerts.sender.retries.deadline = settings.delivery_deadline
        await alerts.start()
        app.bot_data.alerts = alerts
        if app.job_queue is not None:
            schedule_alert_jobs(app.job_queue, alerts)
        app.bot_data.background(publish_commands(app.bot, services.catalogs))
        if settings.webapp_url is not None:
            app.bot_data.webapp_url = settings.webapp_url
            app.bot_data.background(
                set_menu_button(app.bot, settings.webapp_url, services.catalogs)
            )
        # What start-up built (tier tables, catalogs, the rebuilt watch) lives as long as
        # the process: frozen, the collector stops walking it on every full collection,
        # which otherwise held every update up for tens of milliseconds (75 ms seen).
        gc.freeze()

    return post_init


def _confirmer(ledger: UpdateLedger) -> Any:
    async def post_stop(app: IsoApp) -> None:
        """Confirm what was handled after the poller stopped (the queue's last updates), so a
        clean restart does not handle them again."""
        if ledger.polled:
            with contextlib.suppress(TelegramError):
                await app.bot.get_updates(offset=ledger.offset(None), limit=1, timeout=0)

    return post_stop


async def _close(app: IsoApp) -> None:
    """Close the database after the last update is handled."""
    await app.bot_data.close()


async def check_connection(settings: Settings) -> str | None:
    """One getMe before start-up: why the bot cannot start, in one line, or None.

    PTB's own start-up logs a refused token with a traceback; this says it plainly first.
    """
    if settings.telegram_bot_token is None:
        return "setting TELEGRAM_BOT_TOKEN: required to run the bot"
    root = settings.telegram_api_url.rstrip("/")
    token = settings.telegram_bot_token.get_secret_value()
    try:
        async with Bot(token, base_url=f"{root}/bot"):
            return None
    except InvalidToken:
        return "the Bot API refused TELEGRAM_BOT_TOKEN"
    except TelegramError as error:
        reason = redact_urls(str(error).replace(token, MASK))
        return f"cannot reach the Bot API at {redact_urls(settings.telegram_api_url)}: {reason}"


def run(settings: Settings) -> None:
    """Long polling, or a webhook server when ISOCROSS_WEBHOOK_URL is set; until a signal.
    With ISOCROSS_WEBAPP_URL one web server serves the Mini App (and the webhook)."""
    app = build_application(settings)
    if settings.webapp_url is not None:
        asyncio.run(_serve_until_signal(app, settings))
    elif settings.webhook_url is None:
        app.run_polling(allowed_updates=Update.ALL_TYPES, timeout=int(POLL_TIMEOUT))
    else:
        app.run_webhook(**webhook_options(settings))


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Where the webhook server listens, the path the proxy forwards, the secret Telegram
    sends with every update (others are refused with 403)."""
    if settings.webhook_url is None:
        raise ValueError("ISOCROSS_WEBHOOK_URL is not set")
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlsplit(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": secret,
        "allowed_updates": Update.ALL_TYPES,
    }


async def _serve_until_signal(app: IsoApp, settings: Settings) -> None:
    """PTB's custom-webhook pattern: the bot and uvicorn in one loop, until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    webhook = settings if settings.webhook_url is not None else None
    async with running(app, webhook=webhook, web=settings):
        await stop.wait()


async def _start_web(app: IsoApp, settings: Settings, webhook: bool) -> WebServer:
    """The Mini App's server on webhook_listen:webhook_port, with the webhook route in
    webhook mode (Telegram's updates then come through Starlette, not PTB's own server)."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    config = ApiConfig(
        app.bot_data.services,
        settings.telegram_bot_token.get_secret_value(),
        timedelta(seconds=settings.webapp_auth_max_age_s),
    )
    extra = []
    if webhook:
        options = webhook_options(settings)
        extra.append(webhook_route(app, options["url_path"], options["secret_token"]))
    server = WebServer(create_app(config, extra), settings.webhook_listen, settings.webhook_port)
    await server.start()
    return server


@asynccontextmanager
async def running(
    app: IsoApp,
    *,
    poll_timeout: float = POLL_TIMEOUT,
    webhook: Settings | None = None,
    web: Settings | None = None,
) -> AsyncIterator[IsoApp]:
    """The bot inside an event loop that is already running (tests, benchmarks), polling or,
    given settings with a webhook, serving it: the start and stop sequence of `run_*`.
    Given `web` settings, the Mini App's server runs beside it (and takes the webhook)."""
    await app.initialize()
    server: WebServer | None = None
    try:
        if app.post_init is not None:
            await app.post_init(app)
        updater = app.updater
        if updater is None:
            raise RuntimeError("the application was built without an updater")
        if web is not None:
            server = await _start_web(app, web, webhook is not None)
        if webhook is None:
            await updater.start_polling(
                timeout=timedelta(seconds=poll_timeout), allowed_updates=Update.ALL_TYPES
            )
        elif server is None:
            await updater.start_webhook(**webhook_options(webhook))
        else:
            options = webhook_options(webhook)
            await app.bot.set_webhook(
                options["webhook_url"],
                secret_token=options["secret_token"],
                allowed_updates=Update.ALL_TYPES,
            )
        await app.start()
        try:
            yield app
        finally:
            if updater.running:
                await updater.stop()
            await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
    finally:
        if server is not None:
            await server.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
