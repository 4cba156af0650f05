"""Stand-ins for Mediaflow's other hosts, served by the emulator itself.

- the upload host (seed: ``https://ftp5.inviewer.se/up/...``): ``/up/<token>`` takes the bytes
  the way a browser's XHR upload sends them (PUT or POST, raw body or multipart FormData);
- the preview host (seed: ``https://im17.inviewer.se/info|skiss/54/54ATNEZ6I4.jpg``):
  ``/inviewer/<info|skiss>/<xx>/<previewId>.jpg``;
- the static icons (seed: ``https://static.mediaflowpro.com/images/icon101.gif``): ``/images/icon<id>.gif``.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any

from flask import Blueprint, Response, jsonify, request, send_file
from PIL import Image, ImageDraw

from mockservers.core.blobs import CHUNK, BlobInfo
from mockservers.core.errors import ApiError, BadRequestError
from mockservers.core.views import Upload, blob_kept_on_success, committed_upload, emulator
from mockservers.mediaflow.context import state

hosts = Blueprint("mediaflow_hosts", __name__)

# A browser page on another origin uploads with XHR, so the upload host answers CORS (inferred).
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "PUT, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Content-Range, X-Requested-With",
    "Access-Control-Max-Age": "600",
}


@hosts.after_request
def _cors(response: Response) -> Response:
    if request.path.startswith("/up/"):
        response.headers.update(_CORS)
    return response


def _drain() -> None:
    """Read an unwanted body so the client gets the error instead of a reset connection."""
    stream = request.stream
    while stream.read(CHUNK):
        pass


@hosts.route("/up/<token>", methods=["OPTIONS"])
def upload_preflight(token: str) -> Response:
    """CORS preflight of a cross-origin XHR upload."""
    return Response(status=204)


@hosts.route("/up/<token>", methods=["PUT", "POST"])
def upload(token: str) -> Response:
    """The announced file's bytes: once, within 600 s, exactly ``filesize`` bytes."""
    try:
        slot = state().upload_slot(token)
    except ApiError:
        _drain()
        raise
    if request.mimetype == "multipart/form-data":
        # The parser streamed the part to disk already; the blob is deleted if the state refuses it.
        with blob_kept_on_success(_multipart_blob()) as blob:
            record = state().complete_upload(token, blob)
    else:
        writer = emulator().blobs.writer()
        request.environ.setdefault("mockservers.writers", []).append(writer)
        with committed_upload(writer) as received:
            _receive_raw(received, slot["filesize"])
            record = state().complete_upload(token, received.commit())
    return jsonify({
        "id": record["id"], "filename": record["filename"], "filesize": record["filesize"],
        "folderId": record["folderId"], "processed": record["processed"],
    })


def _multipart_blob() -> BlobInfo:
    """The single file part of a FormData body (the parser streamed it to disk already)."""
    files = [storage for _, storage in request.files.items(multi=True) if storage.filename is not None]
    if len(files) != 1:
        raise BadRequestError(f"the multipart body must hold exactly one file part; found {len(files)}", "file")
    return files[0].stream.commit()  # type: ignore[attr-defined]


def _receive_raw(upload: Upload, announced: int) -> None:
    """Stream a raw body into the upload; at most announced+1 bytes are kept, the rest is counted."""
    stream = request.stream
    received = 0
    while chunk := stream.read(CHUNK):
        room = announced + 1 - upload.size
        if room > 0:
            upload.write(chunk[:room])
        received += len(chunk)
    if received != announced:
        raise BadRequestError(
            f"the upload has {received} bytes but {announced} were announced (filesize); nothing was stored", "filesize"
        )


@hosts.get("/inviewer/<rendition>/<prefix>/<preview_name>")
def preview(rendition: str, prefix: str, preview_name: str) -> Response:
    """A rendered JPEG preview (public, like the real preview host)."""
    preview_id, dot, extension = preview_name.rpartition(".")
    if not dot or extension != "jpg" or prefix != preview_id[:2]:
        raise ApiError(404, "no such preview")
    blob = state().preview(preview_id, rendition)
    return send_file(blob.path, mimetype="image/jpeg", conditional=True, etag=blob.md5, max_age=86400)


@hosts.get("/images/icon<int:type_id>.gif")
def icon(type_id: int) -> Response:
    """A small GIF icon per file type."""
    if not 1 <= type_id <= 999:
        raise ApiError(404, "no such icon")
    return Response(_icon_gif(type_id), mimetype="image/gif", headers={"Cache-Control": "public, max-age=86400"})


@cache
def _icon_gif(type_id: int) -> bytes:
    colours: dict[int, Any] = {1: (46, 125, 200), 2: (200, 60, 60), 3: (120, 60, 170), 4: (220, 130, 30)}
    image = Image.new("RGB", (32, 32), (255, 255, 255))
    pen = ImageDraw.Draw(image)
    pen.rectangle([4, 2, 27, 29], fill=colours.get(type_id // 100, (120, 120, 120)), outline=(40, 40, 40))
    out = io.BytesIO()
    image.save(out, "GIF")
    return out.getvalue()
