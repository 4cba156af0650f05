"""Mediabank's error body: ``{"code": <HTTP status>, "error": "<name>", "description": "..."}``.

Seed: "Any other return code [than 200] should be considered an error. The code
itself and the description in the returned JSON will give more information."
The field names and the error names are inferred.
"""

from __future__ import annotations

from flask import Response, jsonify

from mockservers.core.errors import ApiError

# Error names used when a raise site gives none (inferred, after the HTTP status).
DEFAULT_ERRORS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    500: "internal_error",
}


def mediabank_error(status: int, name: str, description: str, field: str | None = None) -> ApiError:
    """An ApiError carrying a Mediabank error name."""
    return ApiError(status, description, name, field)


def render_error(error: ApiError) -> Response:
    """Serialize an ApiError in Mediabank's shape."""
    name = error.code or DEFAULT_ERRORS.get(error.status, "error")
    description = error.message if error.field is None or error.field in error.message else f"{error.field}: {error.message}"
    response = jsonify({"code": error.status, "error": name, "description": description})
    response.status_code = error.status
    for header, value in error.headers.items():
        response.headers[header] = value
    return response
