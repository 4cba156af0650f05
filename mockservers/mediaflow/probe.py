"""Facts Mediaflow reports about a file, read from its real bytes (Pillow for images, PyAV for video).

Probed once, when the world is built or an upload is processed, never on a read path.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageCms, UnidentifiedImageError

from mockservers.core.media import NotMediaError, probe_media

# EXIF tags (TIFF/EXIF numbering): Artist, the GPS IFD, ImageDescription.
_ARTIST, _GPS_IFD = 0x013B, 0x8825
_DEFAULT_DPI = 72  # inferred: what Mediaflow most plausibly reports for a picture that states none


def empty_facts() -> dict[str, Any]:
    """The facts of a file nothing could be read from (documents, unprocessed files)."""
    return {"dpi": None, "length": None, "iccprofile": None, "geodata": None, "photographer": ""}


def probe_facts(path: str, kind: str) -> dict[str, Any]:
    """dpi, length (seconds), ICC profile name, GPS position and photographer (EXIF Artist) of a file."""
    facts = empty_facts()
    if kind == "image":
        try:
            with Image.open(path) as image:
                dpi = image.info.get("dpi")
                facts["dpi"] = round(float(dpi[0])) if dpi else _DEFAULT_DPI
                facts["iccprofile"] = _icc_name(image.info.get("icc_profile"))
                exif = image.getexif()
                facts["photographer"] = str(exif.get(_ARTIST, "")).strip()
                facts["geodata"] = _gps(exif.get_ifd(_GPS_IFD))
        except (UnidentifiedImageError, OSError):
            return empty_facts()
    elif kind == "video":
        try:
            facts["length"] = round(probe_media(path).duration_ms / 1000, 3)
        except NotMediaError:
            return empty_facts()
    return facts


def _icc_name(profile: bytes | None) -> str | None:
    if not profile:
        return None
    try:
        return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(profile))).strip() or None
    except (ImageCms.PyCMSError, OSError):
        return None


def _gps(ifd: Any) -> dict[str, float] | None:
    """EXIF GPS (degrees, minutes, seconds with N/S and E/W refs) as decimal {lat, lng}."""
    try:
        lat, lng = ifd[2], ifd[4]
        sign_lat = -1 if str(ifd.get(1, "N")).upper().startswith("S") else 1
        sign_lng = -1 if str(ifd.get(3, "E")).upper().startswith("W") else 1
    except (KeyError, TypeError):
        return None
    def degrees(dms: Any) -> float:
        return float(dms[0]) + float(dms[1]) / 60 + float(dms[2]) / 3600
    return {"lat": round(sign_lat * degrees(lat), 6), "lng": round(sign_lng * degrees(lng), 6)}
