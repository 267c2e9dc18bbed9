"""A fake exchange REST API on 127.0.0.1: canned JSON per path and query, every request recorded.

Clients under test talk to it over real HTTP, so their URL building, headers,
timeouts and error handling run exactly as they would against the exchange.

    with FakeExchange() as fake:
        fake.route("/v5/market/risk-limit", page_one, query={"category": "linear"})
        fake.route("/v5/market/risk-limit", page_two, query={"cursor": "2"})
        ... client(fake.url) ...
        assert fake.requests[0].query["category"] == "linear"

A route's `query` must be a subset of the request's query; the most specific
matching route wins (so a cursor page overrides the first page), and among
equals the one added last (so a test can override a fixture's route). A request
no route matches gets a 404 with a JSON error, like an unknown endpoint.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.serving import Background, Served

__all__ = ["FakeExchange", "Recorded", "Route"]


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it (header names lower-cased)."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    raw_query: str


@dataclass(frozen=True)
class Route:
    """A canned answer: JSON-encoded unless `body` is already bytes (for garbage responses)."""

    path: str
    body: Any
    query: Mapping[str, str] = field(default_factory=dict)
    status: int = 200
    delay: float = 0.0  # seconds to wait before answering: a timeout, for a client

    def matches(self, path: str, query: Mapping[str, str]) -> bool:
        return path == self.path and all(query.get(k) == v for k, v in self.query.items())

    def payload(self) -> bytes:
        return self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()


class FakeExchange(Served):
    """Serves routes from a background thread; use as a context manager."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._served = Background(ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self)))

    @property
    def url(self) -> str:
        return self._served.url

    def route(
        self,
        path: str,
        body: Any,
        *,
        query: Mapping[str, str] | None = None,
        status: int = 200,
        delay: float = 0.0,
    ) -> None:
        with self._lock:
            self.routes.append(Route(path, body, dict(query or {}), status, delay))

    def requests_to(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def answer(self, recorded: Recorded) -> Route | None:
        """Record the request and pick the most specific matching route, the latest on a tie."""
        with self._lock:
            self.requests.append(recorded)
            matching = [r for r in self.routes if r.matches(recorded.path, recorded.query)]
        return max(reversed(matching), key=lambda r: len(r.query), default=None)

    def start(self) -> Self:
        self._served.start()
        return self

    def stop(self) -> None:
        self._served.stop()


def _handler_for(fake: FakeExchange) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            recorded = Recorded(
                method="GET",
                path=parts.path,
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                headers={k.lower(): v for k, v in self.headers.items()},
                raw_query=parts.query,
            )
            route = fake.answer(recorded)
            if route is None:
                self._send(404, json.dumps({"error": "no route", "path": parts.path}).encode())
            else:
                if route.delay:
                    time.sleep(route.delay)
                self._send(route.status, route.payload())

        def _send(self, status: int, payload: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout under test): nothing to answer

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the recorded requests are the log."""

    return Handler
