"""`python -m bot`: the Telegram bot when TELEGRAM_BOT_TOKEN is set, else the console.

`python -m bot console [--user ID]` always starts the console.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from bot.app import check_connection, run
from bot.commands import CommandLayer
from bot.config import ConfigError, Settings, load_settings
from bot.console import LOCAL_USER, run_console, terminal_lines
from bot.services import open_services
from bot.telegram.logs import configure_logging


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("mode", nargs="?", choices=["console", "telegram"])
    parser.add_argument("--user", type=int, default=LOCAL_USER, help="whose portfolio (console)")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"isocross: {error}", file=sys.stderr)
        return 2
    mode = args.mode or ("telegram" if settings.telegram_bot_token else "console")
    if mode == "telegram":
        return _telegram(settings)
    configure_logging(settings.log_level, ())  # the console holds no token, but user text
    return asyncio.run(_console(settings, args.user))


def _telegram(settings: Settings) -> int:
    """Run the bot until a signal; a refused token or an unreachable API is one line."""
    secrets = [
        s.get_secret_value() for s in (settings.telegram_bot_token, settings.webhook_secret) if s
    ]
    configure_logging(settings.log_level, secrets)
    problem = asyncio.run(check_connection(settings))
    if problem is not None:
        print(f"isocross: {problem}", file=sys.stderr)
        return 2
    run(settings)
    return 0


async def _console(settings: Settings, user_id: int) -> int:
    services = await open_services(settings.db_path)
    try:
        layer = CommandLayer(services)
        interactive = sys.stdin.isatty()
        lines = terminal_lines() if interactive else sys.stdin
        if interactive:
            print("IsoCross console. Type /help, or exit to leave.")
        await run_console(layer, user_id, lines, interactive=interactive)
    finally:
        await services.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
