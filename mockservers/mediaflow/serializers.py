"""Mediaflow JSON shapes: file objects (with ``fields`` selection), folders, usages."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from mockservers.core.errors import BadRequestError
from mockservers.mediaflow.state import MediaflowState

# Every field a file object can carry, in output order. The seed documents id, name, filename,
# type, width, height, hasPreview, icon, smallPreview, mediumPreview; the rest are inferred.
FILE_FIELDS = (
    "id", "name", "filename", "description", "keywords", "type", "filesize", "width", "height",
    "hasPreview", "icon", "smallPreview", "mediumPreview", "processed", "folderId", "uploaded", "uploadedBy",
)
_BY_LOWER = {name.lower(): name for name in FILE_FIELDS}


def iso_time(epoch: float) -> str:
    """UTC ISO 8601 with a Z (inferred format)."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_fields(raw: str | None) -> tuple[str, ...]:
    """The ``fields`` parameter: comma list (matched case-insensitively) or ``any``; ``id`` always included."""
    if raw is None or raw.strip().lower() in ("", "any"):
        return FILE_FIELDS
    wanted = {"id"}
    for part in raw.split(","):
        name = part.strip().lower()
        if not name:
            continue
        if name == "any":
            return FILE_FIELDS
        if name not in _BY_LOWER:
            raise BadRequestError(f"unknown field {part.strip()!r} in fields; known: {', '.join(FILE_FIELDS)} or any", "fields")
        wanted.add(_BY_LOWER[name])
    return tuple(f for f in FILE_FIELDS if f in wanted)


def file_json(record: dict[str, Any], base: str, fields: tuple[str, ...] = FILE_FIELDS) -> dict[str, Any]:
    """One file object with the selected fields."""
    preview_id = record["previewId"]
    has_preview = bool(record["hasPreview"])
    values = {
        "id": record["id"],
        "name": record["name"],
        "filename": record["filename"],
        "description": record["description"],
        "keywords": list(record["keywords"]),
        "type": dict(record["type"]),
        "filesize": record["filesize"],
        "width": record["width"],
        "height": record["height"],
        "hasPreview": has_preview,
        "icon": f"{base}/images/icon{record['type']['id']}.gif",
        "smallPreview": f"{base}/inviewer/info/{preview_id[:2]}/{preview_id}.jpg" if has_preview else None,
        "mediumPreview": f"{base}/inviewer/skiss/{preview_id[:2]}/{preview_id}.jpg" if has_preview else None,
        "processed": bool(record["processed"]),
        "folderId": record["folderId"],
        "uploaded": iso_time(record["uploaded"]),
        "uploadedBy": record["uploadedBy"],
    }
    return {name: values[name] for name in fields}


def folder_json(state: MediaflowState, user: dict[str, Any], folder: dict[str, Any]) -> dict[str, Any]:
    """A folder as the folder endpoints answer it (FACTS: id, name, type, depth, archived, parent, hasChildren, separator)."""
    return {
        "id": folder["id"],
        "name": folder["name"],
        "type": "folder",
        "depth": folder["depth"],
        "archived": folder["archived"],
        "parent": folder["parent"],
        "hasChildren": state.has_children(user, folder),
        "separator": folder["separator"],
    }
