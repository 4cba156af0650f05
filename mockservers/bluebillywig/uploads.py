"""Uploads straight to S3, then ingest: the Python SDK's TUS flow and the PHP/Node SDKs' flow. No Flask.

Both hand out presigned URLs on the shared S3 endpoint (moto); on completion the
emulator checks the parts against what S3 holds, completes the multipart upload,
reads the object back through the S3 API, probes it with PyAV and starts a
transcoding job on the virtual clock. Anything wrong is refused before the clip
is touched.
"""

from __future__ import annotations

import base64
import math
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from mockservers.bluebillywig.entities import create as create_entity
from mockservers.bluebillywig.errors import unprocessable
from mockservers.bluebillywig.renditions import display_aspect, media_dir, thumbnails
from mockservers.bluebillywig.world import new_clip_record
from mockservers.core import fidelity
from mockservers.core.errors import ApiError, BadRequestError, ConflictError, NotFoundError
from mockservers.core.media import MediaInfo, NotImageError, NotMediaError, probe_image, probe_media
from mockservers.core.s3 import ACCESS_KEY_ID, REGION, S3Error
from mockservers.core.views import int_value, whole_number

if TYPE_CHECKING:
    from mockservers.bluebillywig.state import BlueBillywigState

MIN_PART_SIZE = 5 * 1024 * 1024  # S3's minimum for every part but the last
# S3 allows 10000 parts; fewer keep the answer small (each presigned URL is ~400 bytes).
MAX_PARTS = 1000
MAX_UPLOAD_BYTES = 50 * 1024**3
PRESIGN_SECONDS = 24 * 3600
DEFAULT_TRANSCODE_SECONDS = 5.0
# Uploads with no completion call (single PUT of the PHP/Node SDKs, direct S3 upload of /sapi/awsupload) are
# looked for in S3 this often on the virtual clock, by a scheduled event: never on a read path, never under the lock.
S3_CHECK_SECONDS = 2.0


def _part_size(length: int) -> int:
    return max(MIN_PART_SIZE, math.ceil(length / MAX_PARTS))


def _content_type(value: str | None) -> str:
    # Only a plain type/subtype reaches S3 as the object's Content-Type.
    if value and re.fullmatch(r"[A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+", value):
        return value
    return "application/octet-stream"


def _safe_name(filename: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("._") or "upload"


def _size(name: str, raw: str | None) -> int:
    if raw is None or not raw.strip():
        raise BadRequestError(f"{name} is required (the file size in bytes)", name)
    digits = raw.lstrip("0")
    if not re.fullmatch(r"[0-9]+", raw) or not digits:
        raise BadRequestError(f"{name} must be a positive integer number of bytes; got {raw!r}", name)
    if len(digits) > 20 or int(digits) > MAX_UPLOAD_BYTES:
        raise ApiError(413, f"{name} {raw[:40]} exceeds the largest upload accepted ({MAX_UPLOAD_BYTES} bytes)", field=name)
    return int(digits)


def _target_clip(state: BlueBillywigState, raw: str | None, name: str) -> str | None:
    if raw is None or raw in ("", "0"):
        return None
    if not re.fullmatch(r"[0-9]+", raw):
        raise BadRequestError(f"{name} must be a mediaclip id (digits; empty or 0 for a new clip); got {raw!r}", name)
    clip = state.clip(raw)
    if clip["status"] == "deleted":
        raise ConflictError(f"mediaclip {clip['id']} is deleted; it cannot take a file")
    return str(clip["id"])


def _new_upload(state: BlueBillywigState, flow: str, filename: str, filetype: str, length: int, clip_id: str | None, single: bool) -> dict[str, Any]:
    upload_id = state.next_id("upload")
    identifier = f"{state.publication['shortname']}-{upload_id[:12]}"
    key = f"{state.publication['shortname']}/upload/{identifier}/{_safe_name(filename)}"
    part_size = _part_size(length)
    parts = max(1, math.ceil(length / part_size))
    s3 = state.ctx.s3
    s3_upload_id = None
    if not single:
        created = s3.client.create_multipart_upload(Bucket=state.bucket, Key=key, ContentType=filetype)
        s3_upload_id = created["UploadId"]
    upload = {
        "id": upload_id,
        "flow": flow,
        "identifier": identifier,
        "bucket": state.bucket,
        "key": key,
        "s3UploadId": s3_upload_id,
        "length": length,
        "partSize": part_size,
        "parts": parts,
        "filename": filename,
        "filetype": filetype,
        "clipid": clip_id,
        "status": "created",
        "created": state.now(),
        "error": None,
    }
    state.db["uploads"][upload_id] = upload
    return upload


def _part_url(state: BlueBillywigState, upload: dict[str, Any], number: int) -> str:
    return state.ctx.s3.presign(
        "upload_part", upload["bucket"], upload["key"], PRESIGN_SECONDS, UploadId=upload["s3UploadId"], PartNumber=number
    )


# -- TUS (official Python SDK) -------------------------------------------------------
# TUS Upload-Metadata: comma-separated "key base64value" pairs (keys printable ASCII without space or comma, the
# value optional), filename among them with a value. contracts/bluebillywig/openapi/overlay.json states the same
# pattern (a test checks they agree).
_B64 = "(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?"
_B64_NONEMPTY = "(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)"
_PAIR = f"[!-+\\--~]+(?: {_B64})?"
_SEP = "[ \\t]*,[ \\t]*"
TUS_METADATA = f"^[ \\t]*(?:{_PAIR}{_SEP})*filename {_B64_NONEMPTY}(?:{_SEP}{_PAIR})*[ \\t]*$"
_TUS_METADATA = re.compile(TUS_METADATA)


def parse_tus_metadata(raw: str | None) -> dict[str, str]:
    """TUS ``Upload-Metadata``: comma-separated ``key base64value`` pairs, filename required.

    A key given twice (TUS says keys are unique) keeps its last value that is not empty, warned; a
    value that is not UTF-8 text is read with replacement characters, warned.
    """
    if raw is None or not raw.strip():
        raise BadRequestError("Upload-Metadata is required (at least: filename <base64>)", "Upload-Metadata")
    if not _TUS_METADATA.fullmatch(raw):
        raise BadRequestError(
            "Upload-Metadata must be comma-separated 'key base64value' pairs (keys without spaces or commas, values "
            f"base64 with padding), filename among them with a value; got {raw[:200]!r}",
            "Upload-Metadata",
        )
    out: dict[str, str] = {}
    for pair in raw.split(","):
        key, _, encoded = pair.strip(" \t").partition(" ")
        data = base64.b64decode(encoded, validate=True)
        try:
            value = data.decode("utf-8")
        except UnicodeDecodeError:
            value = data.decode("utf-8", errors="replace")
            fidelity.warn("tus-metadata", f"Upload-Metadata {key!r} is not UTF-8 text; read as {value[:80]!r}", "inferred")
        if key in out:
            fidelity.warn("tus-metadata", f"Upload-Metadata names {key!r} more than once (TUS keys are unique); the last value is used", "inferred")
            if not value:
                continue
        out[key] = value
    return out


def tus_create(state: BlueBillywigState, resumable: str | None, length_header: str | None, metadata_header: str | None) -> dict[str, Any]:
    """``POST /sapi/tus``: a multipart upload on S3 with one presigned URL per part."""
    if resumable != "1.0.0":
        raise ApiError(412, f"Tus-Resumable must be 1.0.0; got {resumable!r}", headers={"Tus-Version": "1.0.0"})
    length = _size("Upload-Length", length_header)
    metadata = parse_tus_metadata(metadata_header)
    clip_id = _target_clip(state, metadata.get("mediaclipId"), "mediaclipId")
    upload = _new_upload(state, "tus", metadata["filename"][:255], _content_type(metadata.get("filetype")), length, clip_id, single=False)
    return {
        "tusUploadId": upload["id"],
        "uploadIdentifier": upload["identifier"],
        "s3": {
            "bucket": upload["bucket"],
            "key": upload["key"],
            "partSize": upload["partSize"],
            "presignedUrls": [{"partNumber": n, "url": _part_url(state, upload, n)} for n in range(1, upload["parts"] + 1)],
        },
    }


def tus_upload(state: BlueBillywigState, upload_id: str) -> dict[str, Any]:
    """A TUS upload by id, or 404."""
    upload = state.db["uploads"].get(upload_id)
    if upload is None or upload["flow"] != "tus":
        raise NotFoundError(f"TUS upload {upload_id} does not exist")
    return upload


def tus_complete(state: BlueBillywigState, upload_id: str, body: Any) -> dict[str, Any]:
    """``POST /sapi/tus/{id}/complete`` with ``[{PartNumber, ETag}]`` (or ``{"parts": [...]}``, newer SDKs)."""
    upload = tus_upload(state, upload_id)
    parts = body.get("parts") if isinstance(body, dict) else body
    clip = complete_multipart(state, upload, parts, "parts")
    # A subtitle uploaded without a clip belongs to none: the answer then names no mediaclipId.
    linked = {"mediaclipId": clip["id"]} if clip is not None else {}
    return {"success": True, "tusUploadId": upload["id"], "key": upload["key"], **linked, "size": upload["length"]}


def tus_abort(state: BlueBillywigState, upload_id: str) -> None:
    """``DELETE /sapi/tus/{id}``: abort the S3 multipart upload."""
    _abort(state, tus_upload(state, upload_id))


# -- PHP / Node SDK flow ---------------------------------------------------------------
def s3_start(state: BlueBillywigState, filename: str | None, filesize: str | None, contenttype: str | None, clipid: str | None) -> dict[str, Any]:
    """``GET /sapi/mediaclip/0/upload``: one presigned PUT (small files) or presigned multipart parts."""
    if filename is None or not filename.strip() or len(filename) > 255:
        raise BadRequestError("filename is required: a name that is not blank, at most 255 characters", "filename")
    length = _size("filesize", filesize)
    clip_id = _target_clip(state, clipid, "clipid")
    filetype = _content_type(contenttype)
    single = length <= _part_size(length)
    upload = _new_upload(state, "s3", filename.strip(), filetype, length, clip_id, single=single)
    progress = _progress_urls(state, upload)
    if single:
        # PHP/Node SDKs PUT one chunk and call nothing after it; the emulator notices the object in S3.
        url = state.ctx.s3.presign("put_object", upload["bucket"], upload["key"], PRESIGN_SECONDS)
        watch_for_object(state, upload["id"])
        return {
            "chunks": 1, "presignedUrls": [{"presignedUrl": url, "chunkSize": length, "offset": 0, "partNumber": 1}],
            "key": upload["key"], **progress,
        }
    urls = [
        {
            "presignedUrl": _part_url(state, upload, n),
            "chunkSize": min(upload["partSize"], length - (n - 1) * upload["partSize"]),
            "offset": (n - 1) * upload["partSize"],
            "partNumber": n,
        }
        for n in range(1, upload["parts"] + 1)
    ]
    return {"chunks": upload["parts"], "presignedUrls": urls, "key": upload["key"], "uploadId": upload["s3UploadId"], **progress}


def _progress_urls(state: BlueBillywigState, upload: dict[str, Any]) -> dict[str, str]:
    """``listPartsUrl`` and ``headObjectUrl`` (FACTS.md): presigned S3 ListParts and HeadObject for progress polling.

    The PHP SDK GETs the first: 200 with the parts so far while the multipart upload is open, 404 once it is
    completed (or for a single PUT, which has no multipart upload); then it HEADs the second: 200 = done.
    """
    s3 = state.ctx.s3
    # A single PUT has no multipart upload: an upload id S3 does not know makes ListParts answer 404 at once.
    upload_id = upload["s3UploadId"] or f"single-{upload['identifier']}"
    return {
        "listPartsUrl": s3.presign("list_parts", upload["bucket"], upload["key"], PRESIGN_SECONDS, UploadId=upload_id),
        "headObjectUrl": s3.presign("head_object", upload["bucket"], upload["key"], PRESIGN_SECONDS),
    }


# -- direct S3 upload (/sapi/awsupload) ---------------------------------------------------------
def aws_upload(state: BlueBillywigState, kind: str | None, clip_id: str | None) -> dict[str, Any]:
    """``/sapi/awsupload?type=mediaclip&mediaclipId=``: where and how to PUT a file straight into S3.

    The client uploads any object under ``path`` (the endpoint's bucket); it is linked to the clip by its
    ``x-amz-meta-uploadidentifier`` or, without it, by being the first object under the path.
    """
    if kind not in (None, "", "mediaclip"):
        raise BadRequestError(f"type must be mediaclip; got {kind!r}", "type")
    target = _target_clip(state, clip_id, "mediaclipId")
    upload = _new_upload(state, "aws", "", "application/octet-stream", 0, target, single=True)
    upload["key"] = upload["key"].rsplit("/", 1)[0] + "/"
    watch_for_object(state, upload["id"])
    s3 = state.ctx.s3
    return {
        "accessKey": ACCESS_KEY_ID,
        "acl": "private",
        "currentDate": datetime.fromtimestamp(state.now(), tz=timezone.utc).strftime("%Y%m%dT%H%M%SZ"),
        "uploadIdentifier": upload["identifier"],
        "endpoint": f"{s3.url}/{upload['bucket']}",
        "region": REGION,
        "path": upload["key"],
    }


def watch_for_object(state: BlueBillywigState, upload_id: str) -> None:
    """Look for an upload's object in S3 on the virtual clock, every S3_CHECK_SECONDS until the presign expires."""
    state.meta["pending_puts"].append(upload_id)
    schedule_check(state)


def schedule_check(state: BlueBillywigState, fresh: bool = False) -> None:
    """Make sure one sweep is scheduled, S3_CHECK_SECONDS ahead on the virtual clock.

    One sweep looks for the objects of every open upload with one S3 listing, however many uploads are
    open: a check per upload made the scheduler's work grow with them until requests waited on it.
    ``fresh`` (after a load: events do not survive a snapshot) starts a new chain; a sweep of an older
    chain that is still queued then does nothing.
    """
    if fresh or state._s3_sweep is None:
        token = object()
        state._s3_sweep = token
        state.ctx.scheduler.schedule(state.now() + S3_CHECK_SECONDS, lambda: sweep_for_objects(state, token))


def _listing(state: BlueBillywigState, bucket: str) -> dict[str, int]:
    """Key -> size of every object under the publication's upload prefix (network I/O: called without the lock)."""
    prefix = f"{state.publication['shortname']}/upload/"
    try:
        return {item["Key"]: int(item["Size"]) for item in state.ctx.s3.iter_objects(bucket, prefix)}
    except state.ctx.s3._client_error():
        return {}  # e.g. the bucket is being emptied by a reset: look again next time


def _find_object(state: BlueBillywigState, upload: dict[str, Any], listing: dict[str, int]) -> tuple[str, int] | None:
    """(key, size) of the upload's object if the listing has it (HEADs only an aws upload's candidates, for metadata)."""
    if upload["flow"] != "aws":
        size = listing.get(upload["key"])
        return None if size is None else (upload["key"], size)
    found = None
    for key in sorted(k for k in listing if k.startswith(upload["key"])):
        head = state.ctx.s3.head(upload["bucket"], key) or {}
        identifier = (head.get("Metadata") or {}).get("uploadidentifier")
        if identifier == upload["identifier"]:
            return key, listing[key]
        if identifier is None and found is None:
            found = (key, listing[key])
    return found


def sweep_for_objects(state: BlueBillywigState, token: object) -> None:
    """The scheduled sweep: find the open uploads' objects and probe them outside the lock, then ingest under it."""
    with state.lock:
        if state._s3_sweep is not token:
            return  # a chain from before a load or reset
        state._s3_sweep = None
        now = state.now()
        open_uploads = []
        for upload_id in list(state.meta["pending_puts"]):
            upload = state.db["uploads"].get(upload_id)
            if upload is None or upload["status"] != "created":
                state.meta["pending_puts"].remove(upload_id)
            elif now >= upload["created"] + PRESIGN_SECONDS:
                state.meta["pending_puts"].remove(upload_id)  # its URLs expired: nothing more can arrive
            else:
                open_uploads.append(dict(upload))
    if not open_uploads:
        return
    listings: dict[str, dict[str, int]] = {}
    results: list[tuple[dict[str, Any], tuple[str, int], Probed | None, str | None]] = []
    for upload in open_uploads:
        if upload["bucket"] not in listings:
            listings[upload["bucket"]] = _listing(state, upload["bucket"])
        found = _find_object(state, upload, listings[upload["bucket"]])
        if found is None:
            continue
        key, size = found
        probed: Probed | None = None
        error = None
        if upload["flow"] != "aws" and size != upload["length"]:
            error = f"the object holds {size} bytes, {upload['length']} were announced"
        else:
            try:
                probed = _probe_object(state, upload, key)
            except ApiError as exc:
                error = exc.message
        results.append((upload, found, probed, error))
    with state.lock:
        for upload, (key, size), probed, error in results:
            _settle_found(state, upload["id"], key, size, probed, error)
        if state.meta["pending_puts"]:
            schedule_check(state)


def _settle_found(state: BlueBillywigState, upload_id: str, key: str, size: int, probed: Probed | None, error: str | None) -> None:
    """Under the lock: give a found object to its upload (it may have been aborted or reset meanwhile)."""
    record = state.db["uploads"].get(upload_id)
    if record is None or record["status"] != "created" or upload_id not in state.meta["pending_puts"]:
        return
    state.meta["pending_puts"].remove(upload_id)
    if record["flow"] == "aws":
        record["key"] = key
        record["filename"] = key.rsplit("/", 1)[-1]
        record["length"] = size
    if probed is None or (record["clipid"] is not None and record["clipid"] not in state.db["mediaclips"]):
        record["status"] = "failed"
        record["error"] = error or "the mediaclip is gone"
        return
    _apply_ingest(state, record, probed)


def _s3_upload(state: BlueBillywigState, key: Any, s3_upload_id: Any) -> dict[str, Any]:
    if not isinstance(key, str) or not key:
        raise BadRequestError("s3FileKey is required", "s3FileKey")
    if not isinstance(s3_upload_id, str) or not s3_upload_id:
        raise BadRequestError("s3UploadId is required", "s3UploadId")
    upload = state.db["uploads"].find(lambda u: u["key"] == key and u["s3UploadId"] == s3_upload_id)
    if upload is not None:
        return upload
    raise NotFoundError(f"no upload started with key {key!r} and upload id {s3_upload_id!r}")


def s3_complete(state: BlueBillywigState, body: Any, clipid: str | None) -> dict[str, Any]:
    """``PUT /sapi/mediaclip/0/completeUpload`` with ``{s3FileKey, s3UploadId, s3Parts}``."""
    if not isinstance(body, dict):
        raise BadRequestError("the body (or the json parameter) must be {s3FileKey, s3UploadId, s3Parts}")
    upload = _s3_upload(state, body.get("s3FileKey"), body.get("s3UploadId"))
    if clipid not in (None, "", "0"):
        target = _target_clip(state, clipid, "clipid")
        if upload["clipid"] not in (None, target):
            raise BadRequestError(f"clipid {clipid} differs from the clip the upload was started for ({upload['clipid']})", "clipid")
        upload["clipid"] = target
    clip = complete_multipart(state, upload, body.get("s3Parts"), "s3Parts")
    linked = {"mediaclipId": clip["id"]} if clip is not None else {}
    return {"success": True, "key": upload["key"], **linked, "size": upload["length"]}


def s3_abort(state: BlueBillywigState, key: str | None, s3_upload_id: str | None) -> dict[str, Any]:
    """``PUT /sapi/mediaclip/0/abortUpload?s3filekey&s3uploadid``."""
    upload = _s3_upload(state, key, s3_upload_id)
    _abort(state, upload)
    return {"success": True, "key": upload["key"]}


def _abort(state: BlueBillywigState, upload: dict[str, Any]) -> None:
    if upload["status"] != "created":
        raise ConflictError(f"upload {upload['identifier']} is already {upload['status']}")
    if upload["s3UploadId"]:
        try:
            state.ctx.s3.client.abort_multipart_upload(Bucket=upload["bucket"], Key=upload["key"], UploadId=upload["s3UploadId"])
        except state.ctx.s3._client_error():
            pass  # already gone on the S3 side: aborting is idempotent there too
    upload["status"] = "aborted"
    if upload["id"] in state.meta["pending_puts"]:
        state.meta["pending_puts"].remove(upload["id"])


# -- completion and ingest -------------------------------------------------------------
def _parts(value: Any, name: str) -> dict[int, str]:
    if not isinstance(value, list) or not value:
        raise BadRequestError(f"{name} must be a non-empty list of {{PartNumber, ETag}}", name)
    out: dict[int, str] = {}
    for index, part in enumerate(value):
        where = f"{name}[{index}]"
        if not isinstance(part, dict) or set(part) - {"PartNumber", "ETag"}:
            raise BadRequestError(f"{where} must be an object with PartNumber and ETag", where)
        number, etag = part.get("PartNumber"), part.get("ETag")
        # The Node SDK sends PartNumber as a string read from the presigned URL.
        number = int_value(whole_number(number, f"{where}.PartNumber"), f"{where}.PartNumber", 1, 10000)
        if not isinstance(etag, str) or not etag.strip('"'):
            raise BadRequestError(f"{where}.ETag must be the ETag S3 answered for the part", f"{where}.ETag")
        if int(number) in out:
            raise BadRequestError(f"part {int(number)} is listed twice", f"{where}.PartNumber")
        out[int(number)] = etag.strip('"')
    return out


def _stored_parts(state: BlueBillywigState, upload: dict[str, Any]) -> dict[int, dict[str, Any]]:
    client = state.ctx.s3.client
    stored: dict[int, dict[str, Any]] = {}
    marker = 0
    while True:
        page = client.list_parts(Bucket=upload["bucket"], Key=upload["key"], UploadId=upload["s3UploadId"], PartNumberMarker=marker)
        for part in page.get("Parts", []):
            stored[part["PartNumber"]] = part
        if not page.get("IsTruncated"):
            return stored
        marker = page["NextPartNumberMarker"]


def complete_multipart(state: BlueBillywigState, upload: dict[str, Any], value: Any, name: str) -> dict[str, Any] | None:
    """Check the client's parts against S3, complete the upload, ingest; the clip it went to.

    Called with the state lock held (the views' ``authenticated``); the S3 calls and the probing run
    with it RELEASED, so other requests are served meanwhile. The upload is marked ``completing``
    first, so a second completion of the same upload is a 409 rather than a race.
    """
    if upload["status"] != "created":
        raise ConflictError(f"upload {upload['identifier']} is already {upload['status']}")
    if upload["s3UploadId"] is None:
        raise BadRequestError(f"upload {upload['identifier']} is a single PUT; it needs no completion")
    given = _parts(value, name)
    if upload["clipid"] is not None:
        state.clip(upload["clipid"])  # purged meanwhile -> 404, nothing completed
    upload["status"] = "completing"
    try:
        with _released(state.lock):
            probed = _complete_in_s3(state, upload, given, name)
    except ApiError as exc:
        upload["status"] = "failed" if exc.status == 422 else "created"
        if exc.status == 422:
            upload["error"] = exc.message
        raise
    except BaseException:
        upload["status"] = "created"
        raise
    if state.db["uploads"].get(upload["id"]) is not upload:
        raise ConflictError(f"the emulator was reset or restored while upload {upload['identifier']} completed")
    if upload["clipid"] is not None:
        state.clip(upload["clipid"])  # purged while S3 worked -> 404
    return _apply_ingest(state, upload, probed)


@contextmanager
def _released(lock: Any) -> Iterator[None]:
    """Let go of the (re-entrant) state lock for the duration, then take it back as deeply as before."""
    depth = 0
    while True:
        try:
            lock.release()
        except RuntimeError:  # not held (any more) by this thread
            break
        depth += 1
    try:
        yield
    finally:
        for _ in range(depth):
            lock.acquire()


def _complete_in_s3(state: BlueBillywigState, upload: dict[str, Any], given: dict[int, str], name: str) -> Probed:
    """The I/O of a completion, outside the lock: parts checked against S3, the upload completed, the object probed."""
    try:
        stored = _stored_parts(state, upload)
    except state.ctx.s3._client_error() as exc:
        raise ConflictError(f"the multipart upload is gone from S3: {exc}") from None
    expected = range(1, upload["parts"] + 1)
    missing = [n for n in expected if n not in given]
    if missing:
        raise BadRequestError(f"{name} lacks part(s) {', '.join(map(str, missing))} of {upload['parts']}", name)
    extra = sorted(set(given) - set(expected))
    if extra:
        raise BadRequestError(f"{name} names part(s) {', '.join(map(str, extra))}, but the upload has {upload['parts']}", name)
    for number in expected:
        if number not in stored:
            raise BadRequestError(f"part {number} was never uploaded to S3", name)
        if stored[number]["ETag"].strip('"') != given[number]:
            raise BadRequestError(f"the ETag of part {number} ({given[number]}) is not the one S3 stored for it", name)
    total = sum(stored[n]["Size"] for n in expected)
    if total != upload["length"]:
        raise BadRequestError(f"the parts hold {total} bytes but the upload was announced as {upload['length']} bytes", name)
    try:
        state.ctx.s3.client.complete_multipart_upload(
            Bucket=upload["bucket"], Key=upload["key"], UploadId=upload["s3UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": stored[n]["ETag"]} for n in expected]},
        )
    except state.ctx.s3._client_error() as exc:
        raise BadRequestError(f"S3 refused to complete the upload: {exc}") from None
    return _probe_object(state, upload, upload["key"])


IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "webp", "bmp", "tif", "tiff"})
SUBTITLE_TYPES = frozenset({"text/vtt", "application/x-subrip", "text/srt"})
DOCUMENT_EXTENSIONS = frozenset({"pdf", "doc", "docx", "ppt", "pptx", "xls", "xlsx", "odt", "txt"})


@dataclass(frozen=True)
class Probed:
    """What an uploaded object turned out to be: category (av, image, subtitle, document) and its facts."""

    category: str
    blob_key: str
    size: int
    extension: str
    info: MediaInfo | None = None
    width: int = 0
    height: int = 0


def upload_category(filetype: str, filename: str) -> str:
    """av, image, subtitle or document, from the declared type and the file name (the Python SDK's upload_file)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if filetype.startswith("image/") or extension in IMAGE_EXTENSIONS:
        return "image"
    if filetype in SUBTITLE_TYPES or extension in ("srt", "vtt"):
        return "subtitle"
    if filetype.startswith("application/pdf") or filetype.startswith("application/vnd.") or extension in DOCUMENT_EXTENSIONS:
        return "document"
    return "av"


def _check_subtitle(path: str, name: str) -> None:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read(1 << 20)
    except (UnicodeDecodeError, OSError):
        raise unprocessable(f"{name} is not a subtitle file: it is not UTF-8 text") from None
    if "-->" not in text:
        raise unprocessable(f"{name} is not a subtitle file: no cue (no '-->' timing line)")


def _probe_object(state: BlueBillywigState, upload: dict[str, Any], key: str) -> Probed:
    """Read an object back from S3 and check it for its category; the blob keeps it as the media source.

    ConflictError when it cannot be read, 422 when it is not what it claims to be.
    """
    name = key.rsplit("/", 1)[-1]
    category = upload_category(upload["filetype"], upload["filename"] or name)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
    handle, path = tempfile.mkstemp(prefix="bb-ingest-", dir=os.environ.get("TMPDIR"))
    os.close(handle)
    try:
        try:
            size = state.ctx.s3.download(upload["bucket"], key, path)
        except S3Error as exc:
            raise ConflictError(f"the uploaded object cannot be read from S3: {exc}") from None
        info = None
        width = height = 0
        if category == "image":
            try:
                image = probe_image(path)
            except NotImageError as exc:
                raise unprocessable(f"{name} is not an image Blue Billywig can read: {exc}") from None
            width, height, extension = image.width, image.height, image.extension
        elif category == "subtitle":
            _check_subtitle(path, name)
        elif category == "av":
            try:
                info = probe_media(path)
            except NotMediaError as exc:
                raise unprocessable(f"{name} is not audio or video the transcoder can read: {exc}") from None
        with open(path, "rb") as handle_in:
            blob = state.ctx.blobs.put_stream(handle_in)
        return Probed(category, blob.key, size, extension, info, width, height)
    finally:
        os.unlink(path)


def ingest(state: BlueBillywigState, upload: dict[str, Any]) -> dict[str, Any] | None:
    """Read the object back from S3, check it, and give it to its clip (or subtitle); the clip, if any."""
    try:
        probed = _probe_object(state, upload, upload["key"])
    except ApiError as exc:
        if exc.status == 422:
            upload["status"] = "failed"
            upload["error"] = exc.message
        raise
    return _apply_ingest(state, upload, probed)


def _target(state: BlueBillywigState, upload: dict[str, Any], now: float, user: str) -> dict[str, Any]:
    if upload["clipid"] is not None:
        return state.clip(upload["clipid"])
    clip = new_clip_record(state, state.next_id("clip"), now, user)
    clip["title"] = os.path.splitext(upload["filename"])[0]
    state.db["mediaclips"][clip["id"]] = clip
    state.record_version(clip, "create", user)
    upload["clipid"] = clip["id"]
    return clip


def _apply_still(state: BlueBillywigState, upload: dict[str, Any], probed: Probed, now: float, user: str) -> dict[str, Any]:
    """An image or document becomes its clip's file at once (nothing to transcode)."""
    clip = _target(state, upload, now, user)
    directory = media_dir(state.publication["shortname"], now)
    width, height = probed.width, probed.height
    clip.update(
        mediatype=probed.category, originalfilename=upload["filename"], length=0,
        width=width, height=height, originalWidth=width, originalHeight=height, dar=display_aspect(width, height),
        ingested=True, transcoded=True, updated=now, sourceBlob=probed.blob_key, job=None,
        src=f"{directory}/{clip['id']}.{probed.extension}", sourceMime=upload["filetype"],
    )
    clip["thumbnails"] = thumbnails(directory, clip["id"], int(now * 1000), width, height)[:1]
    upload["status"] = "completed"
    upload["size"] = probed.size
    state.record_version(clip, "upload", user)
    return clip


def _apply_subtitle(state: BlueBillywigState, upload: dict[str, Any], probed: Probed, now: float, user: str) -> dict[str, Any] | None:
    """A subtitle file becomes a subtitle entity (of the clip named in the upload, if any)."""
    clip = state.clip(upload["clipid"]) if upload["clipid"] is not None else None
    record = create_entity(state, "subtitle", {
        "name": os.path.splitext(upload["filename"])[0], "mediaclipid": clip["id"] if clip else None,
    }, user)
    record["props"]["src"] = f"{media_dir(state.publication['shortname'], now)}/subtitle-{record['id']}.{probed.extension}"
    record["sourceBlob"] = probed.blob_key
    upload["status"] = "completed"
    upload["size"] = probed.size
    return clip


def _apply_ingest(state: BlueBillywigState, upload: dict[str, Any], probed: Probed) -> dict[str, Any] | None:
    """Give the probed file to its clip (a new one without a target) and start transcoding (no I/O)."""
    now = state.now()
    user = "upload"
    if probed.category in ("image", "document"):
        return _apply_still(state, upload, probed, now, user)
    if probed.category == "subtitle":
        return _apply_subtitle(state, upload, probed, now, user)
    info = probed.info
    assert info is not None  # av uploads are always probed
    blob_key = probed.blob_key
    clip = _target(state, upload, now, user)
    width = info.frame_width or 0 if info.has_video else 0
    height = info.frame_height or 0 if info.has_video else 0
    clip.update(
        mediatype="video" if info.has_video else "audio",
        originalfilename=upload["filename"],
        length=int(round(info.duration_ms / 1000)),
        width=width, height=height, originalWidth=width, originalHeight=height, dar=display_aspect(width, height),
        ingested=True, transcoded=False, updated=now, sourceBlob=blob_key,
    )
    clip["job"] = {
        "id": state.next_id("job"),
        "started": now,
        "duration": state.setting("transcode_seconds", DEFAULT_TRANSCODE_SECONDS),
        "hasAudio": info.audio_codec_name is not None,
        "exactMs": int(info.duration_ms),
        "size": info.size,
    }
    if clip["id"] not in state.meta["pending_jobs"]:
        state.meta["pending_jobs"].append(clip["id"])
    upload["status"] = "completed"
    upload["size"] = info.size
    state.record_version(clip, "upload", user)
    return clip
