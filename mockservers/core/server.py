"""The in-process HTTP server: waitress (HTTP/1.1 keep-alive, a worker pool) on a real socket.

Chosen by measuring (bench/run.py, README "Benchmarks"): against cheroot it
served as many requests at 1 and 8 connections and about twice as many at 32,
with no dependency of its own. What the former werkzeug runner gave is kept:
port 0, loopback by default, stop in milliseconds, the ``Date`` header from the
virtual clock, a way for the fault middleware to drop a connection without an
answer (``environ["mockservers.drop_connection"]``), and errors the server
raises itself (bad request line, oversized headers, malformed chunked bodies)
rendered by the emulator in its provider's shape (``error_renderer``).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import math
import os
import selectors
import socket
import threading
import time
from collections.abc import Callable, Iterable
from email.utils import formatdate
from typing import Any

from waitress.channel import ClientDisconnected, HTTPChannel
from waitress.server import create_server
from waitress.task import ErrorTask, WSGITask
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

# (status code, message) -> (status line, headers, body): the emulator's provider error shape.
ErrorRenderer = Callable[[int, str], tuple[str, list[tuple[str, str]], bytes]]

# Workers per server: enough for 32 keep-alive clients (idle connections cost no worker).
THREADS = 8
# A first body chunk up to this size goes out in one send with the headers (see _Task.write).
COALESCE_BYTES = 64 * 1024
# Uploads of several GiB must reach the app (waitress's default cap is 1 GiB).
MAX_BODY = 1 << 40

# waitress logs queue depth and client disconnects at warning/info level; the journal records exchanges.
logging.getLogger("waitress").setLevel(logging.ERROR)
logging.getLogger("waitress.queue").setLevel(logging.ERROR)


class PortInUseError(OSError):
    """The requested port is taken; the message says which and how to move it."""


def port_in_use_message(host: str, port: int, name: str | None) -> str:
    """What to tell a user whose port is taken."""
    if not name:
        return f"port {port} on {host} is already in use"
    env = f"MOCKSERVERS_{name.upper()}_PORT"
    return (
        f"port {port} on {host} for {name} is already in use; pick another with "
        f"`mockservers serve --port {name}=N` (0: any free port) or {env}=N for the pytest plugin"
    )


_last_date: tuple[int, str] = (-1, "")


def _http_date(clock: Any) -> str:
    """The IMF-fixdate of the virtual (or, without a clock, the real) now; formatted once per second."""
    global _last_date
    second = math.floor(clock.time() if clock is not None else time.time())
    cached = _last_date
    if cached[0] != second:
        cached = _last_date = (second, formatdate(second, usegmt=True))
    return cached[1]


class _Task(WSGITask):
    """waitress's WSGI task, exposing a way to drop the connection without an answer."""

    def get_environment(self) -> dict[str, Any]:
        environ = super().get_environment()
        environ["mockservers.drop_connection"] = self._drop
        return environ

    def write(self, data: bytes) -> None:
        """waitress's write, sending the status line and headers together with a small first body chunk.

        waitress sends them apart (two sends, two TCP segments, for most answers); joined,
        a keep-alive client's answer usually arrives in one segment. Anything unusual
        (no declared length, chunked, a body where none may be, more than declared)
        takes waitress's own path.
        """
        if self.wrote_header or not data or not self.complete or len(data) > COALESCE_BYTES:
            super().write(data)
            return
        header = self.build_response_header()
        self.wrote_header = True
        length = self.content_length
        if self.chunked_response or length is None or not self.has_body or len(data) > length - self.content_bytes_written:
            self.channel.write_soon(header)
            super().write(data)  # the header is out: waitress's body path, with its checks and warnings
            return
        self.content_bytes_written += len(data)
        self.channel.write_soon(header + data)

    def _drop(self) -> None:
        # Shut the socket so the client reads EOF with no status line, then
        # unwind through waitress's quiet "client disconnected" path.
        self.close_on_finish = True
        with contextlib.suppress(OSError):
            self.channel.socket.shutdown(socket.SHUT_RDWR)
        raise ClientDisconnected("fault injected: connection dropped")


class _ErrorTask(ErrorTask):
    """Errors waitress raises itself (400, 431, 413, 501), in the provider's shape when it has one."""

    def execute(self) -> None:
        server = self.channel.server
        error = self.request.error
        renderer: ErrorRenderer | None = getattr(server, "mockservers_error_renderer", None)
        status, headers, body = error.to_response(server.adj.ident)
        if renderer is not None:
            with contextlib.suppress(Exception):  # never fail while reporting a failure
                status, headers, body = renderer(error.code, f"{error.reason}: {error.body}")
        self.status = status
        self.response_headers.extend((k, v) for k, v in headers if k.lower() not in ("content-length", "connection", "date"))
        self.response_headers.append(("Date", _http_date(getattr(server, "mockservers_clock", None))))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class _Channel(HTTPChannel):
    task_class = _Task
    error_task_class = _ErrorTask


def _with_clock_date(app: Callable[..., Any], clock: Any) -> Callable[..., Any]:
    """Wrap ``app`` so every answer carries a ``Date`` from the virtual clock (waitress keeps an app's Date)."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def dated(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if not any(k.lower() == "date" for k, _ in headers):
                headers = [*headers, ("Date", _http_date(clock))]
            return start_response(status, headers, exc_info)

        return app(environ, dated)

    return wsgi


class _Served:
    """What both server runners share: where they serve and whether they do."""

    host: str
    _server: Any

    @property
    def port(self) -> int:
        """The bound port."""
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        """True between start() and stop()."""
        return self._server is not None



class ServerThread(_Served):
    """Serve a WSGI app on ``host:port`` (0 = ephemeral) in a background thread."""

    def __init__(
        self,
        app: Callable[..., Any],
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Any = None,
        error_renderer: ErrorRenderer | None = None,
        name: str | None = None,
        threads: int = THREADS,
    ) -> None:
        self.app = app
        self.clock = clock
        self.host = host
        self.requested_port = port
        self.error_renderer = error_renderer
        self.name = name
        self.threads = threads
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._port = 0

    def start(self) -> ServerThread:
        """Bind and start serving; returns self. A taken port raises :class:`PortInUseError`."""
        if self._server is not None:
            return self
        socket_map: dict[int, Any] = {}
        try:
            server = create_server(
                _with_clock_date(self.app, self.clock),
                map=socket_map,
                host=self.host,
                port=self.requested_port,
                threads=self.threads,
                ident="",  # no Server header of ours in a provider's answers
                max_request_body_size=MAX_BODY,
                expose_tracebacks=False,
                clear_untrusted_proxy_headers=False,
                channel_timeout=120,
                recv_bytes=1 << 20,  # uploads: fewer, larger reads from the socket
            )
        except OSError as exc:
            for dispatcher in list(socket_map.values()):  # the wake-up pipe and the unbound socket
                with contextlib.suppress(Exception):
                    dispatcher.close()
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                raise PortInUseError(exc.errno, port_in_use_message(self.host, self.requested_port, self.name)) from None
            raise
        server.channel_class = _Channel
        server.mockservers_error_renderer = self.error_renderer
        server.mockservers_clock = self.clock
        self._server = server
        self._port = int(server.effective_port)
        self._thread = threading.Thread(target=self._run, args=(server,), name=f"mockservers-{self._port}", daemon=True)
        self._thread.start()
        return self

    @staticmethod
    def _run(server: Any) -> None:
        # The loop returns once every socket of its map is closed (see stop()).
        with contextlib.suppress(Exception):
            # poll, not select: select cannot watch a descriptor numbered 1024 or more, and a test
            # process holding many files would get an emulator that never answers.
            server.asyncore.loop(timeout=30, map=server._map, use_poll=True)

    @property
    def port(self) -> int:
        """The bound port."""
        if self._server is None:
            raise RuntimeError("server is not running")
        return self._port

    def stop(self) -> None:
        """Stop accepting, close every connection, and return without waiting on running requests."""
        server, thread = self._server, self._thread
        if server is None:
            return
        socket_map = server._map

        def close_all() -> None:
            # Runs on the loop's own thread (through the trigger), so no channel is closed under it.
            for dispatcher in list(socket_map.values()):
                if dispatcher is not server.trigger:
                    with contextlib.suppress(Exception):
                        dispatcher.close()
            with contextlib.suppress(Exception):
                server.trigger.close()

        with contextlib.suppress(Exception):
            server.trigger.pull_trigger(close_all)
        if thread is not None:
            thread.join(timeout=5)
        if thread is None or thread.is_alive():
            close_all()
        # Workers busy in a request finish on their own (daemon threads); idle ones exit now.
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=0.05)
        self._server = None
        self._thread = None


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
        # The pipe first: a failed bind runs server_close(), which closes it.
        self._wake_r, self._wake_w = os.pipe()
        super().__init__(*args, **kwargs)
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


class WerkzeugServerThread(_Served):
    """werkzeug's threaded server, for moto's S3 app: botocore's ``Expect: 100-continue`` on an empty PUT hangs on waitress."""

    def __init__(
        self, app: Callable[..., Any], host: str = "127.0.0.1", port: int = 0, clock: Any = None,
        handler: type[QuietHandler] | None = None,
    ) -> None:
        self.app = app
        self.clock = clock
        # The request handler class; the S3 endpoint's renders the server's own errors (431, 414) in S3's XML.
        self.handler = handler or QuietHandler
        self.host = host
        self.requested_port = port
        self._server: _FastStopServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> WerkzeugServerThread:
        """Bind and start serving; returns self."""
        if self._server is not None:
            return self
        try:
            self._server = _FastStopServer(self.host, self.requested_port, self.app, handler=self.handler)
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                raise PortInUseError(exc.errno, port_in_use_message(self.host, self.requested_port, "s3")) from None
            raise
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
