"""Parsing of query parameters and JSON fields that every provider does the same way.

Each raises :class:`BadRequestError` naming the parameter, which the provider's
error renderer turns into its own 400 shape.
"""

from __future__ import annotations

from typing import Any

from flask import request

from mockservers.core.errors import BadRequestError


def query_int(name: str, default: int, low: int, high: int, blank_is_default: bool = False) -> int:
    """An integer query parameter within [low, high]; ``default`` when absent (or blank, if allowed)."""
    raw = request.args.get(name)
    if raw is None or (blank_is_default and raw == ""):
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise BadRequestError(f"{name} must be an integer from {low} to {high}; got {raw!r}", name)
    return int(raw)


def json_string(
    data: dict[str, Any], name: str, required: bool = True, max_length: int = 255, allow_blank: bool = False
) -> str | None:
    """A non-empty string field of a JSON (or form) body; None when absent and optional."""
    value = data.get(name)
    if value is None:
        if required:
            raise BadRequestError(f"{name} is required", name)
        return None
    empty = not value if allow_blank else not (isinstance(value, str) and value.strip())
    if not isinstance(value, str) or empty or len(value) > max_length:
        raise BadRequestError(f"{name} must be a non-empty string of at most {max_length} characters", name)
    return value
