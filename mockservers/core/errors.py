"""Typed API errors, raised by domain code and rendered in each provider's own shape.

Two ways to raise, both rendered the same:

- ``ApiError(status, message, code, field, headers)``: ad hoc (kept for existing code);
- a typed error class per provider error, with class attributes ``status`` and
  ``code``, raised with just the message::

      class NoJwtToken(ProviderError):
          status, code = 401, "NoJWTTokenFoundException"

      raise NoJwtToken("no JWT token in the Authorization header")

A provider's ``render_error`` is built with :func:`error_renderer` from a body
builder; the core supplies the frame (status, headers, JSON, default codes,
the field named in the message).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from flask import Response, current_app


class ApiError(Exception):
    """An error the API answers with ``status``.

    ``code`` is the provider's own error name (e.g. Pixop's exception class,
    Vonage's error type); ``field`` names the offending input when there is one.
    """

    status: int = 500
    code: str | None = None

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.field = field
        self.headers = headers or {}


class ProviderError(ApiError):
    """Base of typed errors: subclasses set ``status`` and ``code`` as class attributes."""

    status: ClassVar[int] = 500  # type: ignore[misc]
    code: ClassVar[str | None] = None  # type: ignore[misc]
    # Headers every instance carries (e.g. WWW-Authenticate on a 401).
    default_headers: ClassVar[Mapping[str, str]] = {}

    def __init__(self, message: str, field: str | None = None, headers: dict[str, str] | None = None) -> None:
        cls = type(self)
        super().__init__(cls.status, message, cls.code, field, {**cls.default_headers, **(headers or {})})


class NotFoundError(ApiError):
    """The resource does not exist (or belongs to someone else)."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(404, message, code)


class BadRequestError(ApiError):
    """The request is malformed or breaks a documented rule."""

    def __init__(self, message: str, field: str | None = None, code: str | None = None) -> None:
        super().__init__(400, message, code, field)


class ConflictError(ApiError):
    """The request conflicts with the current state."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(409, message, code)


@dataclass(frozen=True)
class ErrorParts:
    """What a provider's body builder gets: the error, resolved to the parts every shape uses."""

    status: int
    code: str | None  # the error's code, else the provider's default for the status
    message: str  # with the offending field named when the message does not name it already
    field: str | None
    error: ApiError


ErrorRenderer = Callable[[ApiError], Response]


def error_parts(error: ApiError, default_codes: Mapping[int, str] | None = None, fallback_code: str | None = None) -> ErrorParts:
    """The parts of ``error`` as a body builder sees them."""
    code = error.code or (default_codes or {}).get(error.status, fallback_code)
    message = error.message if error.field is None or error.field in error.message else f"{error.field}: {error.message}"
    return ErrorParts(error.status, code, message, error.field, error)


def error_renderer(
    body: Callable[[ErrorParts], Any],
    *,
    default_codes: Mapping[int, str] | None = None,
    fallback_code: str | None = None,
    mimetype: str | None = None,
) -> ErrorRenderer:
    """A ``render_error`` for a Provider: ``body(parts)`` gives the provider's JSON, the core does the rest.

    The answer has the error's status and headers and the JSON the app's
    encoder writes (compact, keys in order); ``mimetype`` overrides
    ``application/json`` (e.g. ``application/problem+json``).
    """

    def render_error(error: ApiError) -> Response:
        payload = body(error_parts(error, default_codes, fallback_code))
        response = current_app.json.response(payload)
        response.status_code = error.status
        if mimetype is not None:
            response.mimetype = mimetype
        for name, value in error.headers.items():
            response.headers[name] = value
        return response

    return render_error
