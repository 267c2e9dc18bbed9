"""A fake Hyperliquid `/info` on 127.0.0.1: answers by the request's `type`, records every body.

    with FakeHyperliquid() as fake:
        fake.account(SDK_USER, SDK_ACCOUNT, changed)   # the first answer, then `changed` on
        fake.fail(429, times=2)                        # the next two requests get a 429
        client = InfoClient(http, fake.url, WeightBudget())
        assert fake.types() == ["metaAndAssetCtxs", "clearinghouseState"]

`metaAndAssetCtxs` answers `markets` (recorded shapes by default); `clearinghouseState`
answers the user's queue of answers, one per call, the last one repeated (an unknown
address gets an empty account, as Hyperliquid answers); any other type or a body
that is not JSON gets 422, as the exchange does. An answer given as bytes is sent
as is, for garbage.
"""

from __future__ import annotations

import json
import threading
from copy import deepcopy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from tests.fakes.hyperliquid_shapes import MARKETS
from tests.fakes.serving import Background, Served

__all__ = ["EMPTY_ACCOUNT", "FakeHyperliquid"]

_ZERO = {
    "accountValue": "0.0",
    "totalMarginUsed": "0.0",
    "totalNtlPos": "0.0",
    "totalRawUsd": "0.0",
}
EMPTY_ACCOUNT: dict[str, Any] = {
    "assetPositions": [],
    "crossMaintenanceMarginUsed": "0.0",
    "crossMarginSummary": dict(_ZERO),
    "marginSummary": dict(_ZERO),
    "time": 1708622398623,
    "withdrawable": "0.0",
}


class FakeHyperliquid(Served):
    def __init__(self, markets: Any = None) -> None:
        self.markets: Any = deepcopy(MARKETS) if markets is None else markets
        self.bodies: list[Any] = []
        self._accounts: dict[str, list[Any]] = {}
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._served = Background(ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self)))

    @property
    def url(self) -> str:
        return self._served.url

    def account(self, user: str, *answers: Any) -> None:
        """What clearinghouseState answers for `user`: each answer once, the last for good."""
        with self._lock:
            self._accounts[user.lower()] = list(answers)

    def fail(self, status: int, *, times: int = 1) -> None:
        """The next `times` requests, whatever they ask, get `status` (429, 500)."""
        with self._lock:
            self._failures.extend([status] * times)

    def types(self) -> list[str]:
        with self._lock:
            return [b.get("type", "?") if isinstance(b, dict) else "?" for b in self.bodies]

    def answer(self, body: Any) -> tuple[int, Any]:
        with self._lock:
            self.bodies.append(body)
            if self._failures:
                status = self._failures.pop(0)
                return status, {"error": f"fake {status}"}
            kind = body.get("type") if isinstance(body, dict) else None
            if kind == "metaAndAssetCtxs":
                return 200, self.markets
            if kind == "clearinghouseState":
                return 200, self._next(str(body.get("user", "")).lower())
            return 422, b"Failed to deserialize the JSON body into the target type"

    def _next(self, user: str) -> Any:
        queue = self._accounts.get(user)
        if not queue:
            return EMPTY_ACCOUNT
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def start(self) -> Self:
        self._served.start()
        return self

    def stop(self) -> None:
        self._served.stop()


def _handler_for(fake: FakeHyperliquid) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body: Any = json.loads(raw)
            except ValueError:
                body = None
            if self.path != "/info":
                self._send(404, b'{"error": "no route"}')
                return
            status, answer = fake.answer(body)
            self._send(status, answer if isinstance(answer, bytes) else json.dumps(answer).encode())

        def _send(self, status: int, payload: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the recorded bodies are the log."""

    return Handler
