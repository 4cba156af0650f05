"""Usage reports as Mediaflow's docs and plugins send them: parsing and the stored report's JSON.

Sources: the docs' ``POST /1/files/multiple/usages`` body ``{id, types, date, contact, amount,
description, project, web{page, pageName}, removed}``; Mediaflow's WordPress plugin 2.0.28 sends
``amount: "1"``, ``removed: "true"|"false"`` and ``date`` as ``Y-m-d H:i:s`` to
``POST /1/file/{id}/usage`` (2.0.22 sent JSON numbers and booleans, ``Y-m-d``, to the multiple
form); the Wagtail plugins send ``str(datetime)`` (``2026-01-05 09:00:00.123456+00:00``).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Any

from mockservers.core.errors import BadRequestError
from mockservers.core.fidelity import warn
from mockservers.core.views import flag, int_value, json_string
from mockservers.mediaflow.serializers import iso_time

FIELDS = {"contact", "types", "web", "project", "date", "amount", "description", "removed"}
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$")
_URL = re.compile(r"^https?://\S+$")


def parse_date(raw: Any, today: str) -> str:
    """``YYYY-MM-DD``, or a date with a time (space or T, optional seconds/fraction/offset), normalized to ISO."""
    if raw is None:
        return today
    if isinstance(raw, str) and _DATE_ONLY.match(raw):
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            pass
    elif isinstance(raw, str) and _DATE_TIME.match(raw):
        try:
            return datetime.fromisoformat(raw).isoformat(timespec="seconds")
        except ValueError:
            pass
    raise BadRequestError(
        f"date must be a date YYYY-MM-DD or a date and time (YYYY-MM-DD hh:mm:ss, ISO 8601 with an optional offset); got {raw!r}",
        "date",
    )


def today(now: float) -> str:
    """The virtual clock's UTC date."""
    return datetime.fromtimestamp(now, tz=timezone.utc).date().isoformat()


def _types(body: dict[str, Any]) -> list[str]:
    types = body.get("types")
    if types is None:
        raise BadRequestError("types is required: a list of where the file is used, e.g. [\"web\"]", "types")
    if not isinstance(types, list) or not types or not all(isinstance(t, str) and t.strip() and len(t) <= 50 for t in types):
        raise BadRequestError("types must be a non-empty list of non-empty strings", "types")
    return types


def _web(body: dict[str, Any], types: list[str]) -> dict[str, Any] | None:
    web = body.get("web")
    if web is None:
        if "web" in types:
            raise BadRequestError("web {page, pageName} is required when types contains \"web\"", "web")
        return None
    if not isinstance(web, dict):
        raise BadRequestError("web must be an object {page, pageName}", "web")
    for extra in sorted(set(web) - {"page", "pageName"}):
        warn("unknown-field", f"web.{extra} is not a documented field; it is ignored", "inferred")
    page = web.get("page")
    if page == "" or page is None:
        # WordPress code seen in a theme sends '' for a post without a permalink; not known to be refused.
        warn("blank-page", "web.page is empty; the report is stored without a page URL", "inferred")
        page = ""
    elif not isinstance(page, str) or not _URL.match(page) or len(page) > 2000:
        raise BadRequestError("web.page must be the http(s) URL of the page that uses the file", "web.page")
    name = web.get("pageName")
    if name is not None and (not isinstance(name, str) or len(name) > 255):
        raise BadRequestError("web.pageName must be a string of at most 255 characters", "web.pageName")
    return {"page": page, "pageName": name}


def _amount(body: dict[str, Any]) -> int | None:
    raw = body.get("amount")
    if raw is None:
        return None
    # Mediaflow's WordPress plugin (2.0.28) sends "1": a digit string is a form the service accepts.
    return int_value(raw, "amount", 0, 1_000_000_000)


def _removed(body: dict[str, Any]) -> bool:
    raw = body.get("removed")
    value = flag(raw, "removed", False)
    # The WordPress plugin (2.0.28) sends "true"/"false"; other spellings are ours to accept.
    if raw is not None and not isinstance(raw, bool) and raw not in ("true", "false"):
        warn("loose-boolean", f"removed sent as {raw!r}; read as {value}", "inferred")
    return bool(value)


def parse_usage(body: dict[str, Any], now: float) -> dict[str, Any]:
    """One usage report's fields from a checked body (see views.json_object)."""
    types = _types(body)
    return {
        "types": types,
        "contact": json_string(body, "contact", required=False, allow_blank=True),
        "project": json_string(body, "project", required=False, allow_blank=True),
        "description": json_string(body, "description", required=False, max_length=2000, allow_blank=True),
        "web": _web(body, types),
        "date": parse_date(body.get("date"), today(now)),
        "amount": _amount(body),
        "removed": _removed(body),
    }


def parse_ids(body: dict[str, Any]) -> list[int]:
    """The ``id`` list of a multiple-files report: integers (may be negative); digit strings accepted."""
    raw = body.get("id")
    if raw is None:
        raise BadRequestError("id is required: the list of file ids the usage is about", "id")
    if not isinstance(raw, list):
        raw = [raw]
        warn("scalar-id", "id sent as one value, not a list; read as a one-element list", "inferred")
    ids: list[int] = []
    for value in raw:
        if isinstance(value, str) and re.fullmatch(r"-?\d{1,18}", value):
            # The WordPress plugin (2.0.22) passes its REST parameter through, a string: a client's form.
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadRequestError(f"id must be a list of file ids (integers); got {value!r}", "id")
        ids.append(value)
    if not ids:
        raise BadRequestError("id must name at least one file", "id")
    return list(dict.fromkeys(ids))


def usage_json(usage: dict[str, Any]) -> dict[str, Any]:
    """A usage report as stored."""
    return {
        "id": usage["id"],
        "fileId": usage["fileId"],
        "contact": usage.get("contact"),
        "types": list(usage["types"]),
        "web": dict(usage["web"]) if usage.get("web") else None,
        "project": usage.get("project"),
        "description": usage.get("description"),
        "amount": usage.get("amount"),
        "removed": bool(usage.get("removed", False)),
        "date": usage["date"],
        "created": iso_time(usage["created"]),
    }
