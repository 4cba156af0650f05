"""A threaded WSGI server on a real socket that starts and stops in milliseconds."""

from __future__ import annotations

import contextlib
import os
import selectors
import threading
from collections.abc import Callable
from typing import Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler


class QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without per-request log lines (the journal records them)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Requests are recorded in the journal instead."""

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The Date header follows the emulator's virtual clock when the server has one."""
        clock = getattr(self.server, "clock", None)
        if timestamp is None and clock is not None:
            timestamp = clock.time()
        return super().date_time_string(timestamp)

    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002 - werkzeug's signature
        """Keep errors visible, drop the chatter."""
        if type == "error":
            super().log(type, message, *args)


class _FastStopServer(ThreadedWSGIServer):
    """Waits on the listening socket and a wake-up pipe, so stop() needs no poll interval."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._wake_r, self._wake_w = os.pipe()
        self._stop = False

    def serve_until_stopped(self) -> None:
        """Accept connections until :meth:`wake` is called."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.socket, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while not self._stop:
                for key, _ in selector.select():
                    if key.fileobj == self._wake_r:
                        return
                    self._handle_request_noblock()

    def wake(self) -> None:
        """Ask the serving loop to return."""
        self._stop = True
        os.write(self._wake_w, b"x")

    def server_close(self) -> None:
        """Close the socket and the pipe."""
        super().server_close()
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)


class ServerThread:
    """Serve a WSGI app on ``host:port`` (0 = ephemeral) in a background thread."""

    def __init__(self, app: Callable[..., Any], host: str = "127.0.0.1", port: int = 0, clock: Any = None) -> None:
        self.app = app
        self.clock = clock
        self.host = host
        self.requested_port = port
        self._server: _FastStopServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ServerThread:
        """Bind and start serving; returns self."""
        if self._server is not None:
            return self
        self._server = _FastStopServer(self.host, self.requested_port, self.app, handler=QuietHandler)
        self._server.clock = self.clock  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_until_stopped, name=f"mockservers-{self.port}", daemon=True)
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        """The bound port."""
        if self._server is None:
            raise RuntimeError("server is not running")
        return int(self._server.server_port)

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        """True between start() and stop()."""
        return self._server is not None

    def stop(self) -> None:
        """Stop accepting, close the socket, and return without waiting on open connections."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.wake()
        if thread is not None:
            thread.join(timeout=5)
        server.server_close()
        self._server = None
        self._thread = None
