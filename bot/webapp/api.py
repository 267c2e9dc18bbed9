"""`/api/*`: JSON for the page, each request owned by the user its `initData` names.

Every request carries Telegram's initData as `Authorization: tma <initData>` (the Mini
Apps convention); one that is missing, tampered with or stale is answered 401 before
anything is read. The validated user id is the only owner any handler ever sees: no
request names a user. The read-only key form (issue 18) will post here, as one more route
in `api_routes`, so a key never passes through the chat.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.commands.messages import engine_error_reply
from bot.i18n import N_
from bot.services import Services
from bot.webapp.auth import MAX_INIT_DATA, AuthError, validate
from bot.webapp.calculator import EXCHANGES, FormError, calculate
from bot.webapp.portfolio import SliderError, portfolio_view, slider_view
from bot.webapp.session import Session, context_for
from bot.webapp.texts import exchange_names, page_texts
from engine.errors import EngineError

__all__ = ["ApiConfig", "api_routes"]

log = logging.getLogger(__name__)
_SCHEME = "tma "
_MAX_BODY = 4096  # bytes: a form of a dozen short fields
Handler = Callable[[Session, Request], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class ApiConfig:
    services: Services
    token: str  # the bot token initData is signed for
    max_age: timedelta  # how long after Telegram's auth_date a launch stays valid


def api_routes(config: ApiConfig) -> list[Route]:
    def route(path: str, handler: Handler, method: str) -> Route:
        return Route(path, _authenticated(config, handler), methods=[method])

    return [
        route("/api/me", _me, "GET"),
        route("/api/calc", _calc, "POST"),
        route("/api/portfolio", _portfolio, "GET"),
        route("/api/slider", _slider, "POST"),
    ]


def _authenticated(config: ApiConfig, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        """401 without valid initData; an unexpected failure is a 500 with no detail."""
        header = request.headers.get("authorization", "")
        services = config.services
        if not header.startswith(_SCHEME) or len(header) > MAX_INIT_DATA + len(_SCHEME):
            return _unauthorized(services, request, "missing")
        try:
            user = validate(header[len(_SCHEME) :], config.token, services.clock(), config.max_age)
        except AuthError as error:
            return _unauthorized(services, request, error.code)
        session = await context_for(services, user)
        ctx = session.ctx
        try:
            return await handler(session, request)
        except EngineError as error:
            return _refused(engine_error_reply(ctx.tr, error, None).plain_text(), None)
        except Exception:
            log.exception("web app request failed: user=%s path=%s", user.id, request.url.path)
            return JSONResponse({"error": ctx.tr(_FAILED)}, status_code=500)

    return endpoint


_UNAUTHORIZED = N_("Telegram could not confirm who you are: open the app again from the chat.")
_FAILED = N_("Sorry, something went wrong on my side. Please try again.")


def _unauthorized(services: Services, request: Request, code: str) -> Response:
    """401, explained in the browser's language: nobody is known yet to ask for theirs."""
    wanted = request.headers.get("accept-language", "")[:64].split(",")[0].split(";")[0]
    tr = services.catalogs.translator(wanted or None)
    body = {"error": "unauthorized", "code": code, "message": tr(_UNAUTHORIZED)}
    return JSONResponse(body, status_code=401)


def _refused(message: str, field: str | None) -> Response:
    return JSONResponse({"error": message, "field": field}, status_code=400)


async def _body(request: Request) -> dict[str, Any]:
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > _MAX_BODY:
        raise ValueError("body too large")
    raw = await request.body()
    if len(raw) > _MAX_BODY:
        raise ValueError("body too large")
    data = json.loads(raw or b"{}")
    if not isinstance(data, dict):
        raise ValueError("not an object")
    return data


async def _me(session: Session, _: Request) -> Response:
    """The page's words in the user's language, and the exchanges it offers."""
    ctx = session.ctx
    names = exchange_names()
    return JSONResponse(
        {
            "locale": ctx.tr.locale,
            "texts": page_texts(ctx.tr),
            "exchange": ctx.user.exchange.value if ctx.user.exchange in EXCHANGES else "binance",
            "exchanges": [{"id": e.value, "name": names[e.value]} for e in EXCHANGES],
            "leverage": str(ctx.user.default_leverage),
        }
    )


async def _calc(session: Session, request: Request) -> Response:
    ctx = session.ctx
    try:
        data = await _body(request)
    except ValueError:
        return _refused(ctx.tr(_FAILED), None)
    try:
        return JSONResponse(calculate(ctx, data))
    except FormError as error:
        return _refused(error.message, error.field)


async def _portfolio(session: Session, request: Request) -> Response:
    portfolio = await session.held()
    symbol = request.query_params.get("symbol")
    return JSONResponse(portfolio_view(session.ctx, portfolio, symbol))


async def _slider(session: Session, request: Request) -> Response:
    ctx = session.ctx
    try:
        data = await _body(request)
        held = await session.held()
        view = slider_view(ctx, held, str(data.get("symbol", "")), str(data.get("price", "")))
    except (ValueError, SliderError):
        return _refused(ctx.tr(_FAILED), None)
    return JSONResponse(view)
