"""What every fake server shares: a ThreadingHTTPServer on 127.0.0.1 served from a
daemon thread, and the context manager that starts and stops it."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Self

__all__ = ["Background", "Served"]


class Background:
    """`server` answering from a daemon thread once started; `url` is where it listens."""

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self.server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self, *, join: bool = True) -> None:
        """Stop serving and close the socket; `join` waits (5 s at most) for the thread."""
        self.server.shutdown()
        self.server.server_close()
        if join:
            self._thread.join(timeout=5)


class Served:
    """A fake used as a context manager: `start()` on entry, `stop()` on exit."""

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
