"""Mediaflow's error body: ``{"status": <int>, "error": "<message>"}`` (seed: the upload 403)."""

from __future__ import annotations

from flask import Response, jsonify

from mockservers.core.errors import ApiError

# Seed, verbatim, with its typographic apostrophe (U+00B4).
UPLOAD_FORBIDDEN = "You don´t have permission to upload to this folder"


def render_error(error: ApiError) -> Response:
    """Serialize an ApiError in Mediaflow's shape."""
    response = jsonify({"status": error.status, "error": error.message})
    response.status_code = error.status
    for name, value in error.headers.items():
        response.headers[name] = value
    return response
