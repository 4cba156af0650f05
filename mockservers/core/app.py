"""Base Flask app factory: admin routes, error rendering, streamed uploads, middleware."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Request, Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.formparser import FormDataParser, MultiPartParser

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


class StreamingRequest(Request):
    """Multipart file parts are written straight into the blob store while parsed."""

    form_data_parser_class = _FormDataParser

    def _get_file_stream(
        self, total_content_length: int | None, content_type: str | None, filename: str | None = None, content_length: int | None = None
    ) -> Any:
        emulator: EmulatorLike = self.environ["mockservers.emulator"]
        writer = emulator.blobs.writer()
        self.environ.setdefault("mockservers.writers", []).append(writer)
        return writer


def build_app(emulator: EmulatorLike, register_routes: Callable[[Flask], None], render_error: ErrorRenderer) -> Flask:
    """A Flask app with the provider's routes, the admin API and shared error handling."""
    app = Flask(f"mockservers.{emulator.provider.name}")
    app.request_class = StreamingRequest
    app.extensions["mockservers"] = emulator
    app.json = LimitedJSONProvider(app)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.compact = True  # type: ignore[attr-defined]
    app.url_map.strict_slashes = False
    app.register_blueprint(admin_blueprint)
    register_dashboard(app)  # /__admin/ui, /__admin/jobs, /__admin/snapshot (mockservers.core.dashboard)
    register_routes(app)

    @app.before_request
    def _undocumented_query() -> None:
        # The fidelity policy for every provider: an undocumented query parameter is accepted (ignored)
        # as the real services most plausibly do, with a warning on the journal entry.
        if request.args and not _is_admin():
            warn_undeclared_query(emulator.provider.name, request.method, request.path, list(request.args))

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
        return flask_wsgi(environ, start_response)

    flask_wsgi = app.wsgi_app
    app.wsgi_app = EmulatorMiddleware(wsgi, emulator)  # type: ignore[method-assign]
    return app


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
