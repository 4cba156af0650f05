"""Typed API errors, raised by domain code and rendered in each provider's own shape."""

from __future__ import annotations


class ApiError(Exception):
    """An error the API answers with ``status``.

    ``code`` is the provider's own error name (e.g. Pixop's exception class,
    Vonage's error type); ``field`` names the offending input when there is one.
    """

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
