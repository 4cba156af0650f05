"""Pixop's domain: users, teams, projects, videos, ingestion and processing jobs. No Flask here."""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

import av
import av.logging
from PIL import Image

from mockservers.core.blobs import BlobInfo
from mockservers.core.clock import parse_iso8601
from mockservers.core.demo import DemoData
from mockservers.core.errors import BadRequestError, ConflictError, NotFoundError
from mockservers.core.jobs import DONE, FAILED, IN_PROGRESS, INITIAL, Job, JobView
from mockservers.core.media import NotMediaError, probe_media
from mockservers.core.paths import fixtures_dir
from mockservers.core.safepaths import fixture_file
from mockservers.core.state import BaseState
from mockservers.core.tables import IndexSpec, RecordList
from mockservers.pixop import tokens
from mockservers.pixop.processing import plan_processing
from mockservers.pixop.transcode import TranscodeResult, transcode

DEFAULT_SETTINGS: dict[str, float] = {
    "ingest_seconds": 3.0,
    "process_seconds": 4.0,
    # Transcoding limits: above them the processed download is the source's bytes (fidelity notes).
    "transcode_max_source_bytes": 64 * 1024 * 1024,
    "transcode_max_output_pixels": 1920 * 1080 * 50,  # two seconds of 1080p at 25 fps
    # How long a status read that finds the clock past the end waits for the worker.
    "transcode_wait_seconds": 120.0,
}
SCREENSHOT_WIDTHS = {"small": 320, "large": 1920}  # inferred: Pixop documents no sizes
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 1000
METADATA_AT = 0.3  # share of an ingest after which initial metadata is available (inferred)
FAIL_AT = 0.2  # share of an ingest after which an unparseable upload is reported FAILED (inferred)
QUALITY_METRICS = ("noise", "details", "colors")  # the Java client's quality assessment sample
TOKEN_LIFETIME = tokens.TOKEN_LIFETIME_SECONDS
# The failure status sent: the official v1 client's README treats ERROR as failure
# (Pixop's newer API says FAILED); a v1 client polling for ERROR would never stop on FAILED.
FAILURE_STATUS = "ERROR"


@lru_cache(maxsize=8192)
def pixop_time(epoch: float) -> str:
    """Pixop's documented timestamp format, UTC: ``YYYY-MM-DD hh:mm:ss``."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _newest_first(record: Any) -> tuple[float, str]:
    return (-record["created"], record["id"])


def _video_group(team_id: str, project_id: str | None, parent_id: str | None) -> tuple[str | None, ...]:
    return (team_id, project_id, parent_id)


def _video_groups(video: Any) -> list[tuple[str | None, ...]]:
    """Every filter combination of GET /videos a video is listed under (team, maybe project, maybe parent)."""
    team, project, parent = video["teamId"], video["projectId"], video["parentId"]
    groups = [(team, None, None), (team, project, None)]
    if parent is not None:
        groups += [(team, None, parent), (team, project, parent)]
    return groups


# Lists answer from these (grouped, sorted, kept up to date from what a test changed).
PROJECTS_BY_TEAM = IndexSpec("pixop.projects.by_team", lambda p: (p["teamId"],), _newest_first)
VIDEOS_LISTED = IndexSpec("pixop.videos.listed", _video_groups, _newest_first)


def _hash_password(salt: str, password: str) -> str:
    return hashlib.sha256(f"{salt}:{password}".encode()).hexdigest()


def _media_path(name: str, field: str = "projects[].videos[].media") -> str:
    return str(fixture_file("media", name, field))


def _fixture_keys(videos: dict[str, Any]) -> list[str]:
    """Blob keys of the fixture media seeded videos point at (each once, in a stable order)."""
    keys = {(v.get("upload") or {}).get("blobKey") or "" for v in videos.values()}
    return sorted(k for k in keys if k.startswith("fixture:"))


class PixopState(BaseState):
    """All Pixop data of one emulator instance."""

    provider = "pixop"
    # tokens: jti -> the team a token was issued for (the real token names no team).
    tables = ("teams", "users", "projects", "videos", "tokens")

    # -- world -------------------------------------------------------------
    def default_world(self) -> dict[str, Any]:
        """fixtures/pixop/world.json."""
        return json.loads((fixtures_dir() / "pixop" / "world.json").read_text())

    def build_world(self) -> None:
        """Teams, users (with seeded signing keys), projects and pre-ingested videos."""
        world = self.world
        demo = DemoData()
        demo.seed_instance(self.seed)
        epoch = parse_iso8601(world.get("epoch", "2026-01-05T09:00:00Z")).timestamp()
        self.meta = {"epoch": epoch}
        team_ids: dict[str, str] = {}
        for index, team in enumerate(world.get("teams", [])):
            created = epoch - 86400 * (60 - index)
            team_id = self.ids.uuid()
            team_ids[team["key"]] = team_id
            self.db["teams"][team_id] = {
                "id": team_id, "name": team.get("name") or demo.company(), "created": created, "updated": created,
            }
        user_ids: dict[str, str] = {}
        for index, user in enumerate(world.get("users", [])):
            created = epoch - 86400 * (50 - index)
            user_id = self.ids.uuid()
            user_ids[user["key"]] = user_id
            missing = [t for t in user.get("teams", []) if t not in team_ids]
            if missing or not user.get("teams"):
                raise ValueError(f"user {user['key']!r} names unknown or no teams: {missing}")
            salt = self.ids.hex(8)
            record = {
                "id": user_id,
                "key": user["key"],
                "name": user.get("name") or demo.name(),
                "email": user["email"],
                "password_salt": salt,
                "password_hash": _hash_password(salt, user["password"]),
                "demo_password": user["password"],
                "teams": [team_ids[t] for t in user["teams"]],
                "banned": bool(user.get("banned", False)),
                "bannedReason": user.get("bannedReason") if user.get("banned") else None,
                "bannedDate": created + 86400 if user.get("banned") else None,
                "created": created,
                "updated": created,
            }
            self._new_auth_key(record)
            self._new_signature_secret(record)
            self.db["users"][user_id] = record
        for index, project in enumerate(world.get("projects", [])):
            created = epoch - 86400 * (30 - index)
            owner = user_ids[project.get("owner", "demo")]
            project_id = self._add_project(team_ids[project["team"]], project.get("name") or demo.catch_phrase(), created)
            # isSample (the Java client's Project): Pixop's sample projects; which one is inferred.
            self.db["projects"][project_id]["sample"] = bool(project.get("sample", False))
            for number, video in enumerate(project.get("videos", [])):
                self._seed_video(project_id, owner, video, created + 600 * (number + 1), demo)
        for team_key, team_id in team_ids.items():
            owner = next((uid for key, uid in user_ids.items() if team_id in self.db["users"][uid]["teams"]), None)
            for number in range(int(world.get("generated_projects_per_team", 0))):
                created = epoch - 86400 * (20 - number) - 3600 * len(team_key)
                project_id = self._add_project(team_id, demo.catch_phrase(), created)
                for count in range(int(world.get("generated_videos_per_project", 0))):
                    media = "small.mov" if count % 2 == 0 else None
                    self._seed_video(project_id, owner or "", {"media": media, "ingest": "full"}, created + 900 * (count + 1), demo)

    def _seed_video(self, project_id: str, owner: str, spec: dict[str, Any], created: float, demo: DemoData) -> None:
        project = self.db["projects"][project_id]
        video = self._new_video(project, owner, spec.get("name") or demo.sentence(nb_words=3).rstrip("."), created)
        video["description"] = demo.paragraph(nb_sentences=2)
        media = spec.get("media")
        if media:
            info = self.ctx.blobs.put_file(_media_path(media), key=f"fixture:{media}")
            # Seeded media were ingested long ago: a fixed duration keeps the world independent of settings.
            self._attach_upload(
                video, info, media, spec.get("ingest", "full") == "light", created + 60, DEFAULT_SETTINGS["ingest_seconds"]
            )

    def after_load(self) -> None:
        """Fixture media are registered with the blob store under stable keys."""
        # The paths are resolved (and checked) in the scan, so once per built world while videos are pristine.
        def fixture_paths(videos: dict[str, Any]) -> list[tuple[str, str]]:
            return [(key, _media_path(key.split(":", 1)[1], "db.videos[].upload.blobKey")) for key in _fixture_keys(videos)]

        for key, path in self.scan("videos", "fixture_paths", fixture_paths):
            if self.ctx.blobs.get(key) is None:
                self.ctx.blobs.put_file(path, key=key)

    def credentials(self) -> dict[str, Any]:
        """The demo user's login and default team."""
        demo = next((u for u in self.db["users"].values() if u["key"] == "demo"), None) or next(iter(self.db["users"].values()))
        return {"email": demo["email"], "password": demo["demo_password"], "team_id": demo["teams"][0], "user_id": demo["id"]}

    def user_by_key(self, key: str) -> dict[str, Any]:
        """A seeded user by its world key (demo, other, banned)."""
        user = self.db["users"].find(lambda u: u["key"] == key)
        if user is None:
            raise KeyError(key)
        return user

    # -- settings ------------------------------------------------------------
    def _setting(self, name: str) -> float:
        return float(self.ctx.settings.get(name, DEFAULT_SETTINGS[name]))

    # -- accounts ------------------------------------------------------------
    def _new_auth_key(self, user: dict[str, Any]) -> None:
        user["authGeneration"] = user.get("authGeneration", 0) + 1
        user["authSecret"] = self.ids.hex(32)
        user["authKeyId"] = tokens.key_id(user["authGeneration"])

    def _new_signature_secret(self, user: dict[str, Any]) -> None:
        user["signatureSecret"] = self.ids.hex(32)

    def login(self, email: str, password: str) -> dict[str, Any]:
        """The user with these Basic credentials, or AuthException."""
        wanted = email.lower()
        user = self.db["users"].find(lambda u: u["email"].lower() == wanted)
        if user is None or _hash_password(user["password_salt"], password) != user["password_hash"]:
            raise tokens.auth_error("AuthException", "authentication failed: unknown email or wrong password")
        if user["banned"]:
            raise tokens.auth_error("UserBannedException", f"user {user['email']} is banned: {user['bannedReason']}", 403)
        return user

    def team_of(self, user: dict[str, Any], team_id: str | None) -> str:
        """The team a new token is for: ``team_id`` if the user is in it, else the user's first team."""
        if team_id is None:
            return user["teams"][0]
        if team_id not in user["teams"]:
            raise tokens.auth_error("AuthException", f"user {user['email']} is not a member of team {team_id}", 403)
        return team_id

    def issue_token(self, user: dict[str, Any], team_id: str | None) -> dict[str, str]:
        """A 15-minute JWT for the user, scoped to ``team_id`` (default: the user's first team)."""
        with self.lock:
            team_id = self.team_of(user, team_id)
            token = self.mint_token(user["id"], team_id)
            return {"userId": user["id"], "teamId": team_id, "jwtToken": token}

    def mint_token(self, user_id: str, team_id: str, /, *, lifetime: float | None = TOKEN_LIFETIME, **claims: Any) -> str:
        """Sign a token for tests: override or drop claims (``exp=None`` makes an eternal token).

        The token's team is remembered under its ``jti`` (the real token carries no team claim).
        """
        user = self.db["users"][user_id]
        now = int(self.now())
        payload: dict[str, Any] = {
            "jti": self.ids.uuid(), "iat": now, "sub": tokens.SUBJECT, "iss": tokens.ISSUER, "nbf": now, "user_id": user_id,
        }
        if lifetime is not None:
            payload["exp"] = now + int(lifetime)
        payload.update(claims)
        payload = {k: v for k, v in payload.items() if v is not None}
        if isinstance(payload.get("jti"), str):
            self.db["tokens"][payload["jti"]] = {"userId": user_id, "teamId": team_id}
        return tokens.sign(payload, user["authSecret"], user["authKeyId"])

    def authenticate(self, token: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """(user, team) for a bearer token, or the documented exception for what is wrong with it."""
        claims = tokens.unverified_claims(token)
        tokens.check_claims(claims)
        db = self.db
        user = db["users"].get(claims["user_id"])
        if user is None:
            # No user's secret can verify it: the client's test program expects an unknown (real,
            # expired) Pixop token to be refused as invalid.
            raise tokens.auth_error("InvalidJWTTokenFoundException", "the JWT token was not signed for a user of this service")
        jti = claims.get("jti")
        issued = db["tokens"].get(jti) if isinstance(jti, str) else None
        # A token this emulator did not issue (no known jti) acts for the user's first team.
        team_id = issued["teamId"] if issued else user["teams"][0]
        teams = db["teams"]
        if (issued and issued["userId"] != user["id"]) or team_id not in user["teams"] or team_id not in teams:
            raise tokens.auth_error(
                "InconsistentJWTClaimsException", "the token's claims (user_id, jti) do not name a user and one of their teams"
            )
        tokens.verify(token, user["authSecret"], self.now())
        if user["banned"]:
            raise tokens.auth_error("UserBannedException", f"user {user['email']} is banned: {user['bannedReason']}", 403)
        return user, teams[team_id]

    def rotate_auth_secret(self, user: dict[str, Any]) -> dict[str, Any]:
        """New signing key: tokens signed with the old one stop working."""
        with self.lock:
            self._new_auth_key(user)
            user["updated"] = self.now()
            return user

    def rotate_signature_secret(self, user: dict[str, Any]) -> dict[str, Any]:
        """New shared secret for signed API requests."""
        with self.lock:
            self._new_signature_secret(user)
            user["updated"] = self.now()
            return user

    def update_password(self, user: dict[str, Any], new_password: Any) -> dict[str, Any]:
        """Set a new password; the old one stops working."""
        if not isinstance(new_password, str) or not 8 <= len(new_password) <= 256:
            raise BadRequestError("newPassword must be a string of 8 to 256 characters", "newPassword")
        with self.lock:
            user["password_salt"] = self.ids.hex(8)
            user["password_hash"] = _hash_password(user["password_salt"], new_password)
            user["demo_password"] = new_password
            user["updated"] = self.now()
            return user

    def other_teams(self, user: dict[str, Any], team: dict[str, Any]) -> list[dict[str, Any]]:
        """The user's teams other than the token's."""
        return [self.db["teams"][t] for t in user["teams"] if t != team["id"]]

    # -- projects ------------------------------------------------------------
    def _add_project(self, team_id: str, name: str, created: float, default: bool = False) -> str:
        project_id = self.ids.uuid()
        self.db["projects"][project_id] = {
            "id": project_id, "name": name, "teamId": team_id, "created": created, "updated": created, "default": default,
        }
        return project_id

    def project(self, team_id: str, project_id: str) -> dict[str, Any]:
        """A project of this team, or 404 (other teams' projects are invisible)."""
        project = self.db["projects"].get(project_id)
        if project is None or project["teamId"] != team_id:
            raise NotFoundError(f"project {project_id} not found", "ProjectNotFoundException")
        return project

    def create_project(self, team_id: str, name: str) -> dict[str, Any]:
        """New project in the team."""
        with self.lock:
            return self.db["projects"][self._add_project(team_id, name, self.now())]

    def update_project(self, team_id: str, project_id: str, name: str) -> dict[str, Any]:
        """Rename a project."""
        with self.lock:
            project = self.project(team_id, project_id)
            project["name"] = name
            project["updated"] = self.now()
            return project

    def delete_project(self, team_id: str, project_id: str) -> None:
        """Delete an empty project; one with videos is refused (seed: they must be deleted first)."""
        with self.lock:
            project = self.project(team_id, project_id)
            count = sum(1 for v in self.db["videos"].values() if v["projectId"] == project["id"])
            if count:
                raise ConflictError(
                    f"project {project_id} still has {count} video(s); delete them first", "ProjectNotEmptyException"
                )
            del self.db["projects"][project_id]

    def list_projects(self, team_id: str) -> RecordList:
        """The team's projects, newest first (read-only records, from an index: no rescan per page)."""
        projects = self.db["projects"]
        return RecordList(projects, projects.ordered(PROJECTS_BY_TEAM, team_id))

    # -- videos --------------------------------------------------------------
    def _new_video(self, project: dict[str, Any], user_id: str, name: str, created: float, parent_id: str | None = None) -> dict[str, Any]:
        video_id = self.ids.uuid()
        video = {
            "id": video_id,
            "name": name,
            "description": None,
            "projectId": project["id"],
            "teamId": project["teamId"],
            "userId": user_id,
            "parentId": parent_id,
            "attributes": {},
            "created": created,
            "updated": created,
            "upload": None,
            "ingest": None,
            "processing": None,
        }
        self.db["videos"][video_id] = video
        return video

    def video(self, team_id: str, video_id: str) -> dict[str, Any]:
        """A video of this team, or 404."""
        video = self.db["videos"].get(video_id)
        if video is None or video["teamId"] != team_id:
            raise NotFoundError(f"video {video_id} not found", "VideoNotFoundException")
        return video

    def create_video(self, team_id: str, user_id: str, name: str | None, project_id: str | None) -> dict[str, Any]:
        """New empty video; without a project it goes to the team's default project (inferred)."""
        with self.lock:
            if project_id is not None:
                project = self.project(team_id, project_id)
            else:
                project = self.db["projects"].find(lambda p: p["teamId"] == team_id and p.get("default"))
                if project is None:
                    project = self.db["projects"][self._add_project(team_id, "Default project", self.now(), default=True)]
            return self._new_video(project, user_id, name or "Untitled video", self.now())

    def update_video(self, team_id: str, video_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Change name, description and/or attributes."""
        with self.lock:
            video = self.video(team_id, video_id)
            video.update(changes)
            video["updated"] = self.now()
            return video

    def list_videos(self, team_id: str, project_id: str | None, parent_id: str | None) -> RecordList:
        """The team's videos, newest first, optionally filtered (read-only records, from an index)."""
        videos = self.db["videos"]
        return RecordList(videos, videos.ordered(VIDEOS_LISTED, _video_group(team_id, project_id, parent_id)))

    def delete_video(self, team_id: str, video_id: str) -> list[str]:
        """Delete a video, its processed descendants and their media; returns the deleted ids."""
        with self.lock:
            root = self.video(team_id, video_id)
            doomed = [root["id"]]
            for current in doomed:
                doomed += [v["id"] for v in self.db["videos"].values() if v["parentId"] == current]
            keys = {self.db["videos"][v]["upload"]["blobKey"] for v in doomed if self.db["videos"][v]["upload"]}
            for vid in doomed:
                del self.db["videos"][vid]
            still_used = {v["upload"]["blobKey"] for v in self.db["videos"].values() if v["upload"]}
            for key in keys - still_used:
                if key and not key.startswith("fixture:"):
                    self.ctx.blobs.delete(key)
            return doomed

    # -- upload and ingestion --------------------------------------------------
    def upload(self, team_id: str, video_id: str, blob: BlobInfo, filename: str, light: bool) -> dict[str, Any]:
        """Attach uploaded media and start ingestion (probing the real file)."""
        with self.lock:
            video = self.video(team_id, video_id)
            if video["parentId"] is not None:
                raise BadRequestError(f"video {video_id} is a processed video; media can only be uploaded to an original video")
            if video["upload"] is not None:
                raise ConflictError(f"video {video_id} already has media; create a new video to upload again", "MediaAlreadyUploadedException")
            if blob.size == 0:
                raise BadRequestError("the uploaded file is empty", "file")
            self._attach_upload(video, blob, filename, light, self.now())
            return video

    def _attach_upload(
        self, video: dict[str, Any], blob: BlobInfo, filename: str, light: bool, at: float, duration: float | None = None
    ) -> None:
        try:
            info = probe_media(blob.path)
            metadata, failure, mime, container = self._metadata_from_probe(info), None, info.mime_type, info.long_container_name
            if not info.has_video:
                metadata, failure = None, "the file has no video stream (audio only)"
        except NotMediaError as exc:
            metadata, failure, mime, container = None, f"the uploaded file is not a video: {exc}", "application/octet-stream", None
        video["upload"] = {
            "fileName": filename, "fileSize": blob.size, "fileType": mime, "fileContainerName": container,
            "blobKey": blob.key, "md5": blob.md5, "uploadedAt": at,
        }
        video["ingest"] = {
            "startedAt": at,
            "duration": self._setting("ingest_seconds") if duration is None else duration,
            "light": light,
            "metadata": metadata,
            "failureReason": failure,
            "quality": None if light or metadata is None else _quality_assessment(blob.md5, metadata),
        }
        video["updated"] = at

    @staticmethod
    def _metadata_from_probe(info: Any) -> dict[str, Any]:
        scan = {"scanningType": info.scanning_type or "progressive", "interlacedFieldOrder": info.field_order}
        return {
            "containerName": info.container_name,
            "longContainerName": info.long_container_name,
            "codecName": info.codec_name,
            "longCodecName": info.long_codec_name or info.codec_name,
            "pixelFormat": {
                "name": info.pixel_format,
                "chromaSubsampling": {"yuv": info.chroma_yuv or "4:2:0", "bits": info.chroma_bits or 8},
            },
            "frameWidth": info.frame_width,
            "frameHeight": info.frame_height,
            "scanning": {"metadata": scan, "heuristics": dict(scan)},
            "displayAspectRatio": round(info.display_aspect_ratio, 4) if info.display_aspect_ratio else None,
            "averageFramerate": round(info.average_framerate or 0.0, 3),
            "durationInMillis": info.duration_ms,
            "totalFrames": info.total_frames,
            "size": info.size,
            "videoStreamSize": info.video_stream_size,
            "bitrate": info.bit_rate,
        }

    def ingestion_view(self, video: dict[str, Any]) -> dict[str, Any]:
        """ingestionState plus what is available at the clock's now."""
        now = self.now()
        if video["parentId"] is not None:
            return self._processed_ingestion_view(video, now)
        ingest = video["ingest"]
        if ingest is None:
            state = _state_dict(INITIAL, 0.0, 0, video["created"], False, False, False)
            return {"state": state, "metadata": None, "quality": None, "failureReason": None}
        failed = ingest["metadata"] is None
        view = Job(ingest["startedAt"], ingest["duration"], fail_at_fraction=FAIL_AT if failed else None).view(now)
        metadata_ready = not failed and (view.status == DONE or view.elapsed >= METADATA_AT * ingest["duration"])
        done = view.status == DONE
        status = FAILURE_STATUS if view.status == FAILED else view.status
        state = _state_dict(
            status, view.percent, view.eta_seconds, _updated_at(ingest["startedAt"], ingest["duration"], now, FAIL_AT if failed else None),
            metadata_ready, done, done and not ingest["light"],
        )
        failure = ingest["failureReason"] if view.status == FAILED else None
        metadata = ingest["metadata"] if metadata_ready else None
        if metadata is not None and ingest["light"]:
            # Seed: light ingestion skips deep scanning-type analysis.
            metadata = {**metadata, "scanning": {"metadata": metadata["scanning"]["metadata"], "heuristics": None}}
        return {"state": state, "metadata": metadata, "quality": ingest["quality"] if done else None, "failureReason": failure}

    def _processed_ingestion_view(self, video: dict[str, Any], now: float) -> dict[str, Any]:
        processing = video["processing"]
        view = self._processing_status(video)
        done = view.status == DONE
        state = _state_dict(
            DONE if done else INITIAL, 100.0 if done else 0.0, 0 if done else view.eta_seconds,
            processing["startedAt"] + processing["duration"] if done else video["created"], done, done, False,
        )
        return {"state": state, "metadata": processing["metadata"] if done else None, "quality": None, "failureReason": None}

    # -- processing ------------------------------------------------------------
    def process(self, team_id: str, user_id: str, video_id: str, body: Any) -> dict[str, Any]:
        """Validate a process-video request and start processing into a new child video."""
        with self.lock:
            source = self.video(team_id, video_id)
            source_metadata = self._ingested_metadata(source)
            plan = plan_processing(body, source_metadata)
            child = self._new_video(self.db["projects"][source["projectId"]], user_id, f"{source['name']} (processed)", self.now(), source["id"])
            stem = (source["upload"] or {}).get("fileName") or source["name"]
            stem = stem.rsplit(".", 1)[0] if "." in stem else stem
            source_upload = self._media_upload(source)
            child["upload"] = {
                **source_upload,
                "blobKey": None,  # set by the transcoding worker
                "fileSize": plan["metadata"]["size"],
                "fileName": f"{stem}_processed.{plan['extension']}",
                "fileType": plan["mime"],
                "fileContainerName": plan["metadata"]["longContainerName"],
                "uploadedAt": self.now(),
            }
            version = 1 + sum(1 for v in self.db["videos"].values() if v["parentId"] == source["id"] and v["id"] != child["id"])
            child["processing"] = {
                "startedAt": self.now(),
                "duration": self._setting("process_seconds"),
                "version": version,
                "parameters": plan["parameters"],
                "metadata": plan["metadata"],
                "plan": plan,
                "sourceBlobKey": source_upload["blobKey"],
                "outputReady": False,
                "fallbacks": [],
            }
            self._start_transcode(child)
            return child

    # -- the transcoding worker --------------------------------------------------
    def reset(self) -> None:
        """Back to the seeded world; queued transcodes of the old world are dropped."""
        executor = getattr(self, "_executor", None)
        if executor is not None:
            # A running job finishes on its own thread and is discarded (its video is gone).
            executor.shutdown(wait=False, cancel_futures=True)
        super().reset()

    def _start_transcode(self, child: dict[str, Any]) -> Future[None]:
        """Transcode on a worker thread so the emulator keeps answering; one job at a time."""
        if not hasattr(self, "_transcodes"):
            # Not in db: threads are not state (reset drops them; a restored snapshot restarts them).
            self._transcodes: dict[str, Future[None]] = {}
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pixop-transcode")
            self._attach_lock = threading.Lock()
        future = self._executor.submit(self._transcode, child, self._attach_lock)
        self._transcodes[child["id"]] = future
        return future

    def _transcode(self, child: dict[str, Any], attach_lock: threading.Lock) -> None:
        processing = child["processing"]
        source = self.ctx.blobs.get(processing["sourceBlobKey"])
        limits = {name: self._setting(name) for name in ("transcode_max_source_bytes", "transcode_max_output_pixels")}
        try:
            result = transcode(source.path, processing["plan"], limits) if source else TranscodeResult(None, None, ["the source file is gone"])
        except Exception as exc:  # a worker must never leave a job without an outcome
            result = TranscodeResult(None, None, [f"transcoding failed ({type(exc).__name__}: {exc}): the download is the source's bytes"])
        # The attach lock, not the state lock: a request holding the state lock may be waiting for us.
        with attach_lock:
            if self.db["videos"].get(child["id"]) is not child:  # deleted or reset meanwhile
                if result.path:
                    os.unlink(result.path)
                return
            upload = child["upload"]
            try:
                if result.path:
                    with open(result.path, "rb") as written:  # copied in: the store owns (and deletes) it
                        info = self.ctx.blobs.put_stream(written)
                    probe = probe_media(info.path)
                    processing["metadata"] = self._metadata_from_probe(probe)
                    upload.update(blobKey=info.key, md5=info.md5, fileSize=info.size, fileContainerName=probe.long_container_name)
            except Exception as exc:
                result = TranscodeResult(None, None, result.fallbacks + [f"the output could not be stored or probed ({exc})"])
            finally:
                if result.path and os.path.exists(result.path):
                    os.unlink(result.path)
            if not result.path:
                upload.update(blobKey=processing["sourceBlobKey"], fileSize=source.size if source else None)
            processing["fallbacks"] = result.fallbacks
            processing["outputReady"] = True

    def _output_ready(self, video: dict[str, Any]) -> bool:
        """Wait (bounded) for the worker of a processed video whose job the clock says is over."""
        processing = video["processing"]
        if processing["outputReady"]:
            return True
        # The worker writes into the record: the state's own copy, not a read-only one a list handed out.
        video = self.db["videos"].get(video["id"], video)
        processing = video["processing"]
        future = getattr(self, "_transcodes", {}).get(video["id"])
        for _ in range(2):
            if future is None or (future.done() and not processing["outputReady"]):
                # Restored from a snapshot: the worker of the original process (or of the record
                # before restore()) is gone or wrote to a record that no longer exists. Start again.
                future = self._start_transcode(video)
            try:
                future.result(timeout=self._setting("transcode_wait_seconds"))
            except FutureTimeout:
                return False
            except Exception:  # the worker's own failure handling did not run: not ready, never DONE
                return False
            if processing["outputReady"]:
                return True
        return False

    def _processing_status(self, video: dict[str, Any]) -> Any:
        """The job on the clock, held at 99 % while the file is not written yet (DONE means the file exists)."""
        processing = video["processing"]
        view = Job(processing["startedAt"], processing["duration"]).view(self.now())
        if view.status == DONE and not self._output_ready(video):
            return JobView(IN_PROGRESS, 99.0, 1, view.elapsed)
        return view

    def processing_fallbacks(self, video: dict[str, Any]) -> list[str]:
        """How the processed file differs from the request (for the journal)."""
        processing = video.get("processing")
        return list(processing["fallbacks"]) if processing else []

    def _ingested_metadata(self, video: dict[str, Any]) -> dict[str, Any]:
        view = self.ingestion_view(video)
        if view["state"]["ingestionStatus"] != DONE or view["metadata"] is None:
            status = view["state"]["ingestionStatus"]
            reason = "no media has been uploaded" if video["upload"] is None and video["parentId"] is None else f"ingestion is {status}"
            raise ConflictError(f"video {video['id']} cannot be processed yet: {reason}", "VideoNotIngestedException")
        return view["metadata"]

    def _media_upload(self, video: dict[str, Any]) -> dict[str, Any]:
        upload = video["upload"]
        if upload is None:
            raise ConflictError(f"video {video['id']} has no media", "MediaNotFoundException")
        return upload

    def processing_view(self, video: dict[str, Any]) -> dict[str, Any] | None:
        """processingState of a processed video at the clock's now (None for originals)."""
        processing = video["processing"]
        if processing is None:
            return None
        view = self._processing_status(video)
        return {
            "updatedAt": pixop_time(_updated_at(processing["startedAt"], processing["duration"], self.now(), None)),
            "processingStatus": view.status,
            "processingProgressPercent": view.percent,
            "etaSeconds": view.eta_seconds,
            "version": processing["version"],
        }

    # -- downloads ---------------------------------------------------------------
    def original_media(self, team_id: str, video_id: str) -> tuple[dict[str, Any], BlobInfo]:
        """The uploaded file of an original video."""
        video = self.video(team_id, video_id)
        if video["parentId"] is not None or video["upload"] is None:
            raise NotFoundError(f"video {video_id} has no original media", "MediaNotFoundException")
        return video["upload"], self._blob(video["upload"])

    def processed_media(self, team_id: str, video_id: str) -> tuple[dict[str, Any], BlobInfo]:
        """The processed file of a processed video, once processing is DONE."""
        video = self.video(team_id, video_id)
        if video["processing"] is None:
            raise NotFoundError(f"video {video_id} is not a processed video; use its processedVideoId", "MediaNotFoundException")
        status = self.processing_view(video)["processingStatus"]  # type: ignore[index]
        if status != DONE:
            raise ConflictError(f"processed media of video {video_id} is not ready: processing is {status}", "MediaNotReadyException")
        return video["upload"], self._blob(video["upload"])

    def screenshot(self, team_id: str, video_id: str, size: str) -> tuple[dict[str, Any], BlobInfo]:
        """A real JPEG frame of the video (``small``: 320 px wide; ``large``: full size up to 1920 px), made once and kept."""
        video = self.video(team_id, video_id)
        if video["processing"] is not None:
            upload, media = self.processed_media(team_id, video_id)
        else:
            upload, media = self.original_media(team_id, video_id)
            if self.ingestion_view(video)["state"]["ingestionStatus"] != DONE:
                raise ConflictError(f"screenshots of video {video_id} are made during ingestion, which is not DONE", "MediaNotReadyException")
        key = f"screenshot-{upload['md5']}-{size}"
        blob = self.ctx.blobs.get(key)
        if blob is None:
            try:
                # Over the transcoding size limit only the first frame is decoded (cheap), else the middle one.
                middle = media.size <= self._setting("transcode_max_source_bytes")
                blob = self.ctx.blobs.put_bytes(_jpeg_frame(media.path, SCREENSHOT_WIDTHS[size], middle), key=key)
            except NotMediaError as exc:
                raise NotFoundError(f"video {video_id} has no frame to show: {exc}", "MediaNotFoundException") from None
        stem = upload["fileName"].rsplit(".", 1)[0] if upload.get("fileName") else video["id"]
        return {**upload, "fileName": f"{stem}_{size}.jpg", "fileType": "image/jpeg", "md5": blob.md5}, blob

    def _blob(self, upload: dict[str, Any]) -> BlobInfo:
        blob = self.ctx.blobs.get(upload["blobKey"])
        if blob is None:
            raise NotFoundError("the media file is no longer stored", "MediaNotFoundException")
        return blob

    def video_updated(self, video: dict[str, Any]) -> float:
        """timeLastUpdated: the newest edit or job transition."""
        latest = video["updated"]
        for job in (video["ingest"], video["processing"]):
            if job:
                latest = max(latest, _updated_at(job["startedAt"], job["duration"], self.now(), None))
        return latest



def _state_dict(status: str, percent: float, eta: int, updated: float, metadata: bool, committed: bool, artifacts: bool) -> dict[str, Any]:
    return {
        "updatedAt": pixop_time(updated),
        "ingestionStatus": status,
        "videoMetadataAvailable": metadata,
        "videoMetadataCommitted": committed,
        # An Integer in the client's VideoIngestionState.
        "processingProgressPercent": int(percent),
        "etaSeconds": eta,
        "webVideoAvailable": artifacts,
        "thumbnailsAvailable": artifacts,
        "fullFramesAvailable": artifacts,
    }


def _updated_at(started: float, duration: float, now: float, fail_at: float | None) -> float:
    """When the job last changed state: start, end of the queued phase, failure or completion."""
    marks = [started, started + 0.1 * duration, started + duration]
    if fail_at is not None:
        marks = [started, started + 0.1 * duration, started + fail_at * duration]
    return max([m for m in marks if m <= now], default=started)


def _quality_assessment(md5: str, metadata: dict[str, Any]) -> dict[str, Any]:
    """A deterministic stand-in for Pixop's quality assessment, derived from the content hash."""
    digest = bytes.fromhex(md5)
    metrics = []
    for index, name in enumerate(QUALITY_METRICS):
        raw = digest[index * 2] / 255.0
        score = round(1.0 + 4.0 * raw * min(1.0, math.log2(1 + metadata["frameHeight"] / 240.0) / 2.0 + 0.5), 2)
        score = min(5.0, score)
        metrics.append({
            "name": name,
            "sampleMean": round(raw * 100.0, 3),
            "subjectiveLabel": _label(score),
            "subjectiveScore": score,
        })
    overall = round(sum(m["subjectiveScore"] for m in metrics) / len(metrics), 2)
    return {"metrics": metrics, "overallSubjectiveScore": overall}


def _jpeg_frame(path: str, max_width: int, middle: bool = True) -> bytes:
    """The middle (or first) frame of the video as a JPEG, at most ``max_width`` wide (aspect kept, even height)."""
    try:
        with av.logging.Capture(), av.open(path) as container:
            frames = []
            for frame in container.decode(video=0):
                frames.append(frame)
                if not middle:
                    break
    except (av.FFmpegError, IndexError) as exc:
        raise NotMediaError(str(exc)) from None
    if not frames:
        raise NotMediaError("no video frames")
    image = frames[len(frames) // 2].to_image()
    if image.width > max_width:
        image = image.resize((max_width, max(2, round(image.height * max_width / image.width / 2) * 2)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def _label(score: float) -> str:
    for limit, label in ((1.0, "bad"), (2.0, "poor"), (3.0, "fair"), (4.0, "good")):
        if score < limit:
            return label
    return "excellent"

