"""Mediaflow JSON shapes: file objects (with ``fields`` selection), folders, usages."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from mockservers.core.fidelity import warn
from mockservers.mediaflow.probe import empty_facts
from mockservers.mediaflow.state import MediaflowState

# Every field a file object can carry, in output order: the full list a public client reads (FACTS).
FILE_FIELDS = (
    "id", "name", "filename", "type", "filesize", "checksum", "width", "height", "length", "dpi", "rating",
    "nrDownloads", "mark", "uploadedBy", "uploaded", "addedToFolder", "photographer", "description", "instructions",
    "iccprofile", "geodata", "processed", "hasPreview", "hasVersions", "hasHistory", "locked", "icon", "previews",
    "smallPreview", "mediumPreview", "thumbPreview", "comment",
)
# Docs: "by default, only a few selected fields are included". Chosen: the fields both documented
# examples (the support article's latest-files call, the docs guide's folder-files call) ask for.
DEFAULT_FIELDS = ("id", "name", "filename", "filesize", "type", "smallPreview")
_BY_LOWER = {name.lower(): name for name in FILE_FIELDS}
# Preview renditions: (name in `previews`, path segment on the preview host, bounding box in px).
RENDITIONS = (("small", "info", 200), ("medium", "skiss", 600), ("thumb", "thumb", 100))


def iso_time(epoch: float) -> str:
    """UTC ISO 8601 with a Z (inferred format)."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_fields(raw: str | None) -> tuple[str, ...]:
    """The ``fields`` parameter: lower-case names (docs) or ``any``; ``id`` always included.

    A name in another case is matched anyway and an unknown name is ignored, each with a fidelity warning.
    """
    if raw is None:
        return DEFAULT_FIELDS
    if raw.strip() == "":
        warn("loose-parameter", "fields is blank; the default fields are returned", "inferred")
        return DEFAULT_FIELDS
    wanted = {"id"}
    for part in raw.split(","):
        name = part.strip()
        if not name:
            continue
        if name.lower() in ("any", "all"):
            if name.lower() == "all":
                warn("fields-all", "fields=all (used in a docs example) is read as fields=any", "doc")
            return FILE_FIELDS
        if name.lower() not in _BY_LOWER:
            warn("unknown-field", f"fields names {name!r}, which the emulator does not know; it is left out", "doc")
            continue
        if name != name.lower():
            warn("field-case", f"fields names {name!r}; the docs say field names are lower case", "doc")
        wanted.add(_BY_LOWER[name.lower()])
    return tuple(f for f in FILE_FIELDS if f in wanted)


def _preview_url(base: str, segment: str, preview_id: str) -> str:
    return f"{base}/inviewer/{segment}/{preview_id[:2]}/{preview_id}.jpg"


def file_json(record: dict[str, Any], base: str, fields: tuple[str, ...] = FILE_FIELDS) -> dict[str, Any]:
    """One file object with the selected fields."""
    preview_id = record["previewId"]
    has_preview = bool(record["hasPreview"])
    facts = record.get("facts") or empty_facts()
    urls = {name: _preview_url(base, segment, preview_id) if has_preview else None for name, segment, _ in RENDITIONS}
    values = {
        "id": record["id"],
        "name": record["name"],
        "filename": record["filename"],
        "type": dict(record["type"]),
        "filesize": record["filesize"],
        "checksum": record.get("checksum"),
        "width": record["width"],
        "height": record["height"],
        "length": facts["length"],
        "dpi": facts["dpi"],
        "rating": record.get("rating", 0),
        "nrDownloads": record.get("nrDownloads", 0),
        "mark": record.get("mark", 0),
        "uploadedBy": record["uploadedBy"],
        "uploaded": iso_time(record["uploaded"]),
        "addedToFolder": iso_time(record.get("addedToFolder", record["uploaded"])),
        "photographer": facts["photographer"],
        "description": record["description"],
        "instructions": record.get("instructions", ""),
        "iccprofile": facts["iccprofile"],
        "geodata": dict(facts["geodata"]) if facts["geodata"] else None,
        "processed": bool(record["processed"]),
        "hasPreview": has_preview,
        "hasVersions": False,
        "hasHistory": False,
        "locked": False,
        "icon": f"{base}/images/icon{record['type']['id']}.gif",
        "previews": [{"name": name, "size": size, "url": urls[name]} for name, _, size in RENDITIONS] if has_preview else [],
        "smallPreview": urls["small"],
        "mediumPreview": urls["medium"],
        "thumbPreview": urls["thumb"],
        "comment": record.get("comment", ""),
    }
    return {name: values[name] for name in fields}


def folder_json(state: MediaflowState, user: dict[str, Any], folder: dict[str, Any]) -> dict[str, Any]:
    """A folder as the folder endpoints answer it (FACTS: id, name, type, depth, archived, parent, hasChildren, separator)."""
    return {
        "id": folder["id"],
        "name": folder["name"],
        "type": 0,
        "depth": folder["depth"],
        "archived": folder["archived"],
        "parent": folder["parent"] or None,
        "hasChildren": state.has_children(user, folder),
        "separator": folder["separator"],
    }
