"""Reading Vonage request inputs (query, JSON / form / multipart bodies) into typed values, or 400s."""

from __future__ import annotations

import re
from typing import Any

from mockservers.core import fidelity
from mockservers.core.clock import parse_iso8601
from mockservers.core.errors import ApiError
from mockservers.core.safejson import safe_loads
from mockservers.core.views import flag
from mockservers.vonage.errors import vonage_error
from mockservers.vonage.state import EDITABLE, READ_ONLY

MAX_PAGE_SIZE = 1000
MAX_PAGE_INDEX = 1_000_000
# The Node SDK types these as ``string | null`` and its fixtures answer null; its update sends back what it read.
NULLABLE = ("metadata_primary", "metadata_secondary", "title", "description")
STRING_LIMITS = {"metadata_primary": 1024, "metadata_secondary": 1024, "title": 1024, "description": 10_000, "mime_type": 255}
_MIME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$")


def bad(detail: str, field: str | None = None, code: str = "invalid-params") -> ApiError:
    """A 400 in Vonage's shape."""
    return vonage_error(400, code, detail, field)


def order_param(args: Any) -> bool:
    """``order``: ascending | descending (default descending); True when ascending."""
    raw = args.get("order")
    if raw is None or raw == "":
        return False
    if raw.strip().lower() not in ("ascending", "descending"):
        raise bad(f"order must be 'ascending' or 'descending'; got {raw!r}", "order")
    return raw.strip().lower() == "ascending"


def time_param(args: Any, name: str) -> float | None:
    """An ISO 8601 timestamp query parameter (e.g. 2020-01-01T14:00:00.000Z) as POSIX seconds."""
    raw = args.get(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_iso8601(raw).timestamp()
    except (ValueError, OverflowError):
        raise bad(f"{name} must be an ISO 8601 timestamp like 2020-01-01T14:00:00.000Z; got {raw!r}", name) from None


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


def _boolean(name: str, value: Any, from_form: bool) -> bool:
    if isinstance(value, bool):
        return value
    if from_form and isinstance(value, str) and value.strip():
        return bool(flag(value, name))  # form values are text: the shared spellings (true/false, 1/0, yes/no)
    raise bad(f"{name} must be a boolean (true or false); got {value!r}", name)


def _cap(value: Any, from_form: bool) -> int | None:
    name = "max_downloads_allowed"
    if value is None:
        return None  # JSON null: back to unlimited
    if from_form and isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise bad(f"{name} must be a non-negative integer (0 or absent: unlimited); got {value!r}", name)
    return value or None


def _string(name: str, value: Any) -> str:
    limit = STRING_LIMITS[name]
    if not isinstance(value, str) or len(value) > limit:
        raise bad(f"{name} must be a string of at most {limit} characters; got {type(value).__name__}", name)
    if name == "mime_type" and not _MIME_RE.match(value.strip()):
        raise bad(f"mime_type must look like type/subtype (e.g. audio/vnd.wave); got {value!r}", name)
    return value.strip() if name == "mime_type" else value
