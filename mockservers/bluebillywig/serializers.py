"""Records to the SAPI's JSON: the whole mediaclip object as in the seed's example, assets, versions."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=16384)
def iso(epoch: float | None) -> str | None:
    """The seed's timestamp form, UTC: ``2021-11-29T14:20:37Z`` (None stays null)."""
    if epoch is None:
        return None
    when = datetime.fromtimestamp(epoch, tz=timezone.utc)
    # Four-digit years also before 1000 (a client's ``date`` may be any RFC 3339 year; strftime would not pad).
    return f"{when.year:04d}-{when:%m-%dT%H:%M:%S}Z"


def asset_json(asset: dict[str, Any], with_clip: bool = True) -> dict[str, Any]:
    """A mediaasset; numbers are strings, as in the seed's example."""
    body: dict[str, Any] = {
        "mediatype": asset["mediatype"],
        "id": asset["id"],
        "status": asset["status"],
        "src": asset["src"],
        "length": str(asset["length"]),
        "exactlength": str(asset["exactlength"]),
        "width": str(asset["width"]),
        "height": str(asset["height"]),
        "bandwidth": str(asset["bandwidth"]),
        "mimetype": asset["mimetype"],
    }
    if with_clip:
        # The reference's mediaasset example also carries these three.
        extra = {
            "filename": asset.get("filename") or asset["src"].rsplit("/", 1)[-1],
            "filesize": None if asset.get("filesize") is None else str(asset["filesize"]),
            "jobqid": asset.get("jobqid"),
        }
        body = {"type": "MediaAsset", **body, **extra, "mediaclipid": asset["mediaclipid"]}
    return body


def thumbnail_json(thumb: dict[str, Any]) -> dict[str, Any]:
    """A thumbnail: width/height are strings in the seed's example."""
    return {
        "src": thumb["src"],
        "width": str(thumb["width"]),
        "height": str(thumb["height"]),
        "main": bool(thumb["main"]),
        "crops": {"landscape": {"x": 0, "y": 0, "width": 1, "height": 1, "main": bool(thumb["main"])}},
    }


def clip_json(clip: dict[str, Any], assets: dict[str, dict[str, Any]], now: float, fields: list[str] | None = None) -> dict[str, Any]:
    """The whole mediaclip object in the seed's field order (``fields`` selects a subset; id is always kept)."""
    job = clip.get("job")
    running = job is not None and now < job["started"] + job["duration"]
    body: dict[str, Any] = {
        "id": clip["id"],
        "type": "MediaClip",
        "mediatype": clip["mediatype"],
        "fitmode": clip["fitmode"],
        "usetype": clip["usetype"],
        "sourcetype": clip["sourcetype"],
        "originalfilename": clip["originalfilename"],
        "length": clip["length"],
        "sourceid": clip["sourceid"],
        "title": clip["title"],
        "description": clip["description"],
        "deeplink": clip["deeplink"],
        "gendeeplink": None,
        "copyright": clip["copyright"],
        "author": clip["author"],
        "status": clip["status"],
        "publicationid": clip["publicationid"],
        "chapters": [dict(c) for c in clip["chapters"]],
        "createddate": iso(clip["created"]),
        "updateddate": iso(clip["updated"]),
        "publisheddate": iso(clip["published"]),
        "views": clip["views"],
        "width": clip["width"],
        "height": clip["height"],
        "dar": clip["dar"],
        "originalWidth": clip["originalWidth"],
        "originalHeight": clip["originalHeight"],
        "createdBy": clip["createdBy"],
        "updatedBy": clip["updatedBy"],
        "date": iso(clip["date"]),
        "src": clip["src"],
        "cat": list(clip["cat"]),
        "tags": list(clip["tags"]),
        "thumbnails": [thumbnail_json(t) for t in clip["thumbnails"]],
        "assets": [asset_json(assets[a], with_clip=False) for a in clip["assets"] if a in assets],
        # The seed shows hasJobs as the string "false".
        "hasJobs": "true" if running else "false",
        "transcodingFinished": bool(clip["transcoded"]) and not running,
        "subtitles": [],
        "transcript": None,
        "exports": None,
        "timelines": None,
        "audiotracks": None,
    }
    if clip.get("playoutoverride") is not None:
        body["playoutoverride"] = clip["playoutoverride"]
    if job is not None and running:
        body["jobs"] = [job_json(job, now)]
    if fields:
        return {k: v for k, v in body.items() if k == "id" or k in fields}
    return body


def job_json(job: dict[str, Any], now: float) -> dict[str, Any]:
    """A running transcoding job (listed under ``jobs`` while it runs)."""
    fraction = 1.0 if job["duration"] <= 0 else min(1.0, max(0.0, (now - job["started"]) / job["duration"]))
    return {
        "id": job["id"],
        "type": "transcode",
        "status": "running" if fraction < 1.0 else "finished",
        "progress": round(fraction * 100.0, 1),
        "created": iso(job["started"]),
    }


def version_json(version: dict[str, Any], latest: bool) -> dict[str, Any]:
    """One entry of a clip's version history."""
    return {
        "id": version["id"],
        "date": iso(version["date"]),
        "isLatest": latest,
        "updatedBy": version["updatedBy"],
        "action": version["action"],
    }


def list_json(items: list[dict[str, Any]], total: int, offset: int, limit: int) -> dict[str, Any]:
    """A list page: ``numfound`` (all matches) and ``items`` (this page), as SAPI's search answers."""
    return {"count": len(items), "numfound": total, "offset": offset, "limit": limit, "items": items}
