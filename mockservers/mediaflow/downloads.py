"""Download formats (``GET /1/format``) and the converted bytes of a file in one of them.

The docs name the endpoints and that format 0 is the original; the other formats, their names
and sizes are the emulator's choice (inferred): typical web renditions, made with Pillow from the
stored image, never upscaled.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from PIL import Image

ORIGINAL = 0


@dataclass(frozen=True)
class Format:
    """One download format: id, name, output extension and the box the picture is fitted into."""

    id: int
    name: str
    extension: str | None  # None: the file's own (the original)
    box: int | None  # None: full size

    def as_json(self) -> dict[str, Any]:
        """The format as ``GET /1/format`` lists it."""
        return {"id": self.id, "name": self.name, "extension": self.extension, "maxSize": self.box}


FORMATS = (
    Format(ORIGINAL, "Original", None, None),
    Format(1, "Webb liten (JPEG 640 px)", "jpg", 640),
    Format(2, "Webb stor (JPEG 1920 px)", "jpg", 1920),
    Format(3, "PNG (full storlek)", "png", None),
    Format(4, "WebP 1280 px", "webp", 1280),
)
BY_ID = {f.id: f for f in FORMATS}
_PILLOW = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
MIME = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def applies(fmt: Format, kind: str, width: int | None, height: int | None) -> bool:
    """Whether a file can be downloaded in a format: the original always; conversions for processed images."""
    return fmt.id == ORIGINAL or (kind == "image" and width is not None and height is not None)


def output_size(fmt: Format, width: int, height: int) -> tuple[int, int]:
    """The converted picture's size: fitted into the box, keeping the aspect ratio, never upscaled."""
    if fmt.box is None or max(width, height) <= fmt.box:
        return width, height
    scale = fmt.box / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def convert(path: str, fmt: Format) -> bytes:
    """The stored image converted to the format (Pillow)."""
    assert fmt.extension is not None
    with Image.open(path) as source:
        source.load()
        size = output_size(fmt, *source.size)
        image = source.resize(size, Image.Resampling.LANCZOS) if size != source.size else source.copy()
    if fmt.extension == "jpg" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image.mode == "P":
        image = image.convert("RGBA")
    out = io.BytesIO()
    image.save(out, _PILLOW[fmt.extension], **({"quality": 85} if fmt.extension in ("jpg", "webp") else {}))
    return out.getvalue()
