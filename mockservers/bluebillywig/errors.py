"""Blue Billywig's error body: ``{"error": "<message>", "code": <status>}``.

The official Python SDK reads ``error`` from error bodies (FACTS.md); the
``code`` member repeating the status is an inference.
"""

from __future__ import annotations

from flask import Response, jsonify

from mockservers.core.errors import ApiError


def render_error(error: ApiError) -> Response:
    """Serialize an ApiError in Blue Billywig's shape."""
    message = error.message if error.field is None or error.field in error.message else f"{error.field}: {error.message}"
    response = jsonify({"error": message, "code": error.status})
    response.status_code = error.status
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


def unauthorized(message: str) -> ApiError:
    """401: no usable credentials (missing, malformed, wrong or out-of-window token)."""
    return ApiError(401, message, headers={"WWW-Authenticate": 'rpctoken realm="sapi"'})


def forbidden(message: str) -> ApiError:
    """403: the credentials name a key that may not use this publication (unknown or revoked)."""
    return ApiError(403, message)


def unprocessable(message: str, field: str | None = None) -> ApiError:
    """422: the request is well formed but the upload cannot be used (e.g. not audio/video)."""
    return ApiError(422, message, field=field)
