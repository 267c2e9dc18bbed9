"""The one web server in the bot's process and event loop: the page, its API, the webhook.

Starlette routes served by uvicorn inside the loop python-telegram-bot runs in (PTB's
custom-webhook pattern): `/app/` is the page and its vendored assets, `/api/*` its JSON,
and in webhook mode the composition root adds the adapter's update route. Nothing here
knows Telegram's library.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Generator, Sequence
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.webapp.api import ApiConfig, api_routes

__all__ = ["STATIC_DIR", "WebServer", "create_app"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
# Everything the page loads is its own: no CDN, no inline script, no frame but Telegram's.
_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors https://web.telegram.org https://*.telegram.org"
)
log = logging.getLogger(__name__)


def create_app(config: ApiConfig, extra: Sequence[BaseRoute] = ()) -> Starlette:
    """The page at /app/, the API at /api/, and `extra` routes (the webhook)."""
    routes: list[BaseRoute] = [
        *api_routes(config),
        *extra,
        Route("/app", _to_app, methods=["GET"]),
        Mount("/app", StaticFiles(directory=STATIC_DIR, html=True), name="app"),
    ]
    return Starlette(routes=routes, middleware=[])  # headers by _Headers, around it


async def _to_app(request: Request) -> Response:
    return RedirectResponse(request.url.replace(path="/app/"), status_code=308)


class _Headers:
    """The page's security policy, and no caching of any API answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = str(scope.get("path", "")).startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"content-security-policy", _POLICY.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                if api:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _Embedded(uvicorn.Server):
    """uvicorn in a loop someone else owns: it leaves the process's signals alone."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


class WebServer:
    """uvicorn serving `app` on host:port (port 0: any free one) as a task of this loop."""

    def __init__(self, app: Starlette, host: str, port: int) -> None:
        config = uvicorn.Config(
            _Headers(app), host=host, port=port, log_level="warning", lifespan="off",
            access_log=False, server_header=False,
        )  # fmt: skip
        self._server = _Embedded(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Listening when this returns; a port in use fails here, not later."""
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()  # the bind's error
                raise RuntimeError("the web server stopped while starting")
            await asyncio.sleep(0.01)

    @property
    def port(self) -> int:
        """The port actually bound (the one chosen when asked for 0)."""
        sockets = self._server.servers[0].sockets
        return int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._task is None:
            return
        self._server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
