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
from mockservers.core.views import WHITE_SPACE, flag, int_value, whole_number
from mockservers.mediaflow.serializers import iso_time

FIELDS = {"contact", "types", "web", "project", "date", "amount", "description", "removed"}
MAX_AMOUNT = 1_000_000_000  # inferred
# A calendar date (leap years included), optionally a time of day and an offset: the same
# pattern as the contracts' report-usage(s).request.json "date", so every value they call valid parses.
_YEAR = r"(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"
_MONTH_DAY = r"((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))"
_LEAP_DAY = r"([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29"
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
_OFFSET = r"(Z|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])"
DATE_PATTERN = f"^({_YEAR}-{_MONTH_DAY}|{_LEAP_DAY})([T ]{_TIME}{_OFFSET}?)?$"
_DATE = re.compile(DATE_PATTERN)
_URL = re.compile(f"https?://[^{WHITE_SPACE}]+")  # contracts common.json url
_NOT_BLANK = re.compile(f"[^{WHITE_SPACE}]")  # the contracts' types[] items


def parse_date(raw: Any, today: str) -> str:
    """``YYYY-MM-DD``, or a date with a time (space or T, optional seconds/fraction/offset), normalized to ISO."""
    if raw is None:
        return today
    if isinstance(raw, str) and _DATE.fullmatch(raw):
        if len(raw) == 10:
            return date.fromisoformat(raw).isoformat()
        return datetime.fromisoformat(raw).isoformat(timespec="seconds")
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
    if not isinstance(types, list) or not types or not all(isinstance(t, str) and _NOT_BLANK.search(t) and len(t) <= 50 for t in types):
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
    elif not isinstance(page, str) or not _URL.fullmatch(page) or len(page) > 2000:
        raise BadRequestError("web.page must be the http(s) URL of the page that uses the file", "web.page")
    name = web.get("pageName")
    if "pageName" in web and name is None:
        warn("null-field", "web.pageName is null; read as absent", "inferred")
    if name is not None and (not isinstance(name, str) or len(name) > 255):
        raise BadRequestError("web.pageName must be a string of at most 255 characters", "web.pageName")
    return {"page": page, "pageName": name}


def _amount(body: dict[str, Any]) -> int | None:
    raw = body.get("amount")
    if raw is None:
        return None
    # Mediaflow's WordPress plugin (2.0.28) sends "1": a digit string is a form the service accepts.
    return int_value(whole_number(raw, "amount"), "amount", 0, MAX_AMOUNT)


def _removed(body: dict[str, Any]) -> bool:
    raw = body.get("removed")
    value = flag(raw, "removed", False)
    # The WordPress plugin (2.0.28) sends "true"/"false"; other spellings are ours to accept.
    if raw is not None and not isinstance(raw, bool) and raw not in ("true", "false"):
        warn("loose-boolean", f"removed sent as {raw!r}; read as {value}", "inferred")
    return bool(value)


def _text(body: dict[str, Any], name: str, max_length: int) -> str | None:
    """An optional free-text field: any string up to ``max_length`` characters, blank allowed (docs)."""
    value = body.get(name)
    if value is not None and (not isinstance(value, str) or len(value) > max_length):
        raise BadRequestError(f"{name} must be a string of at most {max_length} characters", name)
    return value


def parse_usage(body: dict[str, Any], now: float) -> dict[str, Any]:
    """One usage report's fields from a checked body (see views.json_object)."""
    for name in sorted(k for k in FIELDS if k in body and body[k] is None):
        # The contracts give each field a type; null is read as leaving the field out.
        warn("null-field", f"{name} is null; read as absent", "inferred")
    types = _types(body)
    return {
        "types": types,
        "contact": _text(body, "contact", 255),
        "project": _text(body, "project", 255),
        "description": _text(body, "description", 2000),
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
        value = whole_number(value, "id")
        if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,18}", value):
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
