"""``requests`` support: an HTTPAdapter.send that answers intercepted hosts from the emulator's WSGI app."""

from __future__ import annotations

from http.client import HTTPMessage, RemoteDisconnected
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from requests.sessions import merge_setting
from urllib3 import HTTPResponse
from urllib3.exceptions import ProtocolError

from mockservers.intercept.core import Target, is_routed, route
from mockservers.intercept.wsgi import BodyReader, Dropped, WSGIResult, body_input, build_environ, call_app


def patch() -> list[tuple[type, str, Any]]:
    """Replace HTTPAdapter.send; returns what to restore."""
    original = HTTPAdapter.send

    def send(
        self: HTTPAdapter,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        target = route(request.url or "")
        if target is None:
            return original(self, request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)
        return _send(self, request, target, stream)

    original_merge = requests.Session.merge_environment_settings

    def merge_environment_settings(
        self: requests.Session, url: str, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> dict[str, Any]:
        if not is_routed(url):
            return original_merge(self, url, proxies, stream, verify, cert)
        # No network is used, so the environment's proxies and CA bundles do not apply; skipping
        # their lookup (a scan of os.environ per request) is most of requests' own cost per call.
        return {
            "proxies": merge_setting(proxies, self.proxies),
            "stream": merge_setting(stream, self.stream),
            "verify": merge_setting(verify, self.verify),
            "cert": merge_setting(cert, self.cert),
        }

    send.__wrapped__ = original  # type: ignore[attr-defined]
    merge_environment_settings.__wrapped__ = original_merge  # type: ignore[attr-defined]
    HTTPAdapter.send = send  # type: ignore[method-assign]
    requests.Session.merge_environment_settings = merge_environment_settings  # type: ignore[method-assign]
    return [(HTTPAdapter, "send", original), (requests.Session, "merge_environment_settings", original_merge)]


class _OriginalResponse:
    """What urllib3 and requests' cookie handling read from http.client's response: headers, method, closed."""

    def __init__(self, headers: list[tuple[str, str]], method: str, reader: BodyReader) -> None:
        self.msg = HTTPMessage()
        for name, value in headers:
            self.msg[name] = value
        self._method = method
        self._reader = reader

    def isclosed(self) -> bool:
        """True once the body is consumed or closed."""
        return self._reader.closed

    def close(self) -> None:
        """Close the body."""
        self._reader.close()


def _send(adapter: HTTPAdapter, request: requests.PreparedRequest, target: Target, stream: bool) -> requests.Response:
    method = request.method or "GET"
    headers = [(name, value.decode("latin-1") if isinstance(value, bytes) else value) for name, value in request.headers.items()]
    environ = build_environ(method, target.url, target.prefix, headers, body_input(request.body))
    try:
        result = call_app(target.emulator, environ)
    except Dropped as exc:
        # What requests raises when a server closes the connection without answering.
        error = ProtocolError("Connection aborted.", RemoteDisconnected("Remote end closed connection without response"))
        raise requests.ConnectionError(error, request=request) from exc
    if not stream:
        # requests reads the whole body at once anyway: take it in one go (the exchange is journaled now).
        try:
            data = b"".join(result.body)
        finally:
            result.close()
        result = WSGIResult(result.status, result.reason, result.headers, [data])
    reader = BodyReader(result)
    # requests reads Set-Cookie from http.client's message; build one only when there is a cookie to keep.
    has_cookie = any(name.lower() == "set-cookie" for name, _ in result.headers)
    raw = HTTPResponse(
        body=reader,
        headers=result.headers,
        status=result.status,
        reason=result.reason,
        preload_content=False,
        decode_content=False,
        original_response=_OriginalResponse(result.headers, method, reader) if has_cookie else None,
        request_method=method,
        request_url=request.url,
        enforce_content_length=True,
    )
    return adapter.build_response(request, raw)
