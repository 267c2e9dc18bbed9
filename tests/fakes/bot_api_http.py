"""The HTTP side of the fake Bot API: paths, bodies (form, JSON, multipart), JSON answers."""

from __future__ import annotations

import email.parser
import email.policy
import json
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from typing import Any, Protocol
from urllib.parse import parse_qsl

__all__ = ["API", "Dropped", "HTTPError", "Handler", "decode_body"]

# Parameters Telegram takes as JSON-serialized objects; form bodies carry them as text.
_STRUCTURED = {
    "reply_markup",
    "reply_parameters",
    "results",
    "commands",
    "scope",
    "entities",
    "allowed_updates",
    "link_preview_options",
}


class HTTPError(Exception):
    """A Bot API error answer: {"ok": false, "error_code", "description", "parameters"}."""

    def __init__(self, status: int, description: str, parameters: Mapping[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


class Dropped(Exception):
    """The call was handled (the message is shown) and the connection closes unanswered."""


class API(Protocol):
    token: str

    def dispatch(self, method: str, params: dict[str, Any], files: Mapping[str, bytes]) -> Any: ...

    def control(self, operation: str, params: dict[str, Any]) -> Any: ...


CONTROL = "/_fake/"  # a test or benchmark in another process drives the fake here


def decode_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Parameters and uploaded files from a request body, whichever encoding PTB chose."""
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    if content_type.startswith("application/json"):
        params = json.loads(body or b"{}")
    elif content_type.startswith("multipart/form-data"):
        header = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            raw = part.get_payload(decode=True)
            payload = raw if isinstance(raw, bytes) else b""
            if part.get_filename() is not None:
                files[str(name)] = payload
            else:
                params[str(name)] = payload.decode()
    elif body:
        params = dict(parse_qsl(body.decode(), keep_blank_values=True))
    for key in _STRUCTURED & params.keys():
        if isinstance(params[key], str):
            params[key] = json.loads(params[key])
    return params, files


class Handler(BaseHTTPRequestHandler):
    """`/bot<token>/<method>` -> api.dispatch; keeps connections alive like Telegram."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed ACK
    api: API

    @classmethod
    def bound_to(cls, api: API) -> type[Handler]:
        return type("BoundHandler", (cls,), {"api": api})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        prefix = f"/bot{self.api.token}/"
        if self.path.startswith(CONTROL):
            operation = self.path.removeprefix(CONTROL)
            self._answer(200, {"ok": True, "result": self.api.control(operation, json.loads(body))})
            return
        if not self.path.startswith(prefix):
            self._answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        method = self.path[len(prefix) :].split("?", 1)[0]
        try:
            params, files = decode_body(self.headers.get("Content-Type", ""), body)
            result = self.api.dispatch(method, params, files)
        except Dropped:
            self.close_connection = True  # no status line: the client reads a closed socket
            return
        except HTTPError as error:
            answer: dict[str, Any] = {
                "ok": False,
                "error_code": error.status,
                "description": error.description,
            }
            if error.parameters:
                answer["parameters"] = dict(error.parameters)
            self._answer(error.status, answer)
            return
        self._answer(200, {"ok": True, "result": result})

    do_GET = do_POST  # noqa: N815 - the name http.server dispatches to

    def _answer(self, status: int, payload: Mapping[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a long poll cancelled at stop)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the fake records calls itself (and must never print the token)."""
