"""``httpx`` support: Client and AsyncClient transports answer intercepted hosts from the emulator's WSGI app.

Like httpx's own WSGITransport, but the request body is streamed into the
app (not read whole first) and a dropped connection surfaces as
``httpx.RemoteProtocolError``, as over a socket. AsyncClient runs the app in a
worker thread (anyio, so asyncio and trio both work), pulling request chunks
from the event loop as the app reads them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import anyio.from_thread
import anyio.to_thread
import httpx

from mockservers.intercept.core import Target, route
from mockservers.intercept.wsgi import ChunkInput, Dropped, WSGIResult, body_input, build_environ, call_app


def patch() -> list[tuple[type, str, Any]]:
    """Replace the default sync and async transports' entry points; returns what to restore."""
    sync_original = httpx.HTTPTransport.handle_request
    async_original = httpx.AsyncHTTPTransport.handle_async_request

    def handle_request(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        target = route(str(request.url))
        if target is None:
            return sync_original(self, request)
        return _handle(request, target)

    async def handle_async_request(self: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
        target = route(str(request.url))
        if target is None:
            return await async_original(self, request)
        return await _handle_async(request, target)

    handle_request.__wrapped__ = sync_original  # type: ignore[attr-defined]
    handle_async_request.__wrapped__ = async_original  # type: ignore[attr-defined]
    httpx.HTTPTransport.handle_request = handle_request  # type: ignore[method-assign]
    httpx.AsyncHTTPTransport.handle_async_request = handle_async_request  # type: ignore[method-assign]
    return [
        (httpx.HTTPTransport, "handle_request", sync_original),
        (httpx.AsyncHTTPTransport, "handle_async_request", async_original),
    ]


def _headers(request: httpx.Request) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw]


def _dropped(request: httpx.Request, exc: Dropped) -> httpx.RemoteProtocolError:
    # What httpx raises when a server closes the connection without answering.
    error = httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
    error.__cause__ = exc
    return error


def _response(request: httpx.Request, result: WSGIResult, stream: Any) -> httpx.Response:
    return httpx.Response(
        result.status,
        headers=result.headers,
        stream=stream,
        request=request,
        extensions={"http_version": b"HTTP/1.1", "reason_phrase": result.reason.encode("latin-1")},
    )


class _SyncBody(httpx.SyncByteStream):
    def __init__(self, result: WSGIResult) -> None:
        self._result = result

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._result.body:
            if chunk:
                yield chunk

    def close(self) -> None:
        self._result.close()


def _handle(request: httpx.Request, target: Target) -> httpx.Response:
    stream = request.stream
    body = request.content if isinstance(stream, httpx.ByteStream) else stream
    environ = build_environ(request.method, target.url, target.prefix, _headers(request), body_input(body))
    try:
        result = call_app(target.emulator, environ)
    except Dropped as exc:
        raise _dropped(request, exc) from None
    return _response(request, result, _SyncBody(result))


class _AsyncBody(httpx.AsyncByteStream):
    """The app's response iterated in a worker thread, one chunk per hop."""

    def __init__(self, result: WSGIResult) -> None:
        self._result = result
        self._chunks = iter(result.body)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            chunk = await anyio.to_thread.run_sync(next, self._chunks, None)
            if chunk is None:
                return
            if chunk:
                yield chunk

    async def aclose(self) -> None:
        await anyio.to_thread.run_sync(self._result.close)


def _pull_from_loop(stream: Any) -> Iterator[bytes]:
    """In a worker thread: the async request body's chunks, each fetched on the event loop."""
    iterator = stream.__aiter__()

    async def next_chunk() -> bytes | None:
        try:
            return await iterator.__anext__()
        except StopAsyncIteration:
            return None

    while True:
        chunk = anyio.from_thread.run(next_chunk)
        if chunk is None:
            return
        yield chunk


async def _handle_async(request: httpx.Request, target: Target) -> httpx.Response:
    stream = request.stream
    headers = _headers(request)

    def call() -> WSGIResult:
        if isinstance(stream, httpx.ByteStream):
            wsgi_input = body_input(request.content)
        else:
            wsgi_input = ChunkInput(_pull_from_loop(stream))
        environ = build_environ(request.method, target.url, target.prefix, headers, wsgi_input)
        return call_app(target.emulator, environ)

    try:
        result = await anyio.to_thread.run_sync(call)
    except Dropped as exc:
        raise _dropped(request, exc) from None
    return _response(request, result, _AsyncBody(result))
