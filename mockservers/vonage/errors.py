"""Vonage's RFC 7807 error body: ``{"type", "title", "detail", "instance"}``."""

from __future__ import annotations

import hashlib
import json

from flask import Response, has_request_context, request

from mockservers.core.errors import ApiError

ERROR_BASE = "https://developer.nexmo.com/api-errors"

# Error codes (the URL fragment of ``type``) and titles. unauthorized, forbidden, not-found,
# wrong-verb, invalid-json, invalid-params and jwt-expired are Vonage's documented generic errors
# (developer.vonage.com/api-errors, api-standards/http-codes); the rest are inferred in the same style.
DEFAULT_CODES = {
    400: "invalid-params",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "wrong-verb",
    409: "conflict",
    413: "payload-too-large",
    414: "uri-too-long",
    415: "unsupported-media-type",
    416: "range-not-satisfiable",
    429: "throttled",
    431: "headers-too-large",
    500: "internal-error",
}
TITLES = {
    "invalid-params": "Bad Request",
    "invalid-json": "Malformed JSON",
    "unauthorized": "Invalid credentials supplied",
    "jwt-expired": "The JWT provided has expired",
    "forbidden": "Forbidden",
    "download-limit": "Forbidden",
    "not-found": "Not found",
    "wrong-verb": "Request method not allowed",
    "payload-too-large": "Payload Too Large",
    "uri-too-long": "URI Too Long",
    "headers-too-large": "Request Header Fields Too Large",
    "unsupported-media-type": "Unsupported Media Type",
    "range-not-satisfiable": "Range Not Satisfiable",
    "throttled": "Too Many Requests",
    "internal-error": "Internal Server Error",
}

# ``instance`` is a trace id in Vonage's answers (32 hex digits). It is the hash of the emulator's seed
# and the exchange's journal number: unique per request, free of wall-clock or unseeded randomness,
# and equal after a reset to a fresh emulator's (the journal restarts; no module-global counter).


def _trace_id(error: ApiError) -> str:
    if has_request_context():
        exchange = request.environ.get("mockservers.exchange")
        emulator = request.environ.get("mockservers.emulator")
        if exchange is not None and emulator is not None:
            return hashlib.md5(f"trace:{emulator.state.seed}:{exchange.seq}".encode(), usedforsecurity=False).hexdigest()
    return hashlib.md5(f"trace:{error.status}:{error.message}".encode(), usedforsecurity=False).hexdigest()


def vonage_error(status: int, code: str, detail: str, field: str | None = None) -> ApiError:
    """An ApiError carrying a Vonage error code (the ``type`` URL fragment)."""
    return ApiError(status, detail, code, field)


def render_error(error: ApiError) -> Response:
    """Serialize an ApiError in Vonage's RFC 7807 shape (``application/problem+json``, as Vonage's error docs show)."""
    code = error.code or DEFAULT_CODES.get(error.status, "internal-error")
    body = {
        "type": f"{ERROR_BASE}#{code}",
        "title": TITLES.get(code, "Error"),
        "detail": error.message,
        "instance": _trace_id(error),
    }
    response = Response(json.dumps(body), status=error.status, mimetype="application/problem+json")
    for name, value in error.headers.items():
        response.headers[name] = value
    return response
