"""Blue Billywig's domain state: publication, API keys, mediaclips, mediaassets, versions, uploads. No Flask."""

from __future__ import annotations

import copy
import json
from typing import Any

from mockservers.bluebillywig import auth, renditions, uploads
from mockservers.bluebillywig.world import build_world
from mockservers.core.errors import NotFoundError
from mockservers.core.paths import fixtures_dir
from mockservers.core.state import BaseState

FIRST_CLIP_ID = 4471000
FIRST_ASSET_ID = 1638195639053247


class BlueBillywigState(BaseState):
    """All data of one emulated publication."""

    provider = "bluebillywig"
    tables = ("keys", "mediaclips", "mediaassets", "versions", "uploads", "entities")
    # The token of the scheduled S3 sweep (uploads.schedule_check); runtime only, never in a snapshot.
    _s3_sweep: object | None = None

    # -- world -------------------------------------------------------------
    def default_world(self) -> dict[str, Any]:
        """fixtures/bluebillywig/world.json."""
        return json.loads((fixtures_dir() / "bluebillywig" / "world.json").read_text())

    def build_world(self) -> None:
        """Publication, keys and a few hundred seeded clips (demo data with the seed)."""
        build_world(self)

    def after_load(self) -> None:
        """Scheduled events do not survive a snapshot: look again for the objects of uploads still open."""
        self._s3_sweep = None
        if self.meta.get("pending_puts"):
            uploads.schedule_check(self, fresh=True)

    def credentials(self) -> dict[str, Any]:
        """The demo key as clients take it (``shared_secret`` = ``{keyId}-{secret}``) and the S3 endpoint."""
        key = next(k for k in self.db["keys"].values() if not k.get("revoked"))
        publication = self.publication
        creds: dict[str, Any] = {
            "shared_secret": f"{key['id']}-{key['secret']}",
            "key_id": key["id"],
            "secret": key["secret"],
            "publication": publication["shortname"],
            "publication_id": publication["id"],
        }
        s3 = self.ctx.s3
        if s3 is not None:
            creds["s3_endpoint_url"] = s3.url
            creds["s3_bucket"] = self.bucket
        return creds

    def s3_buckets(self) -> list[str]:
        """The upload bucket the presigned URLs point into."""
        return [self.bucket]

    @property
    def publication(self) -> dict[str, Any]:
        """The one publication this emulator serves."""
        return self.meta["publication"]

    @property
    def bucket(self) -> str:
        """The S3 bucket uploads land in."""
        return str(self.meta["bucket"])

    # -- settings ----------------------------------------------------------
    def setting(self, name: str, default: float) -> float:
        """A numeric provider setting (e.g. ``transcode_seconds``)."""
        return float(self.ctx.settings.get(name, default))

    # -- ids ---------------------------------------------------------------
    def next_id(self, kind: str) -> str:
        """Sequential numeric ids as SAPI uses (clips ~7 digits, assets 16 digits)."""
        counters = self.meta["counters"]
        counters[kind] += 1
        base = {"clip": FIRST_CLIP_ID, "asset": FIRST_ASSET_ID, "version": 9000000, "upload": 0, "job": 500000, "entity": 140000}[kind]
        if kind == "asset":
            return str(base + counters[kind] * 7919)
        if kind == "upload":
            return self.ids.hex(16)
        return str(base + counters[kind])

    # -- auth --------------------------------------------------------------
    def authenticate_rpctoken(self, raw: str | None) -> dict[str, Any]:
        """The API key behind an rpctoken (virtual clock, windows -1..+1)."""
        return auth.check_rpctoken(self.db["keys"], raw, self.now())

    def authenticate_jwt(self, token: str) -> dict[str, Any]:
        """The API key behind a bearer JWT."""
        return auth.check_jwt(self.db["keys"], token, self.now())

    def issue_jwt(self, key: dict[str, Any]) -> dict[str, Any]:
        """``GET /sapi/auth/token``."""
        return auth.issue_jwt(key, self.publication["id"], self.now())

    # -- lookups -----------------------------------------------------------
    def clip(self, clip_id: str) -> dict[str, Any]:
        """A clip by id (soft-deleted ones included), or 404."""
        found = self.db["mediaclips"].get(str(clip_id))
        if found is None:
            raise NotFoundError(f"mediaclip {clip_id} does not exist")
        return found

    def clip_by_sourceid(self, sourceid: str) -> dict[str, Any]:
        """The clip with this source id, or 404."""
        clip = self.db["mediaclips"].find(lambda c: c["sourceid"] == sourceid)
        if clip is not None:
            return clip
        raise NotFoundError(f"no mediaclip has sourceid {sourceid!r}")

    def asset(self, asset_id: str) -> dict[str, Any]:
        """A mediaasset by id, or 404."""
        found = self.db["mediaassets"].get(str(asset_id))
        if found is None:
            raise NotFoundError(f"mediaasset {asset_id} does not exist")
        return found

    # -- versions ----------------------------------------------------------
    def record_version(self, clip: dict[str, Any], action: str, user: str) -> None:
        """Keep a copy of the clip as it is now (``/versions`` lists these, ``?versionId=`` reads one)."""
        version_id = self.next_id("version")
        snapshot = copy.deepcopy({k: v for k, v in clip.items() if k not in ("job", "versionIds")})
        assets = self.db["mediaassets"]
        snapshot["assetRecords"] = {a: copy.deepcopy(assets.peek(a)) for a in clip["assets"] if a in assets}
        self.db["versions"][version_id] = {
            "id": version_id,
            "clipid": clip["id"],
            "date": self.now() if not self.meta.get("building") else clip["updated"],
            "updatedBy": user,
            "action": action,
            "snapshot": snapshot,
        }
        clip.setdefault("versionIds", []).append(version_id)

    def versions_of(self, clip: dict[str, Any]) -> list[dict[str, Any]]:
        """A clip's versions, newest first."""
        return [self.db["versions"][v] for v in reversed(clip.get("versionIds", []))]

    def version(self, clip: dict[str, Any], version_id: str) -> dict[str, Any]:
        """One version of this clip, or 404."""
        found = self.db["versions"].get(version_id)
        if found is None or found["clipid"] != clip["id"]:
            raise NotFoundError(f"mediaclip {clip['id']} has no version {version_id}")
        return found

    # -- renditions --------------------------------------------------------
    def attach_renditions(self, clip: dict[str, Any], has_audio: bool, exact_ms: int, stamp: float) -> None:
        """Replace the clip's assets, thumbnails and src with what transcoding produced."""
        for old in clip["assets"]:
            self.db["mediaassets"].pop(old, None)
        directory = renditions.media_dir(self.publication["shortname"], stamp)
        specs = (
            renditions.video_renditions(clip["originalWidth"], clip["originalHeight"], has_audio)
            if clip["mediatype"] == "video" and clip["originalHeight"]
            else renditions.audio_renditions()
        )
        clip["assets"] = []
        for spec in specs:
            asset_id = self.next_id("asset")
            self.db["mediaassets"][asset_id] = {
                "id": asset_id,
                "mediaclipid": clip["id"],
                "mediatype": spec["mediatype"],
                "status": "active",
                "src": f"{directory}/asset-{clip['id']}-{asset_id}.{spec['extension']}",
                "length": int(round(exact_ms / 1000)),
                "exactlength": int(exact_ms),
                "width": spec["width"],
                "height": spec["height"],
                "bandwidth": spec["bandwidth"],
                "mimetype": spec["mimetype"],
            }
            clip["assets"].append(asset_id)
        clip["thumbnails"] = renditions.thumbnails(
            directory, clip["id"], int(stamp * 1000), clip["originalWidth"], clip["originalHeight"]
        ) if clip["mediatype"] == "video" else []
        clip["src"] = f"{directory}/{clip['id']}.{specs[0]['extension']}"
        clip["transcoded"] = True

    # -- jobs --------------------------------------------------------------
    def settle(self) -> None:
        """Finish transcoding jobs whose time has come on the virtual clock (pure function of now)."""
        pending = self.meta["pending_jobs"]
        if not pending:
            return
        now = self.now()
        for clip_id in list(pending):
            clip = self.db["mediaclips"].get(clip_id)
            job = clip.get("job") if clip else None
            if job is None:
                pending.remove(clip_id)
                continue
            end = job["started"] + job["duration"]
            if now >= end:
                self.attach_renditions(clip, job["hasAudio"], job["exactMs"], end)
                clip["job"] = None
                clip["updated"] = end
                pending.remove(clip_id)
                self.record_version(clip, "transcoded", "transcoder")
