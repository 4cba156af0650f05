"""Still images and previews (Pillow; video frames through PyAV): geometry, format, rendered JPEG previews."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import Any

from mockservers.core.extras import require_extra
from mockservers.core.probe import (
    MAX_PACKETS_TO_FIRST_FRAME,
    NotMediaError,
    _decode_packet,
    _reason,
    _silence_ffmpeg,
    av,
    probe_media,
)

# -- still images and previews (Pillow) ----------------------------------------------------------
# Used by providers that report image geometry and serve rendered previews/thumbnails
# (Mediaflow's smallPreview/mediumPreview, Blue Billywig's thumbnails).


def _pil() -> tuple[Any, type[Exception]]:
    """Pillow (the 'media' extra), imported on first use."""
    image = require_extra("media", "PIL.Image")
    return image, image.UnidentifiedImageError


__all__ = ["ImageInfo", "NotImageError", "probe_image", "probe_visual_size", "render_preview_jpeg"]

# Pillow format name -> (MIME type, usual extension).
_IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
    "TIFF": ("image/tiff", "tif"),
    "BMP": ("image/bmp", "bmp"),
}


class NotImageError(NotMediaError):
    """The file is not a still image Pillow can read; str(exc) is a human-readable reason."""


@dataclass(frozen=True)
class ImageInfo:
    """Geometry and format of a still image (``format`` is Pillow's name, e.g. ``JPEG``)."""

    width: int
    height: int
    format: str
    mime_type: str
    extension: str


def probe_image(path: str | os.PathLike[str]) -> ImageInfo:
    """Width, height and format of a still image, read from its header; raise NotImageError otherwise."""
    Image, UnidentifiedImageError = _pil()

    try:
        with Image.open(path) as image:
            width, height = image.size
            fmt = image.format or "unknown"
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError) as exc:
        raise NotImageError(f"not a readable image: {_reason(exc)}") from exc
    mime, extension = _IMAGE_FORMATS.get(fmt, (Image.MIME.get(fmt, "application/octet-stream"), fmt.lower()))
    return ImageInfo(width, height, fmt, mime, extension)


def probe_visual_size(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """(width, height) of an image or of a video's picture; None for audio and non-media files."""
    try:
        info = probe_image(path)
        return info.width, info.height
    except NotImageError:
        pass
    try:
        media = probe_media(path)
    except NotMediaError:
        return None
    if media.has_video and media.frame_width and media.frame_height:
        return media.frame_width, media.frame_height
    return None


def render_preview_jpeg(path: str | os.PathLike[str], max_size: int, quality: int = 82) -> bytes:
    """A JPEG preview fitting in ``max_size`` x ``max_size`` (aspect kept, never upscaled).

    Renders a still image directly, or a video's first decodable frame;
    raises NotMediaError when the file is neither.
    """

    Image, UnidentifiedImageError = _pil()
    ImageOps = require_extra("media", "PIL.ImageOps")

    try:
        with Image.open(path) as opened:
            opened.draft("RGB", (max_size, max_size))  # JPEG: decode at a reduced scale, much faster
            picture = ImageOps.exif_transpose(opened)
            picture.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError):
        picture = _first_video_frame(path)
    if picture.mode not in ("RGB", "L"):
        # Transparent images get a white background, as previews of logos usually do.
        rgba = picture.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        picture = background
    picture.thumbnail((max_size, max_size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _first_video_frame(path: str | os.PathLike[str]) -> Any:
    """The first decodable video frame as a Pillow image; NotMediaError when there is none."""
    _silence_ffmpeg()
    try:
        container = av.open(str(path), mode="r")
    except Exception as exc:  # noqa: BLE001 - PyAV raises many types on garbage
        raise NotMediaError(f"neither an image nor a video: {_reason(exc)}") from exc
    try:
        if not container.streams.video:
            raise NotMediaError("the file has no picture (no image, no video stream)")
        stream = container.streams.video[0]
        for count, packet in enumerate(container.demux(stream)):
            if count >= MAX_PACKETS_TO_FIRST_FRAME:
                break
            for frame in _decode_packet(packet):
                return frame.to_image()
        raise NotMediaError("the video stream could not be decoded: no frames in the first packets")
    except NotMediaError:
        raise
    except Exception as exc:  # noqa: BLE001 - a container that opens can still fail anywhere while read
        raise NotMediaError(f"the video could not be read: {_reason(exc)}") from exc
    finally:
        container.close()
