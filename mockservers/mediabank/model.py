"""Mediabank's numeric ids and integer roles (shared by the state and the ingest code)."""

from __future__ import annotations

from typing import Any

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


def asset_number(value: Any, field: str) -> int:
    """An asset id: an integer, or its digits as a string (forms and URLs carry strings), else a 400."""
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 20:
        return int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise BadRequestError(f"{field} must be a numeric asset id (like 10102499004), not {value!r}", field)
