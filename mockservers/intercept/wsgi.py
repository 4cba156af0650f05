"""Calling an emulator's WSGI app in-process: the environ a real server would build, streamed bodies."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from email.utils import formatdate
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes

from mockservers.core.emulator import Emulator

if TYPE_CHECKING:
    from mockservers.intercept.core import ParsedURL

CHUNK = 64 * 1024
DEFAULT_PORTS = {"http": 80, "https": 443}


class Dropped(Exception):
    """The emulator dropped the connection (a ``drop`` fault): each client library maps it to its own error."""


class ChunkInput:
    """A ``wsgi.input`` reading lazily from an iterator of chunks (a generator body, a file read piecewise).

    Only what the app reads is pulled from the client's body, so a large
    upload flows through without being held in memory.
    """

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()
        self._eof = False

    def _fill(self, wanted: int) -> None:
        while not self._eof and (wanted < 0 or len(self._buffer) < wanted):
            chunk = next(self._chunks, None)
            if chunk is None:
                self._eof = True
            elif chunk:
                self._buffer += chunk.encode() if isinstance(chunk, str) else chunk

    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` bytes (all that is left when negative or None)."""
        size = -1 if size is None else size
        if not self._buffer and size != 0:
            # Hand the client's own chunk over without copying it into the buffer.
            while not self._eof:
                chunk = next(self._chunks, None)
                if chunk is None:
                    self._eof = True
                elif chunk:
                    chunk = chunk.encode() if isinstance(chunk, str) else bytes(chunk)
                    if size < 0:
                        self._buffer += chunk
                        break
                    if len(chunk) <= size:
                        return chunk
                    self._buffer += chunk
                    break
        self._fill(size)
        if size < 0 or size >= len(self._buffer):
            data = bytes(self._buffer)
            self._buffer.clear()
            return data
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def readline(self, size: int | None = -1) -> bytes:
        """One line, at most ``size`` bytes."""
        size = -1 if size is None else size
        while not self._eof and b"\n" not in self._buffer and (size < 0 or len(self._buffer) < size):
            self._fill(len(self._buffer) + 1)
        end = self._buffer.find(b"\n") + 1 or len(self._buffer)
        if size >= 0:
            end = min(end, size)
        data = bytes(self._buffer[:end])
        del self._buffer[:end]
        return data

    def readlines(self, hint: int = -1) -> list[bytes]:
        """The remaining lines."""
        return list(iter(self.readline, b""))

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")


def file_chunks(handle: Any) -> Iterator[bytes]:
    """Read a file-like object piecewise (text-mode files are encoded as UTF-8)."""
    while True:
        chunk = handle.read(CHUNK)
        if not chunk:
            return
        yield chunk.encode() if isinstance(chunk, str) else chunk


def body_input(body: Any) -> Any:
    """A ``wsgi.input`` for a client's request body: None, bytes, str, a file-like object or an iterable."""
    if body is None:
        return io.BytesIO(b"")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(body))
    if isinstance(body, str):
        return io.BytesIO(body.encode())
    if hasattr(body, "read"):
        return ChunkInput(file_chunks(body))
    return ChunkInput(iter(body))


def build_environ(
    method: str,
    url: ParsedURL,
    prefix: str,
    headers: Iterable[tuple[str, str]],
    wsgi_input: Any,
) -> dict[str, Any]:
    """The environ werkzeug's server builds for this request, with the host's path prefix put in front."""
    scheme = url.scheme or "http"
    host = url.host
    port = url.port or DEFAULT_PORTS.get(scheme, 80)
    # The Host header a client sends: the port only when it is not the scheme's default.
    host_header = f"[{host}]" if ":" in host else host
    if url.port and url.port != DEFAULT_PORTS.get(scheme):
        host_header += f":{url.port}"
    path = url.path or "/"
    raw_uri = prefix + path + (f"?{url.query}" if url.query else "")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method.upper(),
        "SCRIPT_NAME": "",
        # As werkzeug's server does: percent-decoded bytes as latin-1 (PEP 3333).
        "PATH_INFO": unquote_to_bytes(prefix + path).decode("latin-1"),
        "QUERY_STRING": url.query,
        "REQUEST_URI": raw_uri,
        "RAW_URI": raw_uri,
        "SERVER_NAME": host,
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "0",
        "HTTP_HOST": host_header,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scheme,
        "wsgi.input": wsgi_input,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "mockservers.intercepted": True,
    }
    chunked = False
    for name, value in headers:
        key = name.upper().replace("-", "_")
        if key == "HOST":
            environ["HTTP_HOST"] = value
            continue
        if key == "TRANSFER_ENCODING" and "chunked" in value.lower():
            chunked = True
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        if key in environ and key != "HTTP_HOST":
            environ[key] += ("; " if key == "HTTP_COOKIE" else ", ") + value
        else:
            environ[key] = value
    if chunked:
        environ.pop("CONTENT_LENGTH", None)
    if "CONTENT_LENGTH" not in environ:
        # Like werkzeug's server for chunked bodies: the stream ends by itself, there is no length to trust.
        environ["wsgi.input_terminated"] = True
    return environ


@dataclass
class WSGIResult:
    """What the app answered: status, headers and the body still to be iterated."""

    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: Iterable[bytes]

    def close(self) -> None:
        """Close the app's iterable (this is what records the exchange when the body was not read)."""
        close = getattr(self.body, "close", None)
        if close is not None:
            close()


def call_app(emulator: Emulator, environ: dict[str, Any]) -> WSGIResult:
    """Run the emulator's WSGI app; a dropped connection raises :class:`Dropped`."""
    captured: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        captured[:] = [status, headers]
        return _no_write

    try:
        body = emulator.app(environ, start_response)
    except ConnectionAbortedError as exc:
        raise Dropped(str(exc)) from exc
    if not captured:
        # A WSGI app may call start_response on its first chunk only.
        body = _prime(body)
    status, headers = captured
    code, _, reason = status.partition(" ")
    if not any(name.lower() == "date" for name, _ in headers):
        # the server adds Date, from the virtual clock (core/server.py).
        headers = [*headers, ("Date", formatdate(emulator.clock.time(), usegmt=True))]
    return WSGIResult(int(code), reason, headers, body)


def _prime(body: Iterable[bytes]) -> Iterable[bytes]:
    iterator = iter(body)
    first = next(iterator, b"")

    def chained() -> Iterator[bytes]:
        yield first
        yield from iterator

    return _ClosingIterable(chained(), body)


class _ClosingIterable:
    def __init__(self, iterator: Iterator[bytes], original: Iterable[bytes]) -> None:
        self._iterator = iterator
        self._original = original

    def __iter__(self) -> Iterator[bytes]:
        return self._iterator

    def close(self) -> None:
        close = getattr(self._original, "close", None)
        if close is not None:
            close()


def _no_write(data: bytes) -> None:
    raise NotImplementedError("the emulators never use the WSGI write() callable")


class BodyReader(io.RawIOBase):
    """The app's response iterable as a readable raw stream; closing it closes the iterable."""

    def __init__(self, result: WSGIResult) -> None:
        super().__init__()
        self._result = result
        self._chunks = iter(result.body)
        self._pending = b""

    def readable(self) -> bool:
        """Always readable."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Fill ``buffer`` from the next chunks."""
        while not self._pending:
            if self.closed:
                return 0
            chunk = next(self._chunks, None)
            if chunk is None:
                self.close()
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def read(self, size: int = -1) -> bytes:
        """Whole chunks where possible (fewer copies than readinto)."""
        if size is None or size < 0:
            data = self._pending + b"".join(self._chunks) if not self.closed else b""
            self._pending = b""
            self.close()
            return data
        if not self._pending and not self.closed:
            chunk = next(self._chunks, None)
            if chunk is None:
                self.close()
                return b""
            if len(chunk) <= size:
                return chunk
            self._pending = chunk
        data, self._pending = self._pending[:size], self._pending[size:]
        return data

    def close(self) -> None:
        """Close the app's iterable once."""
        if not self.closed:
            super().close()
            self._result.close()
