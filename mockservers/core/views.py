"""Shared view helpers: the pieces every provider's routes need, written once.

Each helper raises :class:`BadRequestError` naming the input, which the
provider's error renderer turns into its own 400 shape. Helpers that take a
value (``json_object``, ``flag``, ``int_value``) work on any source (a JSON
body, form fields, query arguments); the ``request_*``/``query_*`` variants
read the current Flask request.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

from flask import current_app, request

from mockservers.core import fidelity
from mockservers.core.blobs import BlobInfo, BlobWriter
from mockservers.core.errors import BadRequestError

# White space as a regex class body: every character Python's or ECMA-262's ``\s`` names, so a
# contract pattern spelled with it means the same to Python's jsonschema, to ECMA-262 validators
# and to the emulator (``\s`` alone differs: Python counts \x1c-\x1f and \x85, ECMA-262 \ufeff).
WHITE_SPACE = r"\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"

# The one documented set of boolean spellings (case-insensitive); JSON booleans and 0/1 too.
TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")


# -- the emulator and its state --------------------------------------------------
def emulator() -> Any:
    """The emulator serving the current request."""
    return current_app.extensions["mockservers"]


def state() -> Any:
    """The current emulator's provider state (type it at the call site: ``state_: PixopState = state()``)."""
    return current_app.extensions["mockservers"].state


# -- bodies ---------------------------------------------------------------------
def request_json(optional: bool = False) -> Any:
    """The parsed JSON body whatever the Content-Type; an empty optional body is ``{}``."""
    if not request.get_data(cache=True).strip():
        if optional:
            return {}
        raise BadRequestError("a JSON request body is required")
    data = request.get_json(force=True, silent=True)
    if data is None:
        raise BadRequestError("the request body is not valid JSON")
    return data


def request_fields(optional: bool = False) -> Any:
    """Form fields for a form post (a plain HTML/XHR form sends those), else the JSON body."""
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return request.form.to_dict()
    return request_json(optional)


def json_object(
    data: Mapping[str, Any] | None,
    *,
    required: Iterable[str] = (),
    optional: Iterable[str] = (),
    unknown: Literal["warn", "refuse"] = "warn",
    name: str = "body",
) -> dict[str, Any]:
    """A copy of ``data`` checked as an object with the given fields.

    Works on any mapping (a JSON body, form fields, a nested object). A field in
    ``required`` that is absent or null is refused. A field in neither list is
    refused (``unknown="refuse"``, where the real service is known to refuse it)
    or accepted with an ``unknown-field`` fidelity warning (``"warn"``).
    """
    if data is None:
        raise BadRequestError(f"the {name} is required and must be a JSON object")
    if not isinstance(data, Mapping):
        raise BadRequestError(f"the {name} must be a JSON object, not {_json_type(data)}")
    required = tuple(required)
    allowed = set(required) | set(optional)
    extra = sorted(str(key) for key in data if key not in allowed)
    if extra:
        known = ", ".join(sorted(allowed)) or "none"
        if unknown == "refuse":
            raise BadRequestError(f"{extra[0]} is not a known field; allowed: {known}", extra[0])
        for key in extra:
            fidelity.warn(
                "unknown-field",
                f"{key!r} is not a documented field of the {name} (known: {known}); accepted and ignored here, "
                "the real service may refuse it or act on it",
                "inferred",
            )
    for key in required:
        if data.get(key) is None:
            raise BadRequestError(f"{key} is required", key)
    return dict(data)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


def json_string(
    data: Mapping[str, Any], name: str, required: bool = True, max_length: int = 255, allow_blank: bool = False
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


# -- flags and integers ------------------------------------------------------------
def flag(value: Any, name: str, default: bool | None = False) -> bool | None:
    """A boolean from a JSON boolean, 0/1, or one of true/false/1/0/yes/no (any case); ``default`` when absent or blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in TRUE_WORDS:
            return True
        if lowered in FALSE_WORDS:
            return False
    raise BadRequestError(f"{name} must be true or false (also accepted: 1/0, yes/no); got {value!r}", name)


def query_flag(name: str, default: bool | None = False) -> bool | None:
    """A boolean query parameter (see :func:`flag`)."""
    return flag(request.args.get(name), name, default)


def whole_number(value: Any, name: str) -> Any:
    """A JSON number with an integral value sent as a float (``214.0``) as that int, with a warning.

    JSON Schema counts ``214.0`` as an integer, and a client that computes a size or an id in
    floating point sends it so; the real services most plausibly read it as the integer. Any
    other value is returned unchanged (for the caller's own check).
    """
    if isinstance(value, float) and value.is_integer():
        fidelity.warn("float-integer", f"{name} sent as the JSON number {value!r}; read as the integer {int(value)}", "inferred")
        return int(value)
    return value


def int_value(value: Any, name: str, low: int, high: int) -> int:
    """An integer within [low, high] from a JSON integer or a string of digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit():
        digits = value.lstrip("0") or "0"
        if len(digits) > len(str(abs(high))):  # too large, and int() refuses over 4300 digits
            raise BadRequestError(f"{name} must be an integer from {low} to {high}; got {_excerpt(value)}", name)
        number = int(digits)
    else:
        raise BadRequestError(f"{name} must be an integer from {low} to {high}; got {_excerpt(value)}", name)
    if not low <= number <= high:
        raise BadRequestError(f"{name} must be an integer from {low} to {high}; got {_excerpt(value)}", name)
    return number


def _excerpt(value: Any, limit: int = 40) -> str:
    """``repr(value)``, cut to ``limit`` characters for an error message."""
    if isinstance(value, int) and value.bit_length() > 128:  # repr() refuses over 4300 digits
        return f"an integer of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def query_int(name: str, default: int, low: int, high: int, blank_is_default: bool = False) -> int:
    """An integer query parameter within [low, high]; ``default`` when absent (or blank, if allowed)."""
    raw = request.args.get(name)
    if raw is None or (blank_is_default and raw == ""):
        return default
    return int_value(raw, name, low, high)


# -- pagination -------------------------------------------------------------------
@dataclass(frozen=True)
class LinkNames:
    """Query names of the page number and size, and the key of the previous-page link."""

    page: str
    size: str
    previous: str


# Pixop: ?page=N&page-size=S, links self/first/last/next/previous.
PAGE_DASH_SIZE = LinkNames("page", "page-size", "previous")
# Vonage: ?page_size=S&page_index=N, links self/first/last/next/prev.
PAGE_INDEX = LinkNames("page_index", "page_size", "prev")


def last_page(total: int, page_size: int, first: int = 0) -> int:
    """The number of the last page (``first`` when there are no items)."""
    return first + max(0, math.ceil(total / page_size) - 1)


def pagination_links(
    base_url: str,
    page: int,
    page_size: int,
    total: int,
    names: LinkNames = PAGE_DASH_SIZE,
    query: Mapping[str, Any] | None = None,
    first: int = 0,
) -> dict[str, dict[str, str]]:
    """HAL-style ``{"self"|"first"|"last"|"next"|previous: {"href"}}`` for one page of a list.

    ``query`` holds the other parameters of the list's URL; where it already has
    the page or size name that position is kept (the order a provider's docs
    show), otherwise page then size are appended. next/previous appear only
    where such a page exists; previous of a page past the end is the last page.
    """
    last = last_page(total, page_size, first)

    def href(number: int) -> dict[str, str]:
        params = dict(query or {})
        params[names.page] = number
        params[names.size] = page_size
        return {"href": f"{base_url}?{urlencode(params)}"}

    links = {"self": href(page), "first": href(first), "last": href(last)}
    if page < last:
        links["next"] = href(page + 1)
    if page > first:
        links[names.previous] = href(min(page - 1, last))
    return links


# -- uploads ------------------------------------------------------------------------
class Upload:
    """A blob being received: write to ``writer``; ``commit()`` early to use the blob inside the block."""

    def __init__(self, writer: BlobWriter, store: Any) -> None:
        self.writer = writer
        self.blob: BlobInfo | None = None
        self._store = store

    def write(self, data: bytes) -> int:
        """Append bytes to the blob."""
        return self.writer.write(data)

    @property
    def size(self) -> int:
        """Bytes written so far."""
        return self.writer.size

    def commit(self) -> BlobInfo:
        """Register the blob now (idempotent); it is still deleted if the block then fails."""
        if self.blob is None:
            self.blob = self.writer.commit()
        return self.blob


@contextmanager
def committed_upload(writer: BlobWriter, store: Any = None) -> Iterator[Upload]:
    """Commit ``writer`` as a blob when the block succeeds; discard it (or delete the blob) when it raises.

    ``store`` is the BlobStore (default: the current emulator's), needed to
    delete a blob committed inside a block that then fails (e.g. the state
    refused the upload), so no failed request leaves a blob behind.
    """
    if store is None:
        store = emulator().blobs
    upload = Upload(writer, store)
    try:
        yield upload
    except BaseException:
        if upload.blob is not None:
            store.delete(upload.blob.key)
        elif not writer.committed:
            writer.discard()
        raise
    upload.commit()


@contextmanager
def blob_kept_on_success(blob: BlobInfo, store: Any = None) -> Iterator[BlobInfo]:
    """A blob already committed (e.g. a multipart part the parser streamed in), deleted if the block raises."""
    if store is None:
        store = emulator().blobs
    try:
        yield blob
    except BaseException:
        store.delete(blob.key)
        raise
