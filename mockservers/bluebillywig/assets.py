"""``/sapi/mediaasset``: renditions of a clip, created/updated by PUT (needs ``mediaclipid``). No Flask."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from mockservers.bluebillywig.state import BlueBillywigState
from mockservers.core import fidelity
from mockservers.core.errors import BadRequestError, NotFoundError
from mockservers.core.views import int_value, whole_number

ASSET_STATUSES = ("active", "inactive")
NUMBER_FIELDS = ("length", "width", "height", "bandwidth", "filesize")
# The reference's mediaasset example carries filename, filesize, jobqid and exactlength as a string ("80013.267").
ASSET_FIELDS = frozenset({"mediatype", "status", "src", "mimetype", "exactlength", "filename", "jobqid", *NUMBER_FIELDS})
_DECIMAL = re.compile(r"[0-9]{1,15}(?:\.[0-9]+)?")
BODY_FIELDS = ASSET_FIELDS | {"id", "mediaclipid", "type"}
_MEDIATYPE = re.compile(r"[A-Z0-9]+(?:_[A-Z0-9]+)*")
MAX_MILLISECONDS = 10**15


def _number(where: str, value: Any) -> int:
    # The seed's assets carry numbers as strings ("length": "30"); the kit's int_value reads both forms.
    return int_value(whole_number(value, where), where, 0, 10**15)


def _milliseconds(where: str, value: Any) -> str:
    # exactlength: milliseconds, possibly fractional; a number or its decimal string (kept as a decimal string).
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= MAX_MILLISECONDS:
        return str(value) if isinstance(value, int) else format(Decimal(repr(value)), "f")
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return value
    raise BadRequestError(f"{where} must be a number of milliseconds like 80013.267 (at most {MAX_MILLISECONDS}); got {value!r}", where)


def validate_asset(item: Any, where: str, creating: bool, allowed: frozenset[str] = ASSET_FIELDS) -> dict[str, Any]:
    """The asset fields of a body, type-checked (``mediatype`` and ``src`` required when creating)."""
    if not isinstance(item, dict):
        raise BadRequestError(f"{where} must be a mediaasset object", where)
    unknown = sorted(set(item) - allowed - {"id"})
    if unknown:
        # As for mediaclips: not known to be refused by SAPI, so ignored and warned.
        fidelity.warn(
            "unknown-field",
            f"{where}: {', '.join(unknown)[:200]} not a mediaasset attribute the emulator knows; ignored (known: {', '.join(sorted(ASSET_FIELDS))})",
            "inferred",
        )
    out: dict[str, Any] = {}
    for name in ("mediatype", "src"):
        if creating and not item.get(name):
            raise BadRequestError(f"{where}.{name} is required", f"{where}.{name}")
    if "mediatype" in item:
        if not isinstance(item["mediatype"], str) or not _MEDIATYPE.fullmatch(item["mediatype"]):
            raise BadRequestError(f"{where}.mediatype must be a rendition name like MP4_MAIN, MP4_HD or MP4_HLS", f"{where}.mediatype")
        out["mediatype"] = item["mediatype"]
    if "src" in item:
        if not isinstance(item["src"], str) or not item["src"] or len(item["src"]) > 2048:
            raise BadRequestError(f"{where}.src must be a non-empty path or URL", f"{where}.src")
        out["src"] = item["src"]
    if "status" in item:
        if item["status"] not in ASSET_STATUSES:
            raise BadRequestError(f"{where}.status must be active or inactive; got {item['status']!r}", f"{where}.status")
        out["status"] = item["status"]
    if "mimetype" in item:
        if not isinstance(item["mimetype"], str) or "/" not in item["mimetype"]:
            raise BadRequestError(f"{where}.mimetype must be a MIME type like video/mp4", f"{where}.mimetype")
        out["mimetype"] = item["mimetype"]
    for name in ("filename", "jobqid"):
        if name in item:
            if not isinstance(item[name], (str, int)) or isinstance(item[name], bool) or len(str(item[name])) > 1024:
                raise BadRequestError(f"{where}.{name} must be a string", f"{where}.{name}")
            out[name] = str(item[name])
    for name in NUMBER_FIELDS:
        if name in item:
            out[name] = _number(f"{where}.{name}", item[name])
    if "exactlength" in item:
        out["exactlength"] = _milliseconds(f"{where}.exactlength", item["exactlength"])
    if "exactlength" in out and "length" not in out:
        out["length"] = int(round(float(out["exactlength"]) / 1000))
    return out


def _new_record(state: BlueBillywigState, clip_id: str, spec: dict[str, Any]) -> dict[str, Any]:
    record = {
        "id": state.next_id("asset"),
        "mediaclipid": clip_id,
        "mediatype": spec["mediatype"],
        "status": spec.get("status", "active"),
        "src": spec["src"],
        "length": spec.get("length", 0),
        "exactlength": spec.get("exactlength", spec.get("length", 0) * 1000),
        "width": spec.get("width", 0),
        "height": spec.get("height", 0),
        "bandwidth": spec.get("bandwidth", 0),
        "mimetype": spec.get("mimetype", "video/mp4"),
        "filename": spec.get("filename", spec["src"].rsplit("/", 1)[-1]),
        "filesize": spec.get("filesize"),
        "jobqid": spec.get("jobqid"),
    }
    state.db["mediaassets"][record["id"]] = record
    return record


def add_asset_records(state: BlueBillywigState, clip: dict[str, Any], specs: list[dict[str, Any]]) -> None:
    """Store validated asset specs as the clip's assets (creation only)."""
    for spec in specs:
        clip["assets"].append(_new_record(state, clip["id"], spec)["id"])


def put_asset(state: BlueBillywigState, body: Any, asset_id: str | None, user: str) -> dict[str, Any]:
    """Create (no id; ``mediaclipid`` required) or update (id in the path or body) a mediaasset."""
    if not isinstance(body, dict):
        raise BadRequestError("the request body must be a JSON object (a mediaasset)")
    if "type" in body and body["type"] != "MediaAsset":
        raise BadRequestError(f"type must be MediaAsset; got {body['type']!r}", "type")
    if asset_id is not None and "id" in body and str(body["id"]) != asset_id:
        fidelity.warn("id-mismatch", f"id in the body ({str(body['id'])[:40]}) differs from the mediaasset addressed ({asset_id}); "
                      "the addressed one is updated", "inferred")
    target_id = asset_id or (str(body["id"]) if body.get("id") not in (None, "") else None)
    clip_ref = body.get("mediaclipid")
    if clip_ref is not None and not isinstance(clip_ref, (str, int)) or isinstance(clip_ref, bool):
        raise BadRequestError("mediaclipid must be a mediaclip id", "mediaclipid")
    if target_id is None:
        if clip_ref in (None, ""):
            raise BadRequestError("mediaclipid is required to create a mediaasset", "mediaclipid")
        spec = validate_asset(body, "mediaasset", creating=True, allowed=BODY_FIELDS)
        try:
            clip = state.clip(str(clip_ref))
        except NotFoundError:
            raise NotFoundError(f"mediaclipid {clip_ref}: mediaclip does not exist") from None
        record = _new_record(state, clip["id"], spec)
        clip["assets"].append(record["id"])
    else:
        record = state.asset(target_id)
        if clip_ref not in (None, "") and str(clip_ref) != record["mediaclipid"]:
            # Not documented; the asset stays with its clip (the emulator has no way to move one), warned.
            fidelity.warn(
                "read-only",
                f"mediaasset {record['id']} belongs to mediaclip {record['mediaclipid']}; it cannot move to {str(clip_ref)[:40]}, "
                "so mediaclipid is ignored",
                "inferred",
            )
        record.update(validate_asset(body, "mediaasset", creating=False, allowed=BODY_FIELDS))
        clip = state.clip(record["mediaclipid"])
    clip["updated"] = state.now()
    clip["updatedBy"] = user
    state.record_version(clip, "asset", user)
    return record
