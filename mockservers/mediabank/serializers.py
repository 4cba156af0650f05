"""Domain records to the emulator's (inferred) Mediabank JSON documents."""

from __future__ import annotations

from typing import Any

from mockservers.mediabank.state import MediabankState, iso_time


def asset_json(asset: dict[str, Any]) -> dict[str, Any]:
    """An asset with its metadata and linked file (null until an ingest completes)."""
    return {
        "id": asset["id"],
        "company_id": asset["company_id"],
        "status": asset["status"],
        "metadata": asset["metadata"],
        "file": asset["file"],
        "revision": asset["revision"],
        "application": asset["application"],
        "created_by": asset["created_by"],
        "updated_by": asset["updated_by"],
        "created_at": iso_time(asset["created"]),
        "updated_at": iso_time(asset["updated"]),
    }


def ingest_json(state: MediabankState, ingest: dict[str, Any]) -> dict[str, Any]:
    """An ingest request as of the virtual clock's now."""
    progress = state.ingest_progress(ingest)
    status = progress["status"]
    asset = state.db["assets"].get(str(ingest["asset_id"]))
    linked = asset["file"] if status == "completed" and asset and asset["file"] and asset["file"]["ingest_id"] == ingest["id"] else None
    return {
        "id": ingest["id"],
        "asset_id": ingest["asset_id"],
        "storage_id": ingest["storage_id"],
        "bucket": ingest["bucket"],
        "key": ingest["key"],
        "callback_url": ingest["callback_url"],
        "status": status,
        "percent": progress["percent"],
        "eta_seconds": progress["eta_seconds"],
        "reason": ingest["failure"] if status == "failed" else None,
        "file": linked,
        "callback": ingest["callback"],
        "application": ingest["application"],
        "created_by": ingest["created_by"],
        "created_at": iso_time(ingest["created"]),
        "finished_at": iso_time(ingest["finished"]) if ingest["finalized"] and ingest["finished"] is not None else None,
    }


def storage_json(state: MediabankState, storage: dict[str, Any]) -> dict[str, Any]:
    """A storage configuration: where to upload before asking for an ingest."""
    s3 = state.ctx.s3
    info = s3.info() if s3 is not None and s3.running else None
    return {
        "id": storage["id"],
        "name": storage["name"],
        "type": storage["type"],
        "bucket": storage["bucket"],
        "region": info["region"] if info else None,
        "endpoint_url": info["endpoint_url"] if info else None,
    }
