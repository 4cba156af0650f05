"""Snapshots that carry the bytes: state, uploaded blobs and S3 objects in one tar.gz archive.

``snapshot_archive(emulator)`` / ``restore_archive(emulator, data)`` in Python;
``GET/PUT/POST /__admin/snapshot`` over HTTP; ``mockservers serve --state-dir DIR`` keeps one
archive per provider in DIR (restored on start, saved on stop and on ``POST /__admin/snapshot``).
"""

from __future__ import annotations

import io
import json
import os
import re
import tarfile
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, current_app, jsonify, request

from mockservers.core.errors import ApiError

if TYPE_CHECKING:
    from mockservers.core.emulator import Emulator

FORMAT = "mockservers-snapshot/1"
# Where the CLI records the --state-dir of an app (app.extensions key).
STATE_DIR_KEY = "mockservers.state_dir"

snapshot_blueprint = Blueprint("mockservers_snapshot", __name__, url_prefix="/__admin")


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def snapshot_archive(emulator: Emulator) -> bytes:
    """A tar.gz of the emulator's state, clock, uploaded blobs and S3 objects of its buckets."""
    buffer = io.BytesIO()
    with emulator.state.lock, tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        blobs: dict[str, dict[str, Any]] = {}
        for key in emulator.blobs:
            info = emulator.blobs.get(key)
            # Fixture media are registered again by the state's after_load; only uploaded bytes travel.
            if info is None or key.startswith("fixture:"):
                continue
            blobs[key] = {"size": info.size, "md5": info.md5}
            tar.add(info.path, arcname=f"blobs/{len(blobs):08d}")
            blobs[key]["member"] = f"blobs/{len(blobs):08d}"
        objects: list[dict[str, str]] = []
        if emulator.s3 is not None and emulator.s3.running:
            with tempfile.TemporaryDirectory(prefix="mockservers-snap-") as tmp:
                for bucket in emulator.state.s3_buckets():
                    for item in emulator.s3.iter_objects(bucket):
                        member = f"s3/{len(objects):08d}"
                        local = os.path.join(tmp, "object")
                        emulator.s3.download(bucket, item["Key"], local)
                        tar.add(local, arcname=member)
                        objects.append({"bucket": bucket, "key": item["Key"], "member": member})
        manifest = {
            "format": FORMAT,
            "provider": emulator.provider.name,
            "clock": emulator.clock.time(),
            "state": emulator.state.snapshot(),
            "blobs": blobs,
            "s3": objects,
        }
        _add_bytes(tar, "manifest.json", json.dumps(manifest).encode())
    return buffer.getvalue()


def restore_archive(emulator: Emulator, data: bytes) -> None:
    """Load an archive made by :func:`snapshot_archive`; ValueError (nothing changed) when it is not one."""
    try:
        tar = tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")  # noqa: SIM115 - closed by the with below
        member = tar.extractfile("manifest.json")
        manifest = json.loads(member.read()) if member else None
    except (tarfile.TarError, KeyError, OSError, ValueError) as exc:
        raise ValueError(f"not a mockservers snapshot archive (tar.gz with manifest.json): {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} archive")
    if manifest.get("provider") != emulator.provider.name:
        raise ValueError(f"the archive is for {manifest.get('provider')!r}, not {emulator.provider.name!r}")
    members = set(tar.getnames())
    wanted = [b["member"] for b in manifest.get("blobs", {}).values()] + [o["member"] for o in manifest.get("s3", [])]
    missing = [m for m in wanted if m not in members]
    if missing or not isinstance(manifest.get("state"), dict):
        raise ValueError(f"the archive is incomplete (missing {', '.join(missing) or 'state'})")
    with tar, emulator.state.lock:
        emulator.scheduler.clear()
        emulator.blobs.clear()
        highest = 0
        for key, blob in manifest["blobs"].items():
            stream = tar.extractfile(blob["member"])
            if stream is None:
                raise ValueError(f"archive member {blob['member']} is missing")
            emulator.blobs.put_stream(stream, key=key)
            number = re.fullmatch(r"b(\d+)", key)
            highest = max(highest, int(number[1]) if number else 0)
        # New uploads must not reuse a restored key (the store numbers its keys b00000001, ...).
        emulator.blobs._counter = max(emulator.blobs._counter, highest)
        if emulator.s3 is not None and emulator.s3.running:
            for bucket in emulator.state.s3_buckets():
                emulator.s3.ensure_bucket(bucket)
                emulator.s3.empty_bucket(bucket)
            for item in manifest["s3"]:
                stream = tar.extractfile(item["member"])
                if stream is not None:
                    emulator.s3.ensure_bucket(item["bucket"])
                    emulator.s3.client.upload_fileobj(stream, item["bucket"], item["key"])
        emulator.clock.set(float(manifest["clock"]))
        emulator.state.restore(manifest["state"])


def archive_path(state_dir: str | os.PathLike[str], emulator: Emulator) -> Path:
    """Where --state-dir keeps this provider's archive."""
    return Path(state_dir) / f"{emulator.provider.name}.tar.gz"


def save(emulator: Emulator, state_dir: str | os.PathLike[str]) -> Path:
    """Write the archive into ``state_dir`` atomically (a crash never leaves half a file)."""
    target = archive_path(state_dir, emulator)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(snapshot_archive(emulator))
    os.replace(partial, target)
    return target


def load(emulator: Emulator, state_dir: str | os.PathLike[str]) -> Path | None:
    """Restore from ``state_dir`` when it holds an archive for this provider; its path, or None."""
    source = archive_path(state_dir, emulator)
    if not source.exists():
        return None
    restore_archive(emulator, source.read_bytes())
    return source


def _emulator() -> Emulator:
    return current_app.extensions["mockservers"]


@snapshot_blueprint.get("/snapshot")
def get_snapshot() -> Response:
    """The state with its bytes, as a tar.gz archive."""
    return Response(snapshot_archive(_emulator()), mimetype="application/gzip",
                    headers={"Content-Disposition": f'attachment; filename="{_emulator().provider.name}.tar.gz"'})


@snapshot_blueprint.put("/snapshot")
def put_snapshot() -> Response:
    """Restore an archive taken with GET /__admin/snapshot."""
    try:
        restore_archive(_emulator(), request.get_data())
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    return jsonify({"restored": True})


@snapshot_blueprint.post("/snapshot")
def post_snapshot() -> Response:
    """Save the archive into the server's --state-dir now."""
    state_dir = current_app.extensions.get(STATE_DIR_KEY)
    if state_dir is None:
        raise ApiError(409, "this server has no --state-dir; GET /__admin/snapshot downloads the archive instead")
    path = save(_emulator(), state_dir)
    return jsonify({"saved": str(path), "size": path.stat().st_size})
