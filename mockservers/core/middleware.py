"""WSGI middleware around every emulator: journal, faults and due scheduled events."""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Callable, Iterable, Iterator
from time import perf_counter
from typing import Any

from mockservers.core.faults import sleep_real
from mockservers.core.fidelity import warn
from mockservers.core.http import single_byte_range
from mockservers.core.journal import KEEP_BODY_BYTES, TeeInput
from mockservers.core.protocols import EmulatorLike

ADMIN_PREFIX = "/__admin"
_BODY_HEADERS = ("CONTENT_TYPE", "CONTENT_LENGTH")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class EmulatorMiddleware:
    """Records each exchange in the journal and applies matching fault rules."""

    def __init__(self, app: WSGIApp, emulator: EmulatorLike) -> None:
        self.app = app
        self.emulator = emulator

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        emulator = self.emulator
        started = perf_counter()
        path = environ.get("PATH_INFO", "") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        admin = path.startswith(ADMIN_PREFIX)
        # Raw environ pairs; the journal turns them into header names on first read.
        headers = [(k, v) for k, v in environ.items() if k[:1] in "HC" and (k[:5] == "HTTP_" or k in _BODY_HEADERS)]
        exchange = emulator.journal.begin(method, path, environ.get("QUERY_STRING", ""), headers, admin)
        environ["mockservers.exchange"] = exchange
        tee = TeeInput(environ["wsgi.input"])
        environ["wsgi.input"] = tee
        emulator.scheduler.run_due()
        if "HTTP_RANGE" in environ:
            _ignore_unusable_range(environ)

        def finish(status: int, response_headers: list[tuple[str, str]], head: bytes, total: int) -> None:
            # Upload parts the view did not commit (errors, extra fields) are removed.
            # (Flask has closed them by now; closing is not committing.)
            writers = environ.get("mockservers.writers")
            if writers:
                for writer in writers:
                    if not writer.committed:
                        writer.discard()
            exchange.status = status
            exchange.response_headers = response_headers
            response_type = ""
            for name, value in response_headers:
                if name.lower() == "content-type":
                    response_type = value
                    break
            exchange.set_raw_bodies(
                (environ.get("CONTENT_TYPE", ""), bytes(tee.head), tee.total),
                (response_type, head, total),
            )
            exchange.duration_ms = round((perf_counter() - started) * 1000.0, 3)
            emulator.journal.finish(exchange)

        if not admin:
            action = emulator.faults.match(method, path)
            if action is not None:
                exchange.fault = action.rule.id
                if action.kind == "latency":
                    sleep_real(action.latency_ms)
                elif action.kind == "drop":
                    exchange.dropped = True
                    _drain(tee, environ)
                    finish(0, [], b"", 0)
                    _drop_connection(environ)
                else:
                    body, content_type = _fault_body(action.body)
                    response_headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
                    response_headers += list(action.headers)
                    _drain(tee, environ)
                    start_response(f"{action.status} FAULT", response_headers)
                    finish(action.status, response_headers, body, len(body))
                    return [body]

        captured: dict[str, Any] = {}

        def recording_start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"] = int(status.partition(" ")[0])
            # The server writes Date from the virtual clock; werkzeug's
            # conditional responses would add a second, wall-clock one.
            response_headers = [(k, v) for k, v in response_headers if k != "Date"]
            captured["headers"] = response_headers
            return start_response(status, response_headers, exc_info)

        result = self.app(environ, recording_start_response)
        if type(result) is list:  # a body already in memory (core.app.BufferedResponse): recorded at once
            data = result[0] if len(result) == 1 else b"".join(result)
            finish(captured.get("status", 0), captured.get("headers", []), data[: KEEP_BODY_BYTES + 1], len(data))
            return result
        return _RecordingBody(result, lambda head, total: finish(captured.get("status", 0), captured.get("headers", []), head, total))


class _RecordingBody:
    """Iterates the app's response, keeping the first bytes.

    The exchange is recorded just before the last chunk goes out, so a
    client that has its answer always finds the exchange in the journal.
    """

    def __init__(self, body: Iterable[bytes], done: Callable[[bytes, int], None]) -> None:
        self._body = body
        self._done = done
        self._head = bytearray()
        self._total = 0
        self._recorded = False

    def _keep(self, chunk: bytes) -> None:
        self._total += len(chunk)
        if len(self._head) <= KEEP_BODY_BYTES:
            self._head += chunk[: KEEP_BODY_BYTES + 1 - len(self._head)]

    def _record(self) -> None:
        if not self._recorded:
            self._recorded = True
            self._done(bytes(self._head), self._total)

    def __iter__(self) -> Iterator[bytes]:
        chunks = iter(self._body)
        current = next(chunks, None)
        while current is not None:
            following = next(chunks, None)
            self._keep(current)
            if following is None:
                self._record()
            yield current
            current = following
        self._record()

    def close(self) -> None:
        close = getattr(self._body, "close", None)
        if close is not None:
            close()
        self._record()


def _ignore_unusable_range(environ: dict[str, Any]) -> None:
    # RFC 9110 14.2: a server may ignore a Range it cannot or will not use. S3 (behind these providers'
    # downloads) answers a multi-range request with the whole object; werkzeug would answer 416.
    value = environ.get("HTTP_RANGE")
    if value is None or environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or single_byte_range(value):
        return
    del environ["HTTP_RANGE"]
    warn(
        "range-ignored",
        f"Range {value[:100]!r} is not one byte range; answered 200 with the whole body as RFC 9110 allows "
        "(the real service may answer 416 or a multipart/byteranges 206)",
        "inferred",
        environ,
    )


def _fault_body(body: Any) -> tuple[bytes, str]:
    if body is None:
        return b"", "text/plain"
    if isinstance(body, str):
        return body.encode(), "text/plain; charset=utf-8"
    return json.dumps(body).encode(), "application/json"


def _drain(stream: Any, environ: dict[str, Any]) -> None:
    """Read the request body so the connection stays in a sane state."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    while length > 0:
        chunk = stream.read(min(length, 65536))
        if not chunk:
            break
        length -= len(chunk)


def _drop_connection(environ: dict[str, Any]) -> None:
    """Shut the client's socket without an answer (werkzeug exposes it in the environ).

    Raising ConnectionAbortedError then lets werkzeug's handler treat the
    request as a dropped connection, quietly, instead of answering 500.
    """
    drop = environ.get("mockservers.drop_connection")  # core/server.py (waitress)
    if drop is not None:
        drop()
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    raise ConnectionAbortedError("fault injected: connection dropped")
