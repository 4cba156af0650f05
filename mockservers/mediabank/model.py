"""Mediabank's numeric ids and integer roles (shared by the state and the ingest code)."""

from __future__ import annotations

import re
from typing import Any

from mockservers.core import fidelity
from mockservers.core.errors import BadRequestError

# Roles are integers in the real tokens ([1, 1000, 1004, 1006, ...]); their meaning is not public. The
# emulator gives three of them a meaning (inferred; docs/mediabank.md): every real token carries 1, 1000, 1004.
ROLE_READ, ROLE_WRITE, ROLE_INGEST = 1, 1000, 1004
ROLE_NAMES = {ROLE_READ: "read assets", ROLE_WRITE: "create, update and delete assets", ROLE_INGEST: "request ingests"}
MAX_METADATA_KEYS = 200
CATEGORIES = ("News", "Sports", "Documentary", "Entertainment", "Archive", "Promo")
# Numeric ids as the real service's (user 7141001, companies 1324004 and 864004, assets 10102499004): a
# running number followed by a three-digit suffix (inferred: a shard or site number).
FIRST_USER, FIRST_COMPANY, FIRST_ASSET = 7141, 1324, 10102499
USER_SUFFIX, COMPANY_SUFFIX, ASSET_SUFFIX = 1, 4, 4


# An asset id as text: 1-20 ASCII digits, blanks around them ignored (forms and URLs carry text). The
# blanks are exactly Python's str.isspace() characters, spelled out so the contracts' pattern
# (common.json#/$defs/assetIdText) means the same in every regex dialect.
BLANKS = "\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
MAX_ASSET_ID = 10**20 - 1
_ASSET_ID_TEXT = re.compile(f"[{BLANKS}]*([0-9]{{1,20}})[{BLANKS}]*")


def asset_number(value: Any, field: str) -> int:
    """An asset id: an integer, or its digits as a string (forms and URLs carry strings), else a 400.

    A JSON number with a zero fraction (``9803173.0``) is taken as the integer with a fidelity
    warning: JSON Schema counts it as an integer, and the real service (PHP) most plausibly casts it.
    """
    if isinstance(value, str):
        match = _ASSET_ID_TEXT.fullmatch(value)
        if match:
            return int(match.group(1))
    elif isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value <= MAX_ASSET_ID:
            return value
    elif isinstance(value, float) and value.is_integer() and 0 <= value <= MAX_ASSET_ID:
        number = int(value)
        fidelity.warn(
            "asset-id-not-integer",
            f"{field} {value!r} is written as a JSON number with a zero fraction; taken as {number} (the real service may refuse it)",
            "inferred",
        )
        return number
    raise BadRequestError(
        f"{field} must be a numeric asset id (like 10102499004: up to 20 digits), not {value!r}", field
    )


def valid_unicode(value: str, field: str) -> str:
    """``value`` unless it holds an unpaired UTF-16 surrogate (JSON's ``"\\ud800"`` alone), else a 400.

    Such text is not Unicode: it cannot be stored as UTF-8 or answered as valid JSON (RFC 8259), and
    PHP's ``json_decode``, as the real service most plausibly uses, refuses it (inferred).
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequestError(
            f"{field} holds an unpaired UTF-16 surrogate ({value!r}); send valid Unicode text", field
        ) from None
    return value
