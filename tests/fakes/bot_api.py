"""A fake Telegram Bot API on 127.0.0.1 that a real python-telegram-bot Application talks to.

It answers `<root>/bot<token>/<method>` over real HTTP (form-encoded, JSON or
multipart bodies, as PTB sends them), holds the chats the bot writes to,
long-polls `getUpdates` with offsets, and enforces the limits that bite in
production: 4,096 characters after entity parsing, 64-byte callback data,
strict HTML entities, unknown chats, blocked users. Faults (429 with
retry_after, 5xx, 400) are injected per method; so are the ambiguous ones, where
Telegram accepted the call and the answer is lost (`drop_after_accepting`: the
connection closes; `answer_late`: it comes after the client's read timeout), and
slow chats (`slow_chat`: every send to it takes that long). Every call is recorded.

    with FakeBotAPI() as api:
        api.message(7, "/start", language_code="ru")
        ... run the bot with TELEGRAM_API_URL=api.url ...
        await api.wait_for(lambda: api.texts(7))
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import threading
import time
from collections.abc import Callable, Mapping
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Any

from tests.fakes.bot_api_control import Controls
from tests.fakes.bot_api_http import Dropped, Handler, HTTPError
from tests.fakes.bot_api_state import (
    CALLBACK_LIMIT,
    Call,
    Fault,
    JSONDict,
    Sent,
    attach,
    checked_markup,
    shown_text,
)
from tests.fakes.serving import Background
from tests.fakes.telegram_html import utf16_length

__all__ = ["BOT_ID", "TOKEN", "Call", "FakeBotAPI", "Sent"]

TOKEN = "123456789:AAFakeTokenForTestsOnly-0123456789abcd"
BOT_ID = 123456789


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a burst opens many connections at once; 5 would reset some


class FakeBotAPI:
    """Serves the Bot API from a background thread; use as a (sync) context manager."""

    def __init__(self, token: str = TOKEN, username: str = "IsoCrossTestBot") -> None:
        self.token = token
        self.bot = {"id": BOT_ID, "is_bot": True, "first_name": "IsoCross", "username": username}
        self.calls: list[Call] = []
        self.chats: dict[int, JSONDict] = {}
        self.messages: dict[int, list[Sent]] = {}
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.blocked: set[int] = set()
        self._updates: list[JSONDict] = []
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._faults: list[Fault] = []
        self._lost: list[list[object]] = []  # [method, seconds late (None: dropped), times]
        self.slow: dict[int, float] = {}  # chat id -> seconds each send to it takes
        self._closing = False
        self._cond = threading.Condition()
        self._controls = Controls(self)
        self._served = Background(_Server(("127.0.0.1", 0), Handler.bound_to(self)))

    @property
    def url(self) -> str:
        return self._served.url

    def __enter__(self) -> FakeBotAPI:
        self._served.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._served.stop(join=False)

    # -- what a test does: users write, press, query; faults are injected ------------------

    def message(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        language_code: str | None = "en",
        thread_id: int | None = None,
    ) -> Sent:
        """A user sends `text` (empty: a location instead); in a group pass its `chat_id` and
        `chat_type`."""
        chat = self._chat(chat_id or user_id, chat_type, user_id, forum=thread_id is not None)
        with self._cond:
            sent = self._store(chat, text, text, self._user(user_id, language_code), thread_id)
            if not text:
                del sent.json["text"]
                sent.json["location"] = {"latitude": 47.37, "longitude": 8.54}
            if text.startswith("/"):
                length = utf16_length(text.split(maxsplit=1)[0])
                sent.json["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
            sent.update_id = self._push({"message": sent.json})
        return sent

    def channel_post(self, chat_id: int, text: str) -> Sent:
        """A post in a channel where the bot is an admin: no user, the channel speaks."""
        chat = self._chat(chat_id, "channel", 0, forum=False)
        with self._cond:
            sent = self._store(chat, text, text, {}, None)
            del sent.json["from"]
            sent.json["sender_chat"] = chat
            if text.startswith("/"):
                length = utf16_length(text.split(maxsplit=1)[0])
                sent.json["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
            self._push({"channel_post": sent.json})
        return sent

    def press(self, user_id: int, sent: Sent, data: str, language_code: str = "en") -> str:
        """A user presses the button whose callback data is `data` under `sent`."""
        query_id = f"cq{next(self._ids)}"
        with self._cond:
            self._push(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": self._user(user_id, language_code),
                        "chat_instance": f"ci{sent.chat_id}",
                        "data": data,
                        "message": sent.json,
                    }
                }
            )
        return query_id

    def inline(self, user_id: int, query: str, language_code: str = "en") -> str:
        query_id = f"iq{next(self._ids)}"
        with self._cond:
            user = self._user(user_id, language_code)
            self._push(
                {"inline_query": {"id": query_id, "from": user, "query": query, "offset": ""}}
            )
        return query_id

    def fail(
        self,
        method: str,
        status: int,
        *,
        retry_after: float | None = None,
        description: str | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """The next `times` calls of `method` (to `chat_id` only, if given) answer `status`."""
        text = description or {429: "Too Many Requests: retry after {after}"}.get(
            status, "Internal Server Error"
        )
        with self._cond:
            self._faults.append(
                Fault(method, status, text.format(after=retry_after), retry_after, times, chat_id)
            )

    def drop_after_accepting(self, method: str, *, times: int = 1) -> None:
        """The next `times` calls of `method` are carried out, then the connection closes
        without an answer (the client sees a dropped connection, Telegram showed it)."""
        with self._cond:
            self._lost.append([method, None, times])

    def answer_late(self, method: str, seconds: float, *, times: int = 1) -> None:
        """The next `times` calls of `method` are carried out and answered `seconds` later
        (past a client's read timeout: a TimedOut for a message that arrived)."""
        with self._cond:
            self._lost.append([method, seconds, times])

    def slow_chat(self, chat_id: int, seconds: float) -> None:
        """Every sendMessage to `chat_id` takes `seconds` before it is carried out."""
        with self._cond:
            self.slow[chat_id] = seconds

    # -- what a test reads ----------------------------------------------------------------

    def sent(self, chat_id: int) -> list[Sent]:
        """The bot's messages in a chat, oldest first."""
        with self._cond:
            return [m for m in self.messages.get(chat_id, []) if m.from_bot]

    def texts(self, chat_id: int) -> list[str]:
        return [m.text for m in self.sent(chat_id)]

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def pending_updates(self) -> int:
        with self._cond:
            return len(self._updates)

    async def wait_for(self, condition: Callable[[], object], timeout: float = 5.0) -> None:
        """Poll `condition` from the event loop the bot runs on, without blocking it."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("the fake Bot API never saw what the test waits for")
            await asyncio.sleep(0.005)

    def control(self, operation: str, params: JSONDict) -> object:
        """The test API over HTTP (`tests.fakes.bot_api_control`)."""
        return self._controls(operation, params)

    # -- the server side ------------------------------------------------------------------

    def dispatch(self, method: str, params: JSONDict, files: Mapping[str, bytes]) -> Any:
        """Answer one call (from a server thread); HTTPError for a Bot API error."""
        fault = self._take_fault(method, params.get("chat_id"))
        try:
            if fault is not None:
                parameters = {"retry_after": fault.retry_after} if fault.retry_after else None
                raise HTTPError(fault.status, fault.description, parameters)
            handler = getattr(self, "_api_" + method, None)
            if handler is None:
                raise HTTPError(404, "Not Found")
            result = handler(params, files) if method == "sendPhoto" else handler(params)
        except HTTPError as error:
            self._record(method, params, error.status, files)
            raise
        self._record(method, params, 200, files)
        self._lose_the_answer(method)
        return result

    def _lose_the_answer(self, method: str) -> None:
        with self._cond:
            lost = next((x for x in self._lost if x[0] == method and int(str(x[2])) > 0), None)
            if lost is not None:
                lost[2] = int(str(lost[2])) - 1
        if lost is None:
            return
        if lost[1] is None:
            raise Dropped(method)
        time.sleep(float(str(lost[1])))

    def _record(
        self, method: str, params: JSONDict, status: int, files: Mapping[str, bytes]
    ) -> None:
        with self._cond:
            self.calls.append(Call(method, params, status, time.monotonic(), dict(files)))
            self._cond.notify_all()  # whoever waits for answers

    def _take_fault(self, method: str, chat: object) -> Fault | None:
        with self._cond:
            for fault in self._faults:
                aimed = fault.chat_id is None or str(fault.chat_id) == str(chat)
                if fault.method == method and fault.times > 0 and aimed:
                    fault.times -= 1
                    return fault
        return None

    def _api_getMe(self, _: JSONDict) -> JSONDict:
        return {**self.bot, "can_join_groups": True, "supports_inline_queries": True}

    def _api_getUpdates(self, params: JSONDict) -> list[JSONDict]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        with self._cond:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and not self._closing:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return self._updates[:limit]

    def _api_deleteWebhook(self, _: JSONDict) -> bool:
        return True

    def _api_setWebhook(self, _: JSONDict) -> bool:
        return True

    def _api_setChatMenuButton(self, _: JSONDict) -> bool:
        return True

    def _api_setMyCommands(self, params: JSONDict) -> bool:
        scope = (params.get("scope") or {"type": "default"})["type"]
        with self._cond:
            self.commands[(scope, params.get("language_code") or "")] = params["commands"]
        return True

    def _api_getMyCommands(self, params: JSONDict) -> list[JSONDict]:
        scope = (params.get("scope") or {"type": "default"})["type"]
        return self.commands.get((scope, params.get("language_code") or ""), [])

    def _api_sendMessage(self, params: JSONDict) -> JSONDict:
        chat = self._known_chat(params["chat_id"])
        time.sleep(self.slow.get(chat["id"], 0.0))
        text, shown = params["text"], shown_text(params["text"], params.get("parse_mode"))
        markup = checked_markup(params.get("reply_markup"))
        with self._cond:
            replied = self._replied(chat["id"], params.get("reply_parameters"))
            sent = self._store(chat, shown, text, self.bot, params.get("message_thread_id"))
            sent.markup = markup
            attach(sent, markup, replied)
        return sent.json

    def _api_sendPhoto(self, params: JSONDict, files: Mapping[str, bytes]) -> JSONDict:
        chat = self._known_chat(params["chat_id"])
        photo = files.get("photo") or files.get(
            str(params.get("photo", "")).removeprefix("attach://")
        )
        if not photo:
            raise HTTPError(400, "Bad Request: there is no photo in the request")
        caption = params.get("caption", "")
        shown = shown_text(caption, params.get("parse_mode"), limit=1024) if caption else ""
        with self._cond:
            sent = self._store(chat, shown, caption, self.bot, params.get("message_thread_id"))
            sent.photo = photo
            sent.json["photo"] = [{"file_id": f"ph{sent.message_id}", "file_unique_id": "u",
                                   "width": 800, "height": 600}]  # fmt: skip
        return sent.json

    def _api_editMessageText(self, params: JSONDict) -> JSONDict:
        sent = self._find(params)
        shown = shown_text(params["text"], params.get("parse_mode"))
        markup = checked_markup(params.get("reply_markup"))
        with self._cond:
            if shown == sent.text and markup == sent.markup:
                raise HTTPError(400, "Bad Request: message is not modified: specified new message "
                                     "content and reply markup are exactly the same")  # fmt: skip
            sent.text, sent.html, sent.markup, sent.edits = (
                shown,
                params["text"],
                markup,
                sent.edits + 1,
            )
            sent.json["text"] = shown
            attach(sent, markup, None)
        return sent.json

    def _api_editMessageReplyMarkup(self, params: JSONDict) -> JSONDict:
        sent = self._find(params)
        with self._cond:
            sent.markup, sent.edits = checked_markup(params.get("reply_markup")), sent.edits + 1
            attach(sent, sent.markup, None)
        return sent.json

    def _api_answerCallbackQuery(self, params: JSONDict) -> bool:
        if len(params.get("text") or "") > 200:
            raise HTTPError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    def _api_answerInlineQuery(self, params: JSONDict) -> bool:
        for result in params["results"]:
            if len(result["id"].encode()) > CALLBACK_LIMIT:
                raise HTTPError(400, "Bad Request: RESULT_ID_INVALID")
            content = result["input_message_content"]
            shown_text(content["message_text"], content.get("parse_mode"))
            checked_markup(result.get("reply_markup"))
        return True

    def _api_sendChatAction(self, params: JSONDict) -> bool:
        self._known_chat(params["chat_id"])
        return True

    # -- state ----------------------------------------------------------------------------

    def _chat(self, chat_id: int, chat_type: str, user_id: int, *, forum: bool) -> JSONDict:
        if chat_type == "private":
            chat: JSONDict = {"id": chat_id, "type": "private", "first_name": f"User{user_id}"}
        else:
            chat = {"id": chat_id, "type": chat_type, "title": f"Chat {chat_id}"}
            if forum:
                chat["is_forum"] = True
        with self._cond:
            self.chats[chat_id] = chat
        return chat

    def _known_chat(self, chat_id: object) -> JSONDict:
        key = int(str(chat_id))
        with self._cond:
            if key in self.blocked:
                raise HTTPError(403, "Forbidden: bot was blocked by the user")
            chat = self.chats.get(key)
        if chat is None:
            raise HTTPError(400, "Bad Request: chat not found")
        return chat

    def _user(self, user_id: int, language_code: str | None) -> JSONDict:
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if language_code:
            user["language_code"] = language_code
        return user

    def _store(
        self, chat: JSONDict, shown: str, html: str, sender: JSONDict, thread_id: object
    ) -> Sent:
        """Append a message to its chat (caller holds the lock)."""
        chat_messages = self.messages.setdefault(chat["id"], [])
        message_id = len(chat_messages) + 1
        payload: JSONDict = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": sender,
            "text": shown,
        }
        thread = int(str(thread_id)) if thread_id is not None else None
        if thread is not None:
            payload |= {"message_thread_id": thread, "is_topic_message": True}
        sent = Sent(message_id, chat["id"], shown, html, sender is self.bot, None, thread)
        sent.json = payload
        chat_messages.append(sent)
        return sent

    def _replied(self, chat_id: int, reply: object) -> JSONDict | None:
        if not isinstance(reply, dict):
            return None
        for message in self.messages.get(chat_id, []):
            if message.message_id == reply.get("message_id"):
                return {k: v for k, v in message.json.items() if k != "reply_to_message"}
        raise HTTPError(400, "Bad Request: message to be replied not found")

    def _find(self, params: JSONDict) -> Sent:
        with self._cond:
            for message in self.messages.get(int(str(params["chat_id"])), []):
                if message.message_id == int(str(params["message_id"])) and message.from_bot:
                    return message
        raise HTTPError(400, "Bad Request: message to edit not found")

    def _push(self, update: JSONDict) -> int:
        """Queue an update for getUpdates (caller holds the lock); its update_id."""
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **update})
        self._cond.notify_all()
        return update_id


def serve() -> None:
    """`python -m tests.fakes.bot_api`: print the root URL, serve until standard input closes."""
    with FakeBotAPI() as api:
        sys.stdout.write(api.url + "\n")
        sys.stdout.flush()
        sys.stdin.read()


if __name__ == "__main__":
    serve()
