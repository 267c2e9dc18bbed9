"""What the fake Bot API holds (calls, messages, injected faults) and the rules it enforces
on what the bot sends: text length after entity parsing, callback data, keyboards."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.bot_api_http import HTTPError
from tests.fakes.telegram_html import EntityError, parse_html, utf16_length

__all__ = [
    "CALLBACK_LIMIT",
    "TEXT_LIMIT",
    "Call",
    "Fault",
    "JSONDict",
    "Sent",
    "attach",
    "checked_markup",
    "shown_text",
]

TEXT_LIMIT = 4096
CALLBACK_LIMIT = 64
JSONDict = dict[str, Any]


@dataclass
class Call:
    """One request: method, decoded parameters, HTTP status answered, when (monotonic)."""

    method: str
    params: JSONDict
    status: int
    at: float
    files: Mapping[str, bytes] = field(default_factory=dict)


@dataclass
class Sent:
    """A message in a chat as the fake holds it (the bot's and the users')."""

    message_id: int
    chat_id: int
    text: str  # as shown, after entity parsing
    html: str  # as sent
    from_bot: bool
    markup: JSONDict | None = None
    thread_id: int | None = None
    photo: bytes | None = None
    edits: int = 0
    json: JSONDict = field(default_factory=dict)
    update_id: int | None = None  # a user's message: the update that carried it

    def buttons(self) -> list[JSONDict]:
        rows = (self.markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    def button(self, label_part: str) -> JSONDict:
        for button in self.buttons():
            if label_part in button["text"]:
                return button
        raise KeyError(f"no button with {label_part!r} in {self.buttons()}")


@dataclass
class Fault:
    method: str
    status: int
    description: str
    retry_after: float | None
    times: int
    chat_id: int | None = None


def shown_text(text: str, parse_mode: object, limit: int = TEXT_LIMIT) -> str:
    if parse_mode not in (None, "HTML"):
        raise HTTPError(400, f"Bad Request: unsupported parse_mode {parse_mode}")
    try:
        shown = parse_html(text) if parse_mode == "HTML" else text
    except EntityError as error:
        raise HTTPError(400, f"Bad Request: can't parse entities: {error}") from None
    if not shown.strip():
        raise HTTPError(400, "Bad Request: message text is empty")
    if utf16_length(shown) > limit:
        raise HTTPError(400, "Bad Request: message is too long")
    return shown


def checked_markup(markup: object) -> JSONDict | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise HTTPError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= CALLBACK_LIMIT:
                raise HTTPError(400, "Bad Request: BUTTON_DATA_INVALID")
            app = button.get("web_app")
            if app is not None and not str(app.get("url", "")).startswith("https://"):
                raise HTTPError(400, "Bad Request: BUTTON_URL_INVALID")
            if data is None and not button.get("url") and app is None:
                raise HTTPError(400, "Bad Request: can't parse inline keyboard button")
    copied: JSONDict = json.loads(json.dumps(markup))
    return copied


def attach(sent: Sent, markup: JSONDict | None, replied: JSONDict | None) -> None:
    if markup is not None:
        sent.json["reply_markup"] = markup
    else:
        sent.json.pop("reply_markup", None)
    if replied is not None:
        sent.json["reply_to_message"] = replied
