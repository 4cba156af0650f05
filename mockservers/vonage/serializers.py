"""Vonage media items as the API answers them."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any


def vonage_time(epoch: float) -> str:
    """The documented timestamp form, UTC with milliseconds: ``2020-01-01T14:00:00.000Z``."""
    moment = datetime.fromtimestamp(epoch, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def media_json(item: dict[str, Any]) -> dict[str, Any]:
    """A media item in the spec's field order; docs-only fields (title, description, source_url) when set."""
    body: dict[str, Any] = {
        "id": item["id"],
        "original_file_name": item["original_file_name"],
        "mime_type": item["mime_type"],
        "account_id": item["account_id"],
        "store_id": item["store_id"],
        # The docs' example shows 0 for an item without a cap ("unlimited when not provided").
        "max_downloads_allowed": item["max_downloads_allowed"] or 0,
        "times_downloaded": item["times_downloaded"],
        "etag": item["etag"],
        "media_size": item["media_size"],
        "time_created": vonage_time(item["time_created"]),
        "time_last_updated": vonage_time(item["time_last_updated"]),
        "public": item["public"],
        "metadata_primary": item["metadata_primary"],
        "metadata_secondary": item["metadata_secondary"],
    }
    for name in ("title", "description", "source_url"):
        if item.get(name) is not None:
            body[name] = item[name]
    return body
