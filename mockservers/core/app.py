"""Base Flask app factory: admin routes, error rendering, streamed uploads, middleware."""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Callable
from typing import Any

from flask import Flask, Request, Response, jsonify, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.formparser import FormDataParser, MultiPartParser
from werkzeug.routing import MapAdapter
from werkzeug.sansio.utils import get_current_url
from werkzeug.utils import cached_property

from mockservers.core.admin import admin_blueprint
from mockservers.core.dashboard import register as register_dashboard
from mockservers.core.errors import ApiError, ErrorRenderer
from mockservers.core.fidelity import warn_undeclared_query
from mockservers.core.middleware import EmulatorMiddleware
from mockservers.core.protocols import EmulatorLike
from mockservers.core.safejson import LimitedJSONProvider

log = logging.getLogger(__name__)

# Multipart bodies are parsed this many bytes at a time (werkzeug reads 64 KiB): a 1 GiB upload
# takes four thousand trips through the parser instead of sixteen thousand. At most half the
# form memory limit (Flask's MAX_FORM_MEMORY_SIZE, 500 kB by default): werkzeug refuses a read
# that would make its buffer larger than that limit.
MULTIPART_READ_BYTES = 256 * 1024


class _FormDataParser(FormDataParser):
    """werkzeug's form parser, reading multipart bodies in larger pieces."""

    def _parse_multipart(self, stream: Any, mimetype: str, content_length: int | None, options: dict[str, str]) -> Any:
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        parser = MultiPartParser(
            stream_factory=self.stream_factory,
            max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts,
            cls=self.cls,
            buffer_size=_read_size(self.max_form_memory_size),
        )
        form, files = parser.parse(stream, boundary, content_length)
        return stream, form, files


def _read_size(memory_limit: int | None) -> int:
    if memory_limit is None:
        return MULTIPART_READ_BYTES
    return max(64 * 1024, min(MULTIPART_READ_BYTES, memory_limit // 2))  # never below werkzeug's own

class _Params(ImmutableMultiDict):  # type: ignore[type-arg]
    """Query and form parameters whose ``get`` of an absent name costs no exception (werkzeug raises and catches one)."""

    def get(self, key: Any, default: Any = None, type: Any = None) -> Any:  # noqa: A002 - werkzeug's signature
        if not dict.__contains__(self, key):
            return default
        return super().get(key, default, type)


# A Host werkzeug's host_url would hand back unchanged: lowercase ASCII labels (no punycode) or an
# IPv6 literal, and a port without a leading zero. Anything else takes werkzeug's own path.
_PLAIN_HOST = re.compile(r"(?:(?!xn--)[a-z0-9_-]+(?:\.(?!xn--)[a-z0-9_-]+)*|\[[0-9a-f:.]+\])(?::[1-9][0-9]{0,3}|:[1-5][0-9]{4}|:6[0-4][0-9]{3}|:65[0-4][0-9]{2}|:655[0-2][0-9]|:6553[0-5])?")


class StreamingRequest(Request):
    """The emulators' request: multipart file parts are written straight into the blob store while parsed.

    Also cheaper on every request than werkzeug's own: absent query arguments cost
    no exception, and ``host_url`` skips the URI-to-IRI round trip for a plain host.
    """

    parameter_storage_class = _Params

    @cached_property
    def args(self) -> ImmutableMultiDict:  # type: ignore[type-arg]
        """The query arguments (no parsing at all for an empty query string)."""
        if not self.environ.get("QUERY_STRING"):
            return _Params()
        return super().args

    @cached_property
    def host_url(self) -> str:
        """``scheme://host/``, as werkzeug computes it."""
        host = self.host
        scheme = self.scheme
        if scheme in ("http", "https") and _PLAIN_HOST.fullmatch(host):
            return f"{scheme}://{host}/"
        return get_current_url(scheme, host)

    form_data_parser_class = _FormDataParser

    def _get_file_stream(
        self, total_content_length: int | None, content_type: str | None, filename: str | None = None, content_length: int | None = None
    ) -> Any:
        emulator: EmulatorLike = self.environ["mockservers.emulator"]
        writer = emulator.blobs.writer()
        self.environ.setdefault("mockservers.writers", []).append(writer)
        return writer


class BufferedResponse(Response):
    """Flask's response, answering a buffered body as a plain list.

    werkzeug wraps every body in generators (``iter_encoded`` inside a
    ``ClosingIterator``) that the server then steps through; a body already in
    memory with nothing to run on close gains nothing from them, and the
    journal middleware records a list at once instead of chunk by chunk.
    """

    def get_app_iter(self, environ: dict[str, Any]) -> Any:
        """The body as a list when it is one and closing it does nothing; otherwise werkzeug's iterator."""
        body = self.response
        if type(body) is not list or self._on_close or self.direct_passthrough:
            return super().get_app_iter(environ)
        status = self.status_code
        if environ["REQUEST_METHOD"] == "HEAD" or 100 <= status < 200 or status in (204, 304):
            return []
        return [chunk.encode() if isinstance(chunk, str) else chunk for chunk in body]


def _wsgi_text(value: Any) -> Any:
    """A WSGI (latin-1) string as text, as werkzeug's routing decodes it (None stays None)."""
    if value is None or value.isascii():
        return value
    return value.encode("latin1").decode(errors="replace")


class EmulatorFlask(Flask):
    """Flask with a cheaper URL adapter for the plain case every emulator is in.

    Flask binds the URL map per request through werkzeug's ``bind_to_environ``,
    which works out the host twice and runs it through the IDNA codec (together
    the largest part of Flask's own cost per request). With no SERVER_NAME, no
    TRUSTED_HOSTS, no host or subdomain matching, no WebSocket upgrade and a
    plain ASCII host (which IDNA leaves as it is), the adapter is built directly
    from the same values; anything else takes Flask's way.
    """

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """The request's URL adapter (see the class docstring for when the short way applies)."""
        if request is None or not _PLAIN_ADAPTER:
            return super().create_url_adapter(request)
        environ = request.environ
        config = self.config
        url_map = self.url_map
        if (
            config["SERVER_NAME"] is not None
            or config["TRUSTED_HOSTS"] is not None
            or url_map.host_matching
            or self.subdomain_matching
            or "HTTP_UPGRADE" in environ
        ):
            return super().create_url_adapter(request)
        host = request.host.lower()
        if not _PLAIN_HOST.fullmatch(host) or any(len(label) > 63 for label in host.split(".")):
            return super().create_url_adapter(request)
        return MapAdapter(
            url_map,
            host,
            _wsgi_text(environ.get("SCRIPT_NAME", "/")),
            url_map.default_subdomain or "",
            environ["wsgi.url_scheme"],
            _wsgi_text(environ.get("PATH_INFO", "/")),
            environ["REQUEST_METHOD"],
            _wsgi_text(environ.get("QUERY_STRING")),
        )


# The short way builds MapAdapter itself: only with the constructor it was written for.
_PLAIN_ADAPTER = list(inspect.signature(MapAdapter).parameters) == [
    "map", "server_name", "script_name", "subdomain", "url_scheme", "path_info", "default_method", "query_args",
]


def build_app(emulator: EmulatorLike, register_routes: Callable[[Flask], None], render_error: ErrorRenderer) -> Flask:
    """A Flask app with the provider's routes, the admin API and shared error handling."""
    app = EmulatorFlask(f"mockservers.{emulator.provider.name}")
    app.request_class = StreamingRequest
    app.response_class = BufferedResponse
    app.extensions["mockservers"] = emulator
    app.json = LimitedJSONProvider(app)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.compact = True  # type: ignore[attr-defined]
    app.url_map.strict_slashes = False
    app.register_blueprint(admin_blueprint)
    register_dashboard(app)  # /__admin/ui, /__admin/jobs, /__admin/snapshot (mockservers.core.dashboard)
    register_routes(app)

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        if _is_admin():
            return _admin_error(error.status, error.message)
        return render_error(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        message = _http_message(error)
        headers = {k: v for k, v in error.get_headers() if k.lower() in ("content-range", "allow", "retry-after")}
        if _is_admin():
            response = _admin_error(status, message)
            response.headers.extend(headers)  # a 405 names the allowed methods (RFC 9110 Allow)
            return response
        return render_error(ApiError(status, message, headers=headers))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("emulator bug while handling a request")
        api_error = ApiError(500, f"internal emulator error: {type(error).__name__}: {error}")
        if _is_admin():
            return _admin_error(500, api_error.message)
        return render_error(api_error)

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        environ["mockservers.emulator"] = emulator
        if environ.get("QUERY_STRING") and not environ.get("PATH_INFO", "").startswith("/__admin"):
            _undocumented_query(emulator, environ)
        return flask_wsgi(environ, start_response)

    flask_wsgi = app.wsgi_app
    app.wsgi_app = EmulatorMiddleware(wsgi, emulator)  # type: ignore[method-assign]
    return app


def _undocumented_query(emulator: EmulatorLike, environ: dict[str, Any]) -> None:
    # The fidelity policy for every provider: an undocumented query parameter is accepted (ignored)
    # as the real services most plausibly do, with a warning on the journal entry. Checked here, before
    # Flask, so that a request without a query string pays nothing for it; names and path are read
    # as the view will read them (werkzeug's request).
    try:
        probe = StreamingRequest(environ, populate_request=False, shallow=True)
        if probe.args:
            warn_undeclared_query(emulator.provider.name, probe.method, probe.path, list(probe.args), environ)
    except Exception:  # an advisory check: the request goes on (the view reports what it finds)
        log.exception("emulator bug while checking a request's query parameters")


def _is_admin() -> bool:
    return request.path.startswith("/__admin")


def _admin_error(status: int, message: str) -> Response:
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    return response


def _http_message(error: HTTPException) -> str:
    if error.code == 404:
        return f"no such endpoint: {request.method} {request.path}"
    if error.code == 405:
        allowed = ", ".join(sorted(m for m in (error.valid_methods or []) if m not in ("HEAD", "OPTIONS")))  # type: ignore[attr-defined]
        return f"method {request.method} is not allowed on {request.path}; allowed: {allowed}"
    if error.code == 416:
        return f"requested range not satisfiable: {request.headers.get('Range', '')}"
    return error.description or error.name
