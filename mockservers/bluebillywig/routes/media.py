"""Media URLs: clip sources and renditions (``/{publication}/media/...``), ``/image/{w}/{h}/{path}`` thumbnails
and ``/mediaclip/{id}/spthumbnail/{w}/{h}[.webp]`` posters (FACTS.md). Public, as on ``{publication}.bbvms.com``.

The state is read under the lock only to find what to make; the encoding runs outside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response

from mockservers.bluebillywig import media
from mockservers.bluebillywig.routes.common import state
from mockservers.bluebillywig.state import BlueBillywigState
from mockservers.core import fidelity
from mockservers.core.errors import BadRequestError, NotFoundError

media_routes = Blueprint("bluebillywig_media", __name__)
_ASSET = re.compile(r"^asset-(?P<clip>\d+)-(?P<asset>\d+)\.(?P<ext>mp4|mp3)$")
_CLIP = re.compile(r"^(?P<clip>\d+)\.(?P<ext>\w+)$")
_SUBTITLE = re.compile(r"^subtitle-(?P<id>\d+)\.(?P<ext>\w+)$")
_THUMB = re.compile(r"^(?P<clip>\d+)-(?P<stamp>\d+)\.jpg$")
MIME = {"mp4": "video/mp4", "mp3": "audio/mpeg", "jpg": "image/jpeg", "webp": "image/webp"}


@dataclass(frozen=True)
class Wanted:
    """What to make: the source file and the kind and size of the output."""

    source: str
    kind: str  # mp4 | mp3 | image | file (served as stored, with ``mime``)
    width: int
    height: int
    fraction: float = 0.0
    mime: str = ""


def _source(st: BlueBillywigState, clip: dict[str, Any]) -> str:
    blob = st.ctx.blobs.get(clip["sourceBlob"]) if clip.get("sourceBlob") else None
    return media.source_file(blob.path if blob else None, clip["mediatype"])


def _clip_with_file(st: BlueBillywigState, clip_id: str) -> dict[str, Any]:
    clip = st.db["mediaclips"].get(clip_id)
    if clip is None or not clip.get("transcoded"):
        raise NotFoundError(f"no media file for mediaclip {clip_id}")
    return clip


def _rendition(st: BlueBillywigState, clip: dict[str, Any], asset: dict[str, Any]) -> Wanted:
    kind = "mp3" if asset["src"].endswith(".mp3") else "mp4"
    return Wanted(_source(st, clip), kind, int(asset["width"]), int(asset["height"]))


def _stored(st: BlueBillywigState, blob_key: str | None, mime: str, path: str) -> Wanted:
    blob = st.ctx.blobs.get(blob_key) if blob_key else None
    if blob is None:
        raise NotFoundError(f"no media file {path}")
    return Wanted(blob.path, "file", 0, 0, mime=mime)


def _wanted_media(st: BlueBillywigState, path: str) -> Wanted:
    name = path.rsplit("/", 1)[-1]
    subtitle = _SUBTITLE.match(name)
    if subtitle:
        record = st.db["entities"].get(subtitle["id"])
        if record is None or record["kind"] != "subtitle" or record["props"].get("src") != path:
            raise NotFoundError(f"no media file {path}")
        mime = "text/vtt" if name.endswith(".vtt") else "application/x-subrip"
        return _stored(st, record.get("sourceBlob"), mime, path)
    for pattern in (_ASSET, _CLIP, _THUMB):
        match = pattern.match(name)
        if match:
            break
    else:
        raise NotFoundError(f"no media file {path}")
    clip = _clip_with_file(st, match["clip"])
    if pattern is _ASSET:
        asset = st.db["mediaassets"].get(match["asset"])
        if asset is None or asset["src"] != path:
            raise NotFoundError(f"no media file {path}")
        return _rendition(st, clip, asset)
    if pattern is _CLIP and clip["mediatype"] in ("image", "document"):
        if clip["src"] != path:
            raise NotFoundError(f"no media file {path}")
        return _stored(st, clip.get("sourceBlob"), clip.get("sourceMime") or "application/octet-stream", path)
    if pattern is _CLIP:
        if clip["src"] != path or not clip["assets"] or clip["assets"][0] not in st.db["mediaassets"]:
            raise NotFoundError(f"no media file {path}")
        return _rendition(st, clip, st.db["mediaassets"][clip["assets"][0]])
    for index, thumb in enumerate(clip["thumbnails"]):
        if thumb["src"] == path:
            width, height = _within(int(thumb["width"]), int(thumb["height"]))
            return Wanted(_source(st, clip), "image", width, height, 0.5 * index)
    raise NotFoundError(f"no media file {path}")


def _within(width: int, height: int) -> tuple[int, int]:
    """A thumbnail's announced size, scaled into the image side limit (aspect kept)."""
    scale = min(1.0, media.MAX_IMAGE_SIDE / max(width, height, 1))
    return max(1, int(width * scale)), max(1, int(height * scale))


def _make(wanted: Wanted, webp: bool = False) -> Response:
    if wanted.kind == "file":
        with open(wanted.source, "rb") as stored:
            return Response(stored.read(), mimetype=wanted.mime)
    if wanted.kind == "mp4":
        data, mime = media.video_rendition(wanted.source, wanted.width, wanted.height), MIME["mp4"]
    elif wanted.kind == "mp3":
        data, mime = media.audio_rendition(wanted.source), MIME["mp3"]
    else:
        picture = media.frame_at(wanted.source, wanted.fraction)
        data = media.image_bytes(picture, wanted.width or None, wanted.height or None, webp)
        mime = MIME["webp" if webp else "jpg"]
    response = Response(data, mimetype=mime)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


# Every src the emulator hands out is /{publication}/media/YYYY/MM/DD/{name} (the seed's paths), so the
# routes spell those segments out rather than taking any path.
MEDIA_PATH = "/<publication>/media/<year>/<month>/<day>/<name>"


@media_routes.get(MEDIA_PATH)
def media_file(publication: str, year: str, month: str, day: str, name: str) -> Response:
    """A clip's source, a rendition or a thumbnail by the ``src`` the API answered."""
    st = state()
    with st.lock:
        if publication != st.publication["shortname"]:
            raise NotFoundError(f"no publication {publication!r} here")
        wanted = _wanted_media(st, f"/{publication}/media/{year}/{month}/{day}/{name}")
    return _make(wanted)


# A side: a number of pixels or ``default`` (keep it); the overlay states the same pattern for the OpenAPI document.
_SIDE = re.compile(r"default|0*[1-9][0-9]*")


def _side(raw: str, name: str) -> int | None:
    if not _SIDE.fullmatch(raw):
        raise BadRequestError(f"{name} must be a number of pixels (1 or more) or default; got {raw!r}", name)
    if raw == "default":
        return None
    digits = raw.lstrip("0")
    return int(digits) if len(digits) <= 12 else 10**12


def _sides(width: str, height: str) -> tuple[int | None, int | None]:
    """Both sides; a box larger than MAX_IMAGE_SIDE is scaled into it (aspect kept), with a warning.

    What the image service does with a larger size is not documented; serving the largest image the
    emulator makes, in the asked proportions, is the plausible reading (the alternative, a 400, would
    refuse a URL a real page may hold).
    """
    w, h = _side(width, "width"), _side(height, "height")
    largest = max(w or 0, h or 0)
    if largest <= media.MAX_IMAGE_SIDE:
        return w, h
    scale = media.MAX_IMAGE_SIDE / largest
    fidelity.warn(
        "image-size",
        f"{width}x{height} is larger than the emulator makes images ({media.MAX_IMAGE_SIDE} px a side); served scaled "
        "into that, in the same proportions",
        "inferred",
    )
    return (None if w is None else max(1, round(w * scale))), (None if h is None else max(1, round(h * scale)))


@media_routes.get("/image/<width>/<height>" + MEDIA_PATH)
def image(width: str, height: str, publication: str, year: str, month: str, day: str, name: str) -> Response:
    """A thumbnail (by its ``src``) cropped to width x height (``default`` keeps a side)."""
    w, h = _sides(width, height)
    src = f"/{publication}/media/{year}/{month}/{day}/{name}"
    st = state()
    with st.lock:
        wanted = _wanted_media(st, src)
        if wanted.kind != "image":
            raise NotFoundError(f"{src} is not an image")
    return _make(Wanted(wanted.source, "image", w or 0, h or 0, wanted.fraction))


@media_routes.get("/mediaclip/<clip_id>/spthumbnail/<width>/<height>")
def poster(clip_id: str, width: str, height: str) -> Response:
    """The clip's main thumbnail at width x height; ``.webp`` after the height asks for WebP."""
    webp = height.endswith(".webp")
    w, h = _sides(width, height.removesuffix(".webp"))
    st = state()
    with st.lock:
        clip = _clip_with_file(st, clip_id)
        source = _source(st, clip)
    return _make(Wanted(source, "image", w or 0, h or 0), webp)
