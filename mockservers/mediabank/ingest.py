"""Ingest: pick an object up from the company's S3 storage, probe it, link it to an asset, call back."""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from mockservers.core.callbacks import Delivery
from mockservers.core.errors import BadRequestError
from mockservers.core.http import BadURLError, callback_host_allowed, parse_http_url
from mockservers.core.jobs import DONE, FAILED, INITIAL, Job
from mockservers.core.media import MediaInfo, NotMediaError, probe_media
from mockservers.core.s3 import S3Error
from mockservers.mediabank.errors import mediabank_error
from mockservers.mediabank.model import ROLE_INGEST, asset_number, valid_unicode

FAIL_AT = 0.2  # share of the run after which a failed pickup is reported (inferred)
STATUSES = {INITIAL: "queued", DONE: "completed", FAILED: "failed"}  # anything else: "running"
CALLBACK_USER_AGENT = "Mediabank-MAP-API/3 (mockservers emulator)"


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def media_record(info: MediaInfo) -> dict[str, Any]:
    """What the probe found, in the emulator's (inferred) media document."""
    video = None
    if info.has_video:
        video = {
            "codec": info.codec_name,
            "width": info.frame_width,
            "height": info.frame_height,
            "frame_rate": round(info.average_framerate or 0.0, 3),
            "pixel_format": info.pixel_format,
            "scanning": info.scanning_type or "progressive",
            "display_aspect_ratio": round(info.display_aspect_ratio, 4) if info.display_aspect_ratio else None,
            "frames": info.total_frames,
        }
    audio = None
    if info.audio_codec_name:
        audio = {"codec": info.audio_codec_name, "sample_rate": info.audio_sample_rate, "channels": info.audio_channels}
    return {
        "container": info.container_name,
        "format": info.long_container_name,
        "duration_ms": info.duration_ms,
        "bit_rate": info.bit_rate,
        "video": video,
        "audio": audio,
    }


def system_metadata(info: MediaInfo, filename: str, size: int) -> dict[str, str]:
    """The system keys ingest writes into an asset's metadata, all strings, CamelCase.

    FileStatus, MimeTypeFull and VideoWidth are keys of the real service (FACTS: a public
    integration's asset metadata); the others are named in their style (inferred).
    """
    found = {
        "FileStatus": "ready",
        "FileName": filename,
        "FileSize": str(size),
        "MimeType": info.mime_type.split("/", 1)[0],
        "MimeTypeFull": info.mime_type,
        "Duration": f"{info.duration_ms / 1000:.3f}",
        "Container": info.container_name,
    }
    if info.has_video:
        found.update({
            "VideoWidth": str(info.frame_width or 0),
            "VideoHeight": str(info.frame_height or 0),
            "VideoCodec": info.codec_name or "",
            "FrameRate": f"{info.average_framerate or 0.0:.3f}",
        })
    if info.audio_codec_name:
        found.update({
            "AudioCodec": info.audio_codec_name,
            "AudioChannels": str(info.audio_channels or 0),
            "AudioSampleRate": str(info.audio_sample_rate or 0),
        })
    return found


def file_record(
    file_id: str,
    filename: str,
    storage: dict[str, Any] | None,
    key: str,
    size: int,
    checksums: tuple[str, str],
    media: dict[str, Any],
    mime_type: str,
    ingest_id: str | None,
    at: float,
) -> dict[str, Any]:
    """The file linked to an asset (stored already in its JSON form)."""
    return {
        "id": file_id,
        "filename": filename,
        "storage_id": storage["id"] if storage else None,
        "bucket": storage["bucket"] if storage else None,
        "key": key,
        "size": size,
        "mime_type": mime_type,
        "checksum": {"md5": checksums[0], "sha256": checksums[1]},
        "media": media,
        "ingest_id": ingest_id,
        "ingested_at": _iso(at),
    }


def file_checksums(path: str) -> tuple[str, str]:
    """(md5, sha256) hex digests of a file, read in chunks."""
    md5, sha256 = hashlib.md5(), hashlib.sha256()  # noqa: S324 - a checksum, not security
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            md5.update(chunk)
            sha256.update(chunk)
    return md5.hexdigest(), sha256.hexdigest()


def _check_key(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 1024:
        raise BadRequestError("key must be the object key in the storage's bucket (1-1024 characters)", "key")
    return valid_unicode(value, "key")


def _check_callback_url(value: Any, allowed_hosts: Any = ()) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 2048:
        raise BadRequestError("callback_url must be an http(s) URL of at most 2048 characters", "callback_url")
    if any(ch < " " or ch == "\x7f" for ch in value):
        raise BadRequestError(f"callback_url must not contain control characters: {value!r}", "callback_url")
    valid_unicode(value, "callback_url")
    try:
        parts = parse_http_url(value)
    except BadURLError as exc:
        raise BadRequestError(f"callback_url {exc}: {value!r}", "callback_url") from None
    if not callback_host_allowed(parts.hostname, allowed_hosts):
        raise BadRequestError(
            f"callback_url host {parts.hostname!r} is refused: the emulator only calls back to loopback addresses "
            "unless the setting callback_allowed_hosts names the host", "callback_url",
        )
    return value


def _optional_string(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise BadRequestError(f"{name} must be a non-empty string", name)
    return value


class IngestMixin:
    """Ingest requests of :class:`~mockservers.mediabank.state.MediabankState`."""

    db: dict[str, dict[str, dict[str, Any]]]
    ctx: Any
    ids: Any
    lock: Any

    if TYPE_CHECKING:  # provided by BaseState and MediabankState

        def now(self) -> float: ...

        def require_role(self, user: dict[str, Any], role: int) -> None: ...

        def _setting(self, name: str, default: Any) -> Any: ...

    # -- runtime -----------------------------------------------------------------
    def after_load(self) -> None:
        """Unfinished ingests get their completion event back on the scheduler.

        Only future ends are scheduled: this runs under the state lock (reset, restore), and a due
        event would fire right here; due ingests are finished by the next read instead.
        """
        now = self.now()
        for ingest in self.db["ingests"].values():
            if not ingest["finalized"] and _terminal(ingest) > now:
                self.ctx.scheduler.schedule(_terminal(ingest), self.finalize_due)

    def finalize_due(self) -> None:
        """Finish every ingest whose end has come: link the file (or fail), then call back.

        Reads call this first, so what they answer never depends on which thread fired the event.
        """
        with self.lock:
            now = self.now()
            ingests = self.db["ingests"]
            # By key: the records to finish are the writable copies.
            due = [ingests[key] for key, i in ingests.items() if not i["finalized"] and _terminal(i) <= now]
            for ingest in sorted(due, key=lambda i: (_terminal(i), i["id"])):
                self._finalize(ingest)

    def _finalize(self, ingest: dict[str, Any]) -> None:
        at = _terminal(ingest)
        if ingest["failure"] is None:
            asset = self.db["assets"].get(str(ingest["asset_id"]))
            if asset is None or asset["company_id"] != ingest["company_id"]:
                ingest["failure"] = f"asset {ingest['asset_id']} was deleted before the ingest completed"
                ingest["job"]["fail_at_fraction"] = 1.0
            else:
                picked = ingest["picked"]
                storage = self.db["storages"].get(ingest["storage_id"])
                asset["file"] = file_record(
                    ingest["file_id"], ingest["key"].rsplit("/", 1)[-1], storage, ingest["key"], picked["size"],
                    (picked["md5"], picked["sha256"]), picked["media"], picked["mime_type"], ingest["id"], at,
                )
                asset["metadata"].update(picked["system"])
                asset["status"] = "ready"
                asset["updated"] = at
                asset["updated_by"] = ingest["created_by"]
                asset["revision"] += 1
        ingest["finalized"] = True
        ingest["finished"] = at
        if ingest["callback_url"]:
            self._send_callback(ingest, at)

    def _send_callback(self, ingest: dict[str, Any], at: float) -> None:
        failed = ingest["failure"] is not None
        asset = self.db["assets"].get(str(ingest["asset_id"]))
        payload = {
            "event": "ingest.failed" if failed else "ingest.completed",
            "timestamp": _iso(at),
            "ingest_id": ingest["id"],
            "asset_id": ingest["asset_id"],
            "status": "failed" if failed else "completed",
            "reason": ingest["failure"],
            "file": None if failed or asset is None else asset["file"],
        }
        ingest["callback"] = {"url": ingest["callback_url"], "status": "pending", "attempts": [], "next_attempt_at": None}
        ingest_id = ingest["id"]
        self.ctx.callbacks.send(
            ingest["callback_url"],
            payload,
            headers={"User-Agent": CALLBACK_USER_AGENT, "X-Mediabank-Event": payload["event"]},
            max_attempts=int(self._setting("callback_max_attempts", 5)),
            backoff_seconds=[float(s) for s in self._setting("callback_backoff_seconds", [10, 30, 60, 120])],
            on_update=lambda delivery: self._callback_update(ingest_id, delivery),
        )

    def _callback_update(self, ingest_id: str, delivery: Delivery) -> None:
        with self.lock:
            ingest = self.db["ingests"].get(ingest_id)
            if ingest is None:
                return
            ingest["callback"] = {
                "url": delivery.url,
                "status": delivery.status,
                "attempts": [
                    {"number": a.number, "at": _iso(a.at), "status": a.status, "error": a.error} for a in delivery.attempts
                ],
                "next_attempt_at": _iso(delivery.next_attempt_at) if delivery.next_attempt_at is not None else None,
            }

    # -- API -----------------------------------------------------------------------
    def create_ingest(self, user: dict[str, Any], application: str, body: dict[str, Any]) -> dict[str, Any]:
        """Accept an ingest request; the object is picked up now, the outcome shows on the clock."""
        self.require_role(user, ROLE_INGEST)
        if body.get("asset_id") is None:
            raise BadRequestError("asset_id is required: the id of the asset to link the file to", "asset_id")
        asset_id = asset_number(body.get("asset_id"), "asset_id")
        key = _check_key(body.get("key"))
        callback_url = _check_callback_url(body.get("callback_url"), self._setting("callback_allowed_hosts", []))
        storage = self._storage_for(user, _optional_string(body, "storage_id"), _optional_string(body, "bucket"))
        self.finalize_due()
        asset = self.db["assets"].get(str(asset_id))
        picked, failure = None, None
        if asset is None or asset["company_id"] != user["company_id"]:
            failure = f"asset {asset_id} not found"
        else:
            picked, failure = self._pick_up(storage, key)
        with self.lock:
            now = self.now()
            ingest = {
                "id": self.ids.uuid(),
                "company_id": user["company_id"],
                "asset_id": asset_id,
                "storage_id": storage["id"],
                "bucket": storage["bucket"],
                "key": key,
                "callback_url": callback_url,
                "created": now,
                # The shared job record: progress is read from it, its end schedules the finish.
                "job": Job(now, float(self._setting("ingest_seconds", 5.0)), FAIL_AT if failure else None).to_dict(),
                "created_by": int(user["id"]),
                "application": application,
                "picked": picked,
                "failure": failure,
                "file_id": self.ids.uuid(),
                "finalized": False,
                "finished": None,
                "callback": None,
            }
            self.db["ingests"][ingest["id"]] = ingest
        self.ctx.scheduler.schedule_job(Job.from_dict(ingest["job"]), lambda _view: self.finalize_due())
        return ingest

    def _storage_for(self, user: dict[str, Any], storage_id: str | None, bucket: str | None) -> dict[str, Any]:
        mine = [s for s in self.db["storages"].values() if s["company_id"] == user["company_id"]]
        if storage_id is not None:
            found = next((s for s in mine if s["id"] == storage_id), None)
            if found is None:
                raise mediabank_error(404, "storage_not_found", f"storage {storage_id} is not configured for your company")
            if bucket is not None and bucket != found["bucket"]:
                raise BadRequestError(f"bucket {bucket!r} is not the bucket of storage {storage_id} ({found['bucket']!r})", "bucket")
            return found
        if bucket is not None:
            found = next((s for s in mine if s["bucket"] == bucket), None)
            if found is None:
                raise mediabank_error(404, "storage_not_found", f"no storage of your company uses bucket {bucket!r}")
            return found
        if not mine:
            raise mediabank_error(404, "storage_not_found", "your company has no storage configured")
        return mine[0]

    def _pick_up(self, storage: dict[str, Any], key: str) -> tuple[dict[str, Any] | None, str | None]:
        """Download the object to a temporary file and probe it: (facts, None) or (None, failure reason)."""
        s3 = self.ctx.s3
        where = f"s3://{storage['bucket']}/{key}"
        if s3 is None:
            return None, f"storage {storage['name']} is not reachable"
        with tempfile.TemporaryDirectory(prefix="mediabank-ingest-") as folder:
            path = os.path.join(folder, "object")
            try:
                size = s3.download(storage["bucket"], key, path)
            except S3Error as exc:
                return None, f"the object {where} could not be read from storage {storage['name']!r}: {exc}"
            except Exception as exc:  # e.g. botocore refusing a key: still the ingest's failure, not a 500
                return None, f"the object {where} could not be read from storage {storage['name']!r}: {type(exc).__name__}: {exc}"
            if size == 0:
                return None, f"the object {where} is empty"
            md5, sha256 = file_checksums(path)
            try:
                info = probe_media(path)
            except NotMediaError as exc:
                return None, f"the object {where} is not a readable media file: {exc}"
        facts = {"size": size, "md5": md5, "sha256": sha256, "media": media_record(info), "mime_type": info.mime_type}
        return {**facts, "system": system_metadata(info, key.rsplit("/", 1)[-1], size)}, None

    def ingest(self, user: dict[str, Any], ingest_id: str) -> dict[str, Any]:
        """An ingest of the user's company, or 404."""
        self.finalize_due()
        found = self.db["ingests"].get(ingest_id)
        if found is None or found["company_id"] != user["company_id"]:
            raise mediabank_error(404, "ingest_not_found", f"ingest {ingest_id} not found")
        return found

    def list_ingests(self, user: dict[str, Any], asset_id: str | None) -> list[dict[str, Any]]:
        """The company's ingests, newest first, optionally of one asset."""
        wanted = asset_number(asset_id, "asset_id") if asset_id is not None else None
        self.finalize_due()
        with self.lock:
            found = [
                i for i in self.db["ingests"].values()
                if i["company_id"] == user["company_id"] and (wanted is None or i["asset_id"] == wanted)
            ]
        return sorted(found, key=lambda i: (-i["created"], i["id"]))

    def ingest_progress(self, ingest: dict[str, Any]) -> dict[str, Any]:
        """status, percent and updated time at the clock's now."""
        view = Job.from_dict(ingest["job"]).view(self.now())
        return {"status": STATUSES.get(view.status, "running"), "percent": view.percent, "eta_seconds": view.eta_seconds}


def _terminal(ingest: dict[str, Any]) -> float:
    """When the ingest ends: completion, or the moment its failure is reported."""
    return Job.from_dict(ingest["job"]).ends_at
