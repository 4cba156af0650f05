"""Mediaflow file types: the ``type`` object of a file ({id, type, description, extension}).

Only 101 / image / "JPEG-bild" / jpg is documented (seed); the other ids and Swedish
descriptions follow the same pattern (inferred).
"""

from __future__ import annotations

from typing import Any

# extension -> (id, type, description)
_BY_EXTENSION: dict[str, tuple[int, str, str]] = {
    "jpg": (101, "image", "JPEG-bild"),
    "jpeg": (101, "image", "JPEG-bild"),
    "png": (102, "image", "PNG-bild"),
    "gif": (103, "image", "GIF-bild"),
    "tif": (104, "image", "TIFF-bild"),
    "tiff": (104, "image", "TIFF-bild"),
    "webp": (105, "image", "WebP-bild"),
    "bmp": (106, "image", "BMP-bild"),
    "mp4": (201, "video", "MPEG-4-film"),
    "mov": (202, "video", "QuickTime-film"),
    "m4v": (201, "video", "MPEG-4-film"),
    "webm": (203, "video", "WebM-film"),
    "mp3": (301, "audio", "MP3-ljud"),
    "wav": (302, "audio", "WAV-ljud"),
    "pdf": (401, "document", "PDF-dokument"),
    "docx": (402, "document", "Word-dokument"),
    "doc": (402, "document", "Word-dokument"),
    "xlsx": (403, "document", "Excel-dokument"),
    "pptx": (404, "document", "PowerPoint-presentation"),
}
OTHER = (999, "other", "Övrig fil")
KINDS = ("image", "video", "audio", "document", "other")


def extension_of(filename: str) -> str:
    """The lowercase extension of a file name ('' when it has none)."""
    stem, dot, ext = filename.rpartition(".")
    return ext.lower() if dot and stem else ""


def type_for(filename: str) -> dict[str, Any]:
    """The type object for a file name (Mediaflow types files by extension; inferred)."""
    ext = extension_of(filename)
    type_id, kind, description = _BY_EXTENSION.get(ext, OTHER)
    canonical = "jpg" if ext == "jpeg" else "tif" if ext == "tiff" else ext
    return {"id": type_id, "type": kind, "description": description, "extension": canonical}
