"""Reading Vonage request inputs (query, JSON / form / multipart bodies) into typed values, or 400s."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from mockservers.core import fidelity
from mockservers.core.clock import MAX_EPOCH, MIN_EPOCH
from mockservers.core.errors import ApiError, BadRequestError
from mockservers.core.safejson import safe_loads
from mockservers.core.views import flag, int_value
from mockservers.vonage.errors import vonage_error
from mockservers.vonage.state import EDITABLE, READ_ONLY

MAX_PAGE_SIZE = 1000
MAX_PAGE_INDEX = 1_000_000
# Nexmo's developer docs define maxDownloadsAllowed as integer (int32).
MAX_DOWNLOADS = 2**31 - 1
# The Node SDK types these as ``string | null`` and its fixtures answer null; its update sends back what it read.
NULLABLE = ("metadata_primary", "metadata_secondary", "title", "description")
STRING_LIMITS = {"metadata_primary": 1024, "metadata_secondary": 1024, "title": 1024, "description": 10_000, "mime_type": 255}
_MIME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$")
# RFC 3339 date-time (the docs' 2020-01-01T14:00:00.000Z is one); T and Z in either case, as RFC 3339 allows.
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$")
_EPOCH = datetime(1970, 1, 1)
_DIGITS = re.compile(r"^[0-9]+$")


def bad(detail: str, field: str | None = None, code: str = "invalid-params") -> ApiError:
    """A 400 in Vonage's shape."""
    return vonage_error(400, code, detail, field)


def _blank(name: str) -> None:
    fidelity.warn(
        "blank-parameter",
        f"{name} is present but empty; the emulator takes it as absent (its default), the real service may refuse it",
        "inferred",
    )


def order_param(args: Any) -> bool:
    """``order``: ascending | descending (default descending); True when ascending."""
    raw = args.get("order")
    if raw is None:
        return False
    if raw == "":
        _blank("order")
        return False
    value = raw.strip().lower()
    if value not in ("ascending", "descending"):
        raise bad(f"order must be 'ascending' or 'descending'; got {raw!r}", "order")
    if value != raw:
        fidelity.warn("non-canonical-value", f"order {raw!r} is read as {value!r}; the docs spell it in lower case", "inferred")
    return value == "ascending"


def int_param(args: Any, name: str, default: int, low: int, high: int) -> int:
    """A page number or size: digits within [low, high]; leading zeros or spaces accepted with a warning."""
    raw = args.get(name)
    if raw is None:
        return default
    if raw == "":
        _blank(name)
        return default
    try:
        number = int_value(raw.strip(), name, low, high)
    except BadRequestError:
        raise bad(f"{name} must be an integer from {low} to {high}; got {raw!r}", name) from None
    if str(number) != raw:
        fidelity.warn("non-canonical-value", f"{name} {raw!r} is read as {number}; send plain digits", "inferred")
    return number


def time_param(args: Any, name: str) -> float | None:
    """An ISO 8601 timestamp query parameter (e.g. 2020-01-01T14:00:00.000Z) as POSIX seconds.

    RFC 3339 date-times (any offset, any precision) are read silently; the other ISO 8601 forms Python
    reads (a date alone, no offset: UTC, basic format) are accepted with a warning. The result is kept
    within the virtual clock's range: no item lies outside it, so a far-off bound selects the same items.
    """
    raw = args.get(name)
    if raw is None:
        return None
    if raw == "":
        _blank(name)
        return None
    text = raw.strip()
    strict = _RFC3339.match(text) is not None
    try:
        value = datetime.fromisoformat(text.upper().replace("Z", "+00:00") if strict else text.replace("Z", "+00:00"))
    except ValueError:
        raise bad(f"{name} must be an ISO 8601 timestamp like 2020-01-01T14:00:00.000Z; got {raw!r}", name) from None
    if not strict or text != raw:
        fidelity.warn(
            "timestamp-form",
            f"{name} {raw!r} is not an RFC 3339 date-time like the docs' 2020-01-01T14:00:00.000Z; "
            "the emulator reads it as ISO 8601 (no offset: UTC), the real service may refuse it",
            "inferred",
        )
    offset = value.utcoffset()
    seconds = (value.replace(tzinfo=None) - _EPOCH).total_seconds() - (offset.total_seconds() if offset else 0.0)
    return min(max(seconds, MIN_EPOCH), MAX_EPOCH)


def json_object(raw: str | bytes, what: str) -> dict[str, Any]:
    """A JSON object from text, or the documented invalid-json 400."""
    try:
        value = safe_loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad(f"{what} is not valid JSON: {exc}", None, "invalid-json") from None
    if not isinstance(value, dict):
        raise bad(f"{what} must be a JSON object, not {type(value).__name__}", None, "invalid-json")
    return value


def changes(data: dict[str, Any], from_form: bool, ignore: tuple[str, ...] = ()) -> dict[str, Any]:
    """Editable media fields with checked types; form values arrive as strings, JSON values typed.

    The spec's read-only fields are ignored (a client may PUT back an item it fetched); anything else is a 400.
    ``null`` clears a nullable field (Node SDK); a null ``mime_type`` keeps the current one.
    """
    found: dict[str, Any] = {}
    for name, value in data.items():
        if name == "store_meta_params":
            fidelity.warn(
                "store-meta-params-ignored",
                "store_meta_params is listed in Vonage's developer docs but not in the OpenAPI document; the emulator accepts and ignores it",
                "doc",
            )
            continue
        if name in ignore or name in READ_ONLY:
            continue
        if value is None and name in NULLABLE:
            found[name] = None
            continue
        if value is None and name == "mime_type":
            fidelity.warn("null-mime-type", "mime_type null is not documented; the emulator keeps the item's current type", "inferred")
            continue
        if name not in EDITABLE:
            raise bad(f"{name} is not a field of a media item that can be set; settable: {', '.join(EDITABLE)}", name)
        if name == "public":
            found[name] = _boolean(name, value, from_form)
        elif name == "max_downloads_allowed":
            found[name] = _cap(value, from_form)
        else:
            found[name] = _string(name, value)
    return found


def _json_string(name: str, value: str, kind: str) -> None:
    """A JSON string where the spec has a boolean or integer: read like a form value (Java/Jackson-style coercion)."""
    fidelity.warn(
        "json-string-value",
        f"{name} is a JSON string ({value!r}) where the spec has {kind}; the emulator reads it as a form value, "
        "the real service may refuse it",
        "inferred",
    )


def _boolean(name: str, value: Any, from_form: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip():
        if not from_form:
            _json_string(name, value, "a boolean")
        try:
            result = bool(flag(value, name))  # the shared spellings (true/false, 1/0, yes/no, any case)
        except BadRequestError:
            raise bad(f"{name} must be a boolean (true or false); got {value!r}", name) from None
        if value not in ("true", "false"):
            fidelity.warn("non-canonical-value", f"{name} {value!r} is read as {str(result).lower()}; send true or false", "inferred")
        return result
    raise bad(f"{name} must be a boolean (true or false); got {value!r}", name)


def _cap(value: Any, from_form: bool) -> int | None:
    name = "max_downloads_allowed"
    problem = f"{name} must be an integer from 0 to {MAX_DOWNLOADS} (0 or absent: unlimited); got {value!r}"
    if value is None:
        return None  # JSON null: back to unlimited
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 100.0 is the integer 100 in JSON
    if isinstance(value, str):
        text = value.strip()
        if not _DIGITS.match(text) or len(text.lstrip("0")) > len(str(MAX_DOWNLOADS)):
            raise bad(problem, name)
        if not from_form:
            _json_string(name, value, "an integer")
        number = int(text)
        if str(number) != value:
            fidelity.warn("non-canonical-value", f"{name} {value!r} is read as {number}; send plain digits", "inferred")
        value = number
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DOWNLOADS:
        raise bad(problem, name)
    return value or None


def _string(name: str, value: Any) -> str:
    limit = STRING_LIMITS[name]
    if not isinstance(value, str) or len(value) > limit:
        raise bad(f"{name} must be a string of at most {limit} characters; got {type(value).__name__}", name)
    if name != "mime_type":
        return value
    trimmed = value.strip()
    if not _MIME_RE.match(trimmed):
        raise bad(f"mime_type must look like type/subtype (e.g. audio/vnd.wave); got {value!r}", name)
    if trimmed != value:
        fidelity.warn("non-canonical-value", f"mime_type {value!r} is read as {trimmed!r} (spaces trimmed)", "inferred")
    return trimmed
