"""JSON parsing with depth and size limits, for request bodies and form fields carrying JSON."""

from __future__ import annotations

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider

from mockservers.core.errors import BadRequestError

# Real API bodies nest a handful of levels; 64 leaves room for any client while keeping every later
# step (contract validation, journal copies, serialization) far from Python's recursion limit.
MAX_JSON_DEPTH = 64
# JSON bodies are small metadata documents (media travel as files); 16 MiB is far above any of them.
MAX_JSON_BYTES = 16 * 1024 * 1024


class JSONLimitError(ValueError):
    """JSON text that is too deep, too large or not finite."""


def _reject_constant(name: str) -> float:
    # Python's parser accepts NaN and Infinity; JSON (RFC 8259) does not, and no provider sends them.
    raise JSONLimitError(f"{name} is not a JSON number")


# One decoder for every call: json.loads with a keyword builds a new one each time.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _depth_ok(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return False
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return True


def safe_loads(text: str | bytes | bytearray, max_depth: int = MAX_JSON_DEPTH, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """``json.loads`` that raises :class:`JSONLimitError` (a ValueError) instead of recursing without bound."""
    if len(text) > max_bytes:
        raise JSONLimitError(f"JSON text larger than {max_bytes} bytes")
    try:
        if not isinstance(text, str):
            text = bytes(text).decode(json.detect_encoding(text))
        value = _DECODER.decode(text)
    except RecursionError:
        raise JSONLimitError(f"JSON nested deeper than {max_depth} levels") from None
    if not _depth_ok(value, max_depth):
        raise JSONLimitError(f"JSON nested deeper than {max_depth} levels")
    return value


def loads_limited(text: str | bytes, field: str) -> Any:
    """JSON text of a form field or parameter, or the provider's 400 naming ``field``."""
    try:
        return safe_loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequestError(f"{field} is not valid JSON text: {exc}", field) from None


class LimitedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider with :func:`safe_loads`: every ``request.get_json`` gets the limits.

    Compact responses (``jsonify``) reuse one encoder instead of building one per
    call; the bytes are those of Flask's own ``response``.
    """

    _encoders: dict[tuple[Any, ...], json.JSONEncoder]

    def _compact_encoder(self) -> json.JSONEncoder:
        key = (self.ensure_ascii, self.sort_keys, self.default)
        encoders = self.__dict__.setdefault("_encoders", {})
        encoder = encoders.get(key)
        if encoder is None:
            encoder = encoders[key] = json.JSONEncoder(
                ensure_ascii=self.ensure_ascii, sort_keys=self.sort_keys, default=self.default, separators=(",", ":")
            )
        return encoder

    def response(self, *args: Any, **kwargs: Any) -> Any:
        """``jsonify``: Flask's response, with the compact encoder reused."""
        if self.compact is False or (self.compact is None and self._app.debug):
            return super().response(*args, **kwargs)
        if args and kwargs:
            raise TypeError("app.json.response() takes either args or kwargs, not both")
        obj = args[0] if len(args) == 1 else (args or kwargs or None)
        return self._app.response_class(f"{self._compact_encoder().encode(obj)}\n", mimetype=self.mimetype)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse with depth and size limits (a ValueError becomes Flask's 400 or ``None`` when silent)."""
        return safe_loads(s)
