"""Pixop's error body: ``{"exception": "...Exception", "errorMessage": "..."}``."""

from __future__ import annotations

from flask import Response, jsonify

from mockservers.core.errors import ApiError

# The seed documents only the authentication exceptions; for the other
# failures the emulator names an exception after the HTTP status (inferred).
DEFAULT_EXCEPTIONS = {
    400: "BadRequestException",
    401: "AuthException",
    403: "ForbiddenException",
    404: "NotFoundException",
    405: "MethodNotAllowedException",
    409: "ConflictException",
    413: "PayloadTooLargeException",
    415: "UnsupportedMediaTypeException",
    416: "RangeNotSatisfiableException",
    429: "TooManyRequestsException",
    500: "InternalServerErrorException",
}


def render_error(error: ApiError) -> Response:
    """Serialize an ApiError in Pixop's shape."""
    exception = error.code or DEFAULT_EXCEPTIONS.get(error.status, "ServiceException")
    message = error.message if error.field is None or error.field in error.message else f"{error.field}: {error.message}"
    response = jsonify({"exception": exception, "errorMessage": message})
    response.status_code = error.status
    for name, value in error.headers.items():
        response.headers[name] = value
    return response
