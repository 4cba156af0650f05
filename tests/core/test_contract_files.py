"""The Pixop contract files: valid 2020-12 schemas, refs that resolve, an index that covers them all.

Each response and request schema is exercised with a hand-written valid example and with
deliberately broken ones (missing required field, wrong enum, extra property, broken cross-field rule).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from werkzeug.routing import Map, Rule

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "pixop"
BASE_ID = "https://mockservers.local/contracts/pixop/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
INDEX = "endpoints.json"

T0 = "2021-07-02 10:00:00"
T1 = "2021-07-02 10:05:30"
HOST = "http://127.0.0.1:8080"
PROJECT_ID = "prj-1"
ORIGINAL_ID = "vid-1"
PROCESSED_ID = "vid-2"
# A throwaway P-256 public key: only its PEM framing matters here.
PEM = (
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEp0mrlFyHqDW/a3007Y6Mb/wfVKnN\n"
    "rZRF/ED2rx4aIhgc7H463bj8bCw7sqwZL8fIMeF4G4to66AbPTvNUWQ2ow==\n"
    "-----END PUBLIC KEY-----\n"
)


# --- loading ------------------------------------------------------------------------------------


@cache
def schema_files() -> dict[str, dict[str, Any]]:
    """Every schema document in contracts/pixop, by file name (the index excluded)."""
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(CONTRACTS.glob("*.json"))
        if path.name != INDEX
    }


@cache
def index() -> dict[str, Any]:
    """The endpoint index."""
    return json.loads((CONTRACTS / INDEX).read_text(encoding="utf-8"))


@cache
def registry() -> Registry:
    """A registry holding every schema under its $id."""
    return Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schema_files().values()
    )


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for one schema file, resolving refs through the shared registry."""
    return Draft202012Validator(
        schema_files()[name], registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def error_messages(name: str, instance: Any) -> list[str]:
    """Every validation error of ``instance`` against schema file ``name``."""
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator(name).iter_errors(instance)]


def iter_refs(node: Any) -> Iterator[str]:
    """Every $ref value anywhere in a schema document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from iter_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from iter_refs(item)


def modified(document: Any, change: Callable[[Any], object]) -> Any:
    """A deep copy of ``document`` after ``change`` mutated it."""
    copied = copy.deepcopy(document)
    change(copied)
    return copied


# --- example documents --------------------------------------------------------------------------


def url(path: str) -> str:
    """An absolute URL on the emulator."""
    return f"{HOST}{path}"


def user() -> dict[str, Any]:
    """A full user document."""
    return {
        "id": "usr-1",
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "emailConfirmed": True,
        "authSignatureMethod": "HS256",
        "authSignaturePublicKey": "ab" * 32,
        "authSignaturePublicKeyId": "key-1",
        "banned": False,
        "bannedReason": None,
        "bannedDate": None,
        "apiRequestSignatureSecret": "c2hhcmVkLXNlY3JldA==",
        "apiRequestSignatureMethod": "HmacSHA256",
        "dateCreated": T0,
        "timeLastUpdated": T1,
    }


def team(team_id: str = "team-1") -> dict[str, Any]:
    """A team document."""
    return {"id": team_id, "name": f"Team {team_id}", "dateCreated": T0, "timeLastUpdated": T1}


def project() -> dict[str, Any]:
    """A project document."""
    return {"id": PROJECT_ID, "name": "Archive", "isSample": False, "teamId": "team-1", "dateCreated": T0, "timeLastUpdated": T1}


def ingestion_state(status: str = "DONE") -> dict[str, Any]:
    """An ingestion state; DONE means everything is available."""
    done = status == "DONE"
    return {
        "updatedAt": T1,
        "ingestionStatus": status,
        "videoMetadataAvailable": done,
        "videoMetadataCommitted": done,
        "processingProgressPercent": 100 if done else 0,
        "etaSeconds": 0 if done else 60,
        "webVideoAvailable": done,
        "thumbnailsAvailable": done,
        "fullFramesAvailable": done,
    }


def processing_state(status: str = "IN_PROGRESS") -> dict[str, Any]:
    """A processing state."""
    return {
        "updatedAt": T1,
        "processingStatus": status,
        "processingProgressPercent": 100.0 if status == "DONE" else 42.5,
        "etaSeconds": 0 if status == "DONE" else 30,
        "version": 1,
    }


def original_video() -> dict[str, Any]:
    """An uploaded, fully ingested original video (metadata and quality assessment present)."""
    return {
        "id": ORIGINAL_ID,
        "name": "Interview",
        "description": None,
        "projectId": PROJECT_ID,
        "parentId": None,
        "userId": "usr-1",
        "teamId": "team-1",
        "upload": {
            "uploadState": {"updatedAt": T0, "uploadStatus": "DONE", "progress": 100},
            "hasFinishedUploading": True,
            "fileName": "interview.mov",
            "fileSize": 10485760,
            "fileType": "video/quicktime",
            "fileContainerName": "QuickTime / MOV",
        },
        "ingestion": {
            "ingestionState": ingestion_state("DONE"),
            "metadata": {
                "containerName": "mov,mp4,m4a,3gp,3g2,mj2",
                "longContainerName": "QuickTime / MOV",
                "codecName": "h264",
                "longCodecName": "H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10",
                "pixelFormat": {"name": "yuv420p", "chromaSubsampling": {"yuv": "4:2:0", "bits": 8}},
                "frameWidth": 720,
                "frameHeight": 576,
                "scanning": {
                    "metadata": {"scanningType": "interlaced", "interlacedFieldOrder": "top_field"},
                    "heuristics": {"scanningType": "interlaced", "interlacedFieldOrder": "top_field"},
                },
                "displayAspectRatio": 1.7777777777777777,
                "averageFramerate": 25.0,
                "durationInMillis": 30000,
                "totalFrames": 750,
                "size": 10485760,
                "videoStreamSize": 10000000,
                "primaryBitDepth": 8,
            },
            "qualityAssessment": {
                "metrics": [
                    {
                        "name": "brisque",
                        "sampleMean": 38.2,
                        "subjectiveLabel": "fair",
                        "subjectiveScore": 2.9,
                    },
                    {"name": "niqe", "sampleMean": 4.1, "subjectiveLabel": "good", "subjectiveScore": 3.6},
                ],
                "overallSubjectiveScore": 3.25,
            },
        },
        "processing": None,
        "attributes": {"notes": "tape 7"},
        "dateCreated": T0,
        "timeLastUpdated": T1,
    }


def processed_video() -> dict[str, Any]:
    """A processed (child) video still being processed: nothing ingested yet."""
    return {
        "id": PROCESSED_ID,
        "name": "Interview (processed)",
        "description": "1080p deinterlaced",
        "projectId": PROJECT_ID,
        "parentId": ORIGINAL_ID,
        "userId": "usr-1",
        "teamId": "team-1",
        "upload": {
            "uploadState": {"updatedAt": T1, "uploadStatus": "INITIAL", "progress": 0},
            "hasFinishedUploading": False,
            "fileName": None,
            "fileSize": None,
            "fileType": None,
            "fileContainerName": None,
        },
        "ingestion": {
            "ingestionState": ingestion_state("INITIAL"),
            "metadata": None,
            "qualityAssessment": None,
        },
        "processing": {
            "processingState": processing_state("IN_PROGRESS"),
            "processingParameters": {
                "sourceVideo": {"startPositionMilliseconds": 0, "endPositionMilliseconds": None},
                "targetVideo": {
                    "preset": None,
                    "container": {"name": "mov", "properties": {}},
                    "codec": {"name": "prores", "properties": {"profile": "standard"}},
                    "pixelFormat": {"name": "yuv422p10le", "chromaSubsampling": {"yuv": "4:2:2", "bits": 10}},
                    "bitrate": 147000000,
                    "frameWidth": 1920,
                    "frameHeight": 1080,
                    "averageFramerate": 25.0,
                    "scanning": {"scanningType": "progressive", "interlacedFieldOrder": None},
                    "videoFilters": [
                        {"name": "deint", "properties": {}},
                        {"name": "pabsr1", "properties": {"targetWidth": 1920, "targetHeight": 1080, "clarityBoost": "low"}},
                    ],
                },
            },
        },
        "attributes": {},
        "dateCreated": T1,
        "timeLastUpdated": T1,
    }


def page_links(path: str, *, next_page: bool = True) -> dict[str, Any]:
    """HAL links of page 0 of a list of two pages."""
    links = {
        "self": {"href": url(f"{path}?page=0&page-size=1")},
        "first": {"href": url(f"{path}?page=0&page-size=1")},
        "last": {"href": url(f"{path}?page=1&page-size=1")},
    }
    if next_page:
        links["next"] = {"href": url(f"{path}?page=1&page-size=1")}
    return links


def project_list() -> dict[str, Any]:
    """GET /videos/v1/projects body."""
    return {
        "pageSize": 1,
        "page": 0,
        "_links": page_links("/videos/v1/projects"),
        "_embedded": {
            "totalFound": 2,
            "projects": [
                {"_links": {"self": {"href": url(f"/videos/v1/project/{PROJECT_ID}")}}, **project()}
            ],
        },
    }


def video_list() -> dict[str, Any]:
    """GET /videos/v1/videos body (last page: a prev link, no next)."""
    links = page_links("/videos/v1/videos", next_page=False)
    links["prev"] = {"href": url("/videos/v1/videos?page=0&page-size=2")}
    items = [
        {
            "_links": {"self": {"href": url(f"/videos/v1/video/{video['id']}")}},
            "id": video["id"],
            "parentId": video["parentId"],
            "projectId": video["projectId"],
            "name": video["name"],
            "filename": video["upload"]["fileName"],
            "dateCreated": video["dateCreated"],
            "timeLastUpdated": video["timeLastUpdated"],
        }
        for video in (original_video(), processed_video())
    ]
    return {"pageSize": 2, "page": 1, "_links": links, "_embedded": {"totalFound": 4, "videos": items}}


def seed_process_request() -> dict[str, Any]:
    """The request body example of the seed doc (its text lacks a comma after "scanning"; added here)."""
    return {
        "mediaContainerCodec": {"container": "mov", "codec": "h264"},
        "appleProresProfile": "standard",
        "dnxhdHrProfile": "dnxhd_sq",
        "scanning": {
            "tag": "interlaced_tff",
            "scanningType": "interlaced",
            "interlacedFieldOrder": "top_field",
        },
        "chromaSubsampling": {"yuv": "4:2:2", "bits": 8},
        "bitrate": {"mbps": 20.5},
        "deinterlacer": "deint",
        "denoiser": "denoise",
        "stabilizer": "dejit",
        "scaler": "pabsr1",
        "resolution": {"tag": "hd_1080p", "width": 1920, "height": 1080, "aspectRatioTag": "16:9"},
        "clarityBoost": "low",
        "frameRateConverter": "fblend",
        "frameRate": {"tag": "film", "fps": 24.0},
        "postProcessor": "filmgrain",
        "range": {"startPositionMilliseconds": 0, "endPositionMilliseconds": 30000},
    }


def valid_process_request() -> dict[str, Any]:
    """The seed example reduced to the parts that obey the seed's own field table.

    Broken in the seed: appleProresProfile needs codec prores (it says h264); dnxhdHrProfile needs codec
    dnxhd (so it can never sit beside appleProresProfile); a resolution tag excludes width/height, and
    width + height + aspectRatioTag together is a bad request. Kept: the scanning tag with a matching
    scanningType/interlacedFieldOrder and the frameRate tag with a matching fps, which no rule forbids.
    """
    body = seed_process_request()
    body["mediaContainerCodec"]["codec"] = "prores"
    del body["dnxhdHrProfile"]
    body["resolution"] = {"tag": "hd_1080p"}
    return body


VALID: dict[str, list[Any]] = {
    "error.json": [
        {"exception": "ExpiredJWTTokenException", "errorMessage": "The JWT token has expired"},
        {"exception": "NoJWTTokenFoundException", "errorMessage": ""},
    ],
    "get-token.query.json": [{}, {"team-id": "team-2"}, {"team-id": "team-2", "unrelated": "x"}],
    "get-token.response.json": [
        {"userId": "usr-1", "teamId": "team-1", "jwtToken": "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c3ItMSJ9.c2ln"}
    ],
    "authenticate-token.response.json": [
        {"user": user(), "team": team()},
        {"user": user(), "team": team("team-2")},
    ],
    "get-account.response.json": [{"user": user(), "team": team()}],
    "generate-auth-secret.response.json": [{"user": user()}],
    "generate-signature-secret.response.json": [{"user": user()}],
    "update-password.request.json": [
        {"newPassword": "correct horse battery staple"},
        {"newPassword": "8charsok"},
    ],
    "update-password.response.json": [
        {"user": {**user(), "banned": True, "bannedReason": "abuse", "bannedDate": T1}}
    ],
    "get-project.response.json": [{"project": project()}],
    "create-project.request.json": [{"name": "Archive"}, {"name": "x" * 255}],
    "create-project.response.json": [{"project": project()}],
    "update-project.request.json": [{"name": "Renamed"}],
    "update-project.response.json": [{"project": {**project(), "name": "Renamed"}}],
    "list-projects.query.json": [{}, {"page": "0", "page-size": "1000"}, {"page": "12", "page-size": "1"}, {"page": "1000000"}],
    "list-projects.response.json": [
        project_list(),
        {
            "pageSize": 20,
            "page": 0,
            "_links": page_links("/videos/v1/projects", next_page=False),
            "_embedded": {"totalFound": 0, "projects": []},
        },
    ],
    "list-videos.query.json": [
        {},
        {"page": "1", "page-size": "2", "project-id": PROJECT_ID, "parent-id": ORIGINAL_ID},
    ],
    "list-videos.response.json": [video_list()],
    "get-video.response.json": [{"video": original_video()}, {"video": processed_video()}],
    "update-video.request.json": [
        {"name": "New name"},
        {"description": ""},
        {"name": "n", "description": "d" * 10000, "attributes": {"k": [1, 2]}},
    ],
    "update-video.response.json": [{"video": {**original_video(), "description": "annotated"}}],
    "create-video.request.json": [{}, {"name": "Interview"}, {"name": "Interview", "projectId": PROJECT_ID}],
    "create-video.response.json": [
        {
            "projectId": PROJECT_ID,
            "videoId": ORIGINAL_ID,
            "uploadMediaUrl": url(f"/media/v1/upload/{ORIGINAL_ID}"),
            "uploadLightMediaUrl": url(f"/media/v1/upload/light/{ORIGINAL_ID}"),
            "processVideoUrl": url(f"/videos/v1/process-video/{ORIGINAL_ID}"),
        }
    ],
    "process-video.request.json": [
        valid_process_request(),
        {},
        {"mediaContainerCodec": {"container": "mxf", "codec": "dnxhd"}, "dnxhdHrProfile": "dnxhr_hqx"},
        {"mediaContainerCodec": {"codec": "prores"}, "appleProresProfile": "4444xq"},
        {"scanning": {"tag": "auto"}},
        {"scanning": {"scanningType": "interlaced", "interlacedFieldOrder": "bottom_field"}},
        {"scanning": {"scanningType": "progressive"}},
        {"resolution": {"width": 1280, "aspectRatioTag": "16:9"}},
        {"resolution": {"width": 1280, "height": 720}},
        {"resolution": {"height": 4320}},
        {"resolution": {"tag": "no_scaling"}, "scaler": "dvres2"},
        {"frameRate": {"fps": 23.976}},
        {"frameRate": {"tag": "video_ntsc_fast"}},
        {"bitrate": {"mbps": 0.01}, "range": {"startPositionMilliseconds": 1000}},
    ],
    "process-video.response.json": [
        {
            "sourceVideoId": ORIGINAL_ID,
            "processedVideoId": PROCESSED_ID,
            "projectId": PROJECT_ID,
            "checkProgressUrl": url(f"/videos/v1/check-process-video-progress/{PROCESSED_ID}"),
            "downloadMediaUrl": url(f"/media/v1/download/processed/{PROCESSED_ID}"),
        }
    ],
    "check-process-video-progress.response.json": [
        {
            "videoId": PROCESSED_ID,
            "projectId": PROJECT_ID,
            "processingState": processing_state("IN_PROGRESS"),
        },
        {"videoId": PROCESSED_ID, "projectId": PROJECT_ID, "processingState": processing_state("DONE")},
    ],
    "check-ingest-video-progress.response.json": [
        {"videoId": ORIGINAL_ID, "projectId": PROJECT_ID, "ingestionState": ingestion_state("IN_PROGRESS")},
        {
            "videoId": ORIGINAL_ID,
            "projectId": PROJECT_ID,
            "ingestionState": ingestion_state("ERROR"),
        },
    ],
    "delete-video.response.json": [{"deletedVideos": [{"videoId": ORIGINAL_ID}, {"videoId": PROCESSED_ID}]}],
    # multipart bodies as form fields: one file part (named file here), other plain fields ignored
    "upload-media.request.json": [{"file": "<bytes of small.mov>"}, {"file": "x", "note": "ignored"}],
    "upload-light-media.request.json": [{"file": "<bytes of small.mov>"}],
    "upload-media.response.json": [
        {
            "projectId": PROJECT_ID,
            "videoId": ORIGINAL_ID,
            "checkIngestProgressUrl": url(f"/videos/v1/check-ingest-video-progress/{ORIGINAL_ID}"),
            "processVideoUrl": url(f"/videos/v1/process-video/{ORIGINAL_ID}"),
        }
    ],
    "upload-light-media.response.json": [
        {
            "projectId": PROJECT_ID,
            "videoId": ORIGINAL_ID,
            "checkIngestProgressUrl": url(f"/videos/v1/check-ingest-video-progress/{ORIGINAL_ID}"),
            "processVideoUrl": url(f"/videos/v1/process-video/{ORIGINAL_ID}"),
        }
    ],
}


def _video(
    change: Callable[[dict[str, Any]], object], base: Callable[[], dict[str, Any]] = original_video
) -> Any:
    return {"video": modified(base(), change)}


def _without(document: dict[str, Any], *path: str) -> dict[str, Any]:
    """A deep copy of ``document`` without the key at ``path``."""
    copied = copy.deepcopy(document)
    node = copied
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return copied


INVALID: list[tuple[str, str, Any]] = [
    # error body
    ("error.json", "exception not an exception name", {"exception": "Expired", "errorMessage": "m"}),
    ("error.json", "missing errorMessage", {"exception": "AuthException"}),
    ("error.json", "extra property", {"exception": "AuthException", "errorMessage": "m", "status": 401}),
    # accounts
    ("get-token.query.json", "team-id empty", {"team-id": ""}),
    ("get-token.response.json", "jwtToken not a JWT", {"userId": "u", "teamId": "t", "jwtToken": "abc"}),
    ("get-token.response.json", "missing teamId", {"userId": "u", "jwtToken": "a.b.c"}),
    (
        "get-account.response.json",
        "unknown signature method",
        {"user": {**user(), "authSignatureMethod": "RS256"}, "team": team()},
    ),
    (
        "get-account.response.json",
        "the seed's misspelt apiRequestSignatureSethod",
        {
            "user": {
                **_without(user(), "apiRequestSignatureMethod"),
                "apiRequestSignatureSethod": "HmacSHA256",
            },
            "team": team(),
        },
    ),
    (
        "get-account.response.json",
        "public key not PEM",
        {"user": {**user(), "authSignaturePublicKey": "MFkw"}, "team": team()},
    ),
    (
        "get-account.response.json",
        "ISO 8601 date",
        {"user": {**user(), "dateCreated": "2021-07-02T10:00:00Z"}, "team": team()},
    ),
    ("authenticate-token.response.json", "otherTeams (the client's AuthenticatedIdentity has none)", {"user": user(), "team": team(), "otherTeams": []}),
    (
        "authenticate-token.response.json",
        "team with extra field",
        {"user": user(), "team": {**team(), "owner": "x"}, "otherTeams": []},
    ),
    (
        "generate-signature-secret.response.json",
        "secret missing",
        {"user": _without(user(), "apiRequestSignatureSecret")},
    ),
    ("update-password.response.json", "password echoed", {"user": user(), "newPassword": "x" * 8}),
    (
        "generate-auth-secret.response.json",
        "partial user",
        {"user": {"id": "usr-1", "authSignatureMethod": "ES256"}},
    ),
    ("upload-media.request.json", "no file part", {"note": "x"}),
    ("upload-media.request.json", "empty file", {"file": ""}),
    ("upload-light-media.request.json", "no file part", {}),
    ("upload-light-media.request.json", "a field that is not text", {"file": "x", "note": 3}),
    ("update-password.request.json", "too short", {"newPassword": "1234567"}),
    ("update-password.request.json", "too long", {"newPassword": "x" * 257}),
    ("update-password.request.json", "extra property", {"newPassword": "long enough", "oldPassword": "x"}),
    ("update-password.request.json", "empty body", {}),
    # projects
    ("create-project.request.json", "missing name", {}),
    ("create-project.request.json", "empty name", {"name": ""}),
    ("create-project.request.json", "blank name", {"name": " \t"}),
    ("update-video.request.json", "blank name", {"name": "   "}),
    ("create-project.request.json", "name too long", {"name": "x" * 256}),
    ("update-project.request.json", "extra property", {"name": "n", "teamId": "t"}),
    ("create-project.response.json", "bare project", project()),
    (
        "update-project.response.json",
        "date without time",
        {"project": {**project(), "timeLastUpdated": "2021-07-02"}},
    ),
    ("get-project.response.json", "missing teamId", {"project": _without(project(), "teamId")}),
    ("list-projects.query.json", "page negative", {"page": "-1"}),
    ("list-projects.query.json", "page too big", {"page": "1000001"}),
    ("list-videos.query.json", "page too big", {"page": "2147483648"}),
    ("list-projects.query.json", "page-size zero", {"page-size": "0"}),
    ("list-projects.query.json", "page-size too big", {"page-size": "1001"}),
    ("list-projects.query.json", "page-size leading zero", {"page-size": "010"}),
    ("list-projects.query.json", "page not a number", {"page": "first"}),
    (
        "list-projects.response.json",
        "missing totalFound",
        modified(project_list(), lambda d: d["_embedded"].pop("totalFound")),
    ),
    (
        "list-projects.response.json",
        "missing last link",
        modified(project_list(), lambda d: d["_links"].pop("last")),
    ),
    ("list-projects.response.json", "pageSize zero", {**project_list(), "pageSize": 0}),
    ("list-projects.response.json", "page as string", {**project_list(), "page": "0"}),
    (
        "list-projects.response.json",
        "item without _links",
        modified(project_list(), lambda d: d["_embedded"]["projects"][0].pop("_links")),
    ),
    # videos: lists and small bodies
    ("list-videos.query.json", "parent-id empty", {"parent-id": ""}),
    (
        "list-videos.response.json",
        "relative href",
        modified(video_list(), lambda d: d["_links"]["self"].update(href="/videos/v1/videos")),
    ),
    (
        "list-videos.response.json",
        "unknown link",
        modified(video_list(), lambda d: d["_links"].update(previous={"href": url("/")})),  # the seed's name; the client reads prev
    ),
    (
        "list-videos.response.json",
        "item with extra field",
        modified(video_list(), lambda d: d["_embedded"]["videos"][0].update(size=1)),
    ),
    (
        "list-videos.response.json",
        "embedded under projects",
        modified(video_list(), lambda d: d["_embedded"].update(projects=d["_embedded"].pop("videos"))),
    ),
    ("create-video.request.json", "extra property", {"name": "n", "description": "d"}),
    ("create-video.request.json", "empty name", {"name": ""}),
    (
        "create-video.response.json",
        "relative upload URL",
        {**VALID["create-video.response.json"][0], "uploadMediaUrl": "/media/v1/upload/x"},
    ),
    (
        "create-video.response.json",
        "missing uploadLightMediaUrl",
        _without(VALID["create-video.response.json"][0], "uploadLightMediaUrl"),
    ),
    ("update-video.request.json", "no property at all", {}),
    ("update-video.request.json", "description too long", {"description": "d" * 10001}),
    ("update-video.request.json", "attributes not an object", {"attributes": ["a"]}),
    ("update-video.request.json", "read-only field", {"projectId": PROJECT_ID}),
    ("delete-video.response.json", "nothing deleted", {"deletedVideos": []}),
    (
        "delete-video.response.json",
        "item with extra field",
        {"deletedVideos": [{"videoId": "v", "parentId": None}]},
    ),
    # the video document
    ("get-video.response.json", "missing attributes", _video(lambda v: v.pop("attributes"))),
    ("get-video.response.json", "extra video field", _video(lambda v: v.update(status="DONE"))),
    (
        "get-video.response.json",
        "unknown ingestion status",
        _video(lambda v: v["ingestion"]["ingestionState"].update(ingestionStatus="COMPLETE")),
    ),
    (
        "get-video.response.json",
        "missing etaSeconds",
        _video(lambda v: v["ingestion"]["ingestionState"].pop("etaSeconds")),
    ),
    (
        "get-video.response.json",
        "progress over 100",
        _video(lambda v: v["upload"]["uploadState"].update(progress=100.5)),
    ),
    (
        "get-video.response.json",
        "unknown chroma subsampling",
        _video(lambda v: v["ingestion"]["metadata"]["pixelFormat"]["chromaSubsampling"].update(yuv="4:2:1")),
    ),
    (
        "get-video.response.json",
        "bits as string",
        _video(lambda v: v["ingestion"]["metadata"]["pixelFormat"]["chromaSubsampling"].update(bits="8")),
    ),
    (
        "get-video.response.json",
        "unknown scanning type",
        _video(lambda v: v["ingestion"]["metadata"]["scanning"]["metadata"].update(scanningType="psf")),
    ),
    (
        "get-video.response.json",
        "zero frame rate",
        _video(lambda v: v["ingestion"]["metadata"].update(averageFramerate=0)),
    ),
    (
        "get-video.response.json",
        "no quality metrics",
        _video(lambda v: v["ingestion"]["qualityAssessment"].update(metrics=[])),
    ),
    (
        "get-video.response.json",
        "unknown subjective label",
        _video(lambda v: v["ingestion"]["qualityAssessment"]["metrics"][0].update(subjectiveLabel="great")),
    ),
    (
        "get-video.response.json",
        "score over 5",
        _video(lambda v: v["ingestion"]["qualityAssessment"].update(overallSubjectiveScore=5.5)),
    ),
    (
        "get-video.response.json",
        "original with processing",
        _video(lambda v: v.update(processing=processed_video()["processing"])),
    ),
    (
        "get-video.response.json",
        "processed without processing",
        _video(lambda v: v.update(processing=None), processed_video),
    ),
    (
        "get-video.response.json",
        "processing version 0",
        _video(lambda v: v["processing"]["processingState"].update(version=0), processed_video),
    ),
    (
        "get-video.response.json",
        "processing without targetVideo",
        _video(lambda v: v["processing"]["processingParameters"].pop("targetVideo"), processed_video),
    ),
    (
        "get-video.response.json",
        "targetVideo with extra field",
        _video(
            lambda v: v["processing"]["processingParameters"]["targetVideo"].update(audio={}), processed_video
        ),
    ),
    (
        "get-video.response.json",
        "negative start position",
        _video(
            lambda v: v["processing"]["processingParameters"]["sourceVideo"].update(
                startPositionMilliseconds=-1
            ),
            processed_video,
        ),
    ),
    ("update-video.response.json", "video missing teamId", _video(lambda v: v.pop("teamId"))),
    (
        "check-process-video-progress.response.json",
        "unknown status",
        {
            "videoId": "v",
            "projectId": "p",
            "processingState": {**processing_state(), "processingStatus": "RUNNING"},
        },
    ),
    (
        "check-process-video-progress.response.json",
        "negative eta",
        {"videoId": "v", "projectId": "p", "processingState": {**processing_state(), "etaSeconds": -1}},
    ),
    (
        "check-ingest-video-progress.response.json",
        "seed's three-field ingestionState",
        {
            "videoId": "v",
            "projectId": "p",
            "ingestionState": {"updatedAt": T0, "ingestionStatus": "DONE", "videoMetadataAvailable": True},
        },
    ),
    (
        "upload-media.response.json",
        "missing processVideoUrl",
        _without(VALID["upload-media.response.json"][0], "processVideoUrl"),
    ),
    (
        "upload-light-media.response.json",
        "relative ingest URL",
        {**VALID["upload-light-media.response.json"][0], "checkIngestProgressUrl": "check"},
    ),
    (
        "process-video.response.json",
        "missing processedVideoId",
        _without(VALID["process-video.response.json"][0], "processedVideoId"),
    ),
    # process-video request: enums, ranges, strictness, cross-field rules
    ("process-video.request.json", "the seed example as printed", seed_process_request()),
    ("process-video.request.json", "unknown top-level field", {"preset": "x"}),
    ("process-video.request.json", "unknown nested field", {"bitrate": {"kbps": 2000}}),
    ("process-video.request.json", "unknown container", {"mediaContainerCodec": {"container": "mkv"}}),
    ("process-video.request.json", "unknown scaler", {"scaler": "dvres3"}),
    ("process-video.request.json", "bitrate too low", {"bitrate": {"mbps": 0.001}}),
    ("process-video.request.json", "bitrate too high", {"bitrate": {"mbps": 4000.5}}),
    ("process-video.request.json", "width too large", {"resolution": {"width": 7681}}),
    ("process-video.request.json", "height too small", {"resolution": {"height": 15}}),
    ("process-video.request.json", "width not an integer", {"resolution": {"width": 1280.5}}),
    ("process-video.request.json", "fps out of range", {"frameRate": {"fps": 1000}}),
    ("process-video.request.json", "negative range", {"range": {"startPositionMilliseconds": -1}}),
    ("process-video.request.json", "bits not allowed", {"chromaSubsampling": {"bits": 9}}),
    (
        "process-video.request.json",
        "prores profile with h264",
        {"mediaContainerCodec": {"codec": "h264"}, "appleProresProfile": "hq"},
    ),
    ("process-video.request.json", "prores profile without codec", {"appleProresProfile": "hq"}),
    (
        "process-video.request.json",
        "dnxhd profile with prores",
        {"mediaContainerCodec": {"codec": "prores"}, "dnxhdHrProfile": "dnxhd_sq"},
    ),
    (
        "process-video.request.json",
        "both profiles",
        {"mediaContainerCodec": {"codec": "dnxhd"}, "dnxhdHrProfile": "dnxhd_sq", "appleProresProfile": "lt"},
    ),
    (
        "process-video.request.json",
        "field order with progressive",
        {"scanning": {"scanningType": "progressive", "interlacedFieldOrder": "top_field"}},
    ),
    (
        "process-video.request.json",
        "field order without scanningType",
        {"scanning": {"interlacedFieldOrder": "top_field"}},
    ),
    (
        "process-video.request.json",
        "resolution tag with width",
        {"resolution": {"tag": "uhd_4k", "width": 3840}},
    ),
    (
        "process-video.request.json",
        "resolution tag with height",
        {"resolution": {"tag": "2x", "height": 1080}},
    ),
    (
        "process-video.request.json",
        "width, height and aspect ratio",
        {"resolution": {"width": 1920, "height": 1080, "aspectRatioTag": "16:9"}},
    ),
    ("process-video.request.json", "empty resolution", {"resolution": {}}),
    ("process-video.request.json", "aspect ratio alone", {"resolution": {"aspectRatioTag": "4:3"}}),
    ("process-video.request.json", "empty frameRate", {"frameRate": {}}),
]


# --- schema files -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(schema_files()))
def test_file_is_a_valid_2020_12_schema_with_its_id(name: str) -> None:
    """Every file declares draft 2020-12, carries the $id of its own name and is a valid schema."""
    schema = schema_files()[name]
    assert schema["$schema"] == DRAFT
    assert schema["$id"] == BASE_ID + name
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", sorted(schema_files()))
def test_every_ref_resolves(name: str) -> None:
    """Each $ref (relative to the file's $id) lands on an existing subschema."""
    schema = schema_files()[name]
    resolver = registry().resolver(base_uri=schema["$id"])
    refs = list(iter_refs(schema))
    for ref in refs:
        assert not ref.startswith("http"), f"{ref}: use relative refs so the $id base applies"
        resolved = resolver.lookup(ref).contents
        assert isinstance(resolved, dict), ref


def test_shared_definitions_exist() -> None:
    """The definitions other modules and docs name are in common.json."""
    defs = schema_files()["common.json"]["$defs"]
    expected = {
        "dateTime",
        "user",
        "userSummary",
        "team",
        "project",
        "projectSummary",
        "links",
        "link",
        "videoSummary",
        "video",
        "ingestionState",
        "processingState",
        "uploadState",
        "metadata",
        "qualityAssessment",
        "processingParameters",
        "chromaSubsampling",
        "pixelFormat",
        "error",
    }
    assert expected <= set(defs)


def test_date_time_is_pixops_space_separated_form() -> None:
    """dateTime accepts 'YYYY-MM-DD hh:mm:ss' only."""
    date_time = Draft202012Validator(schema_files()["common.json"]["$defs"]["dateTime"])
    assert date_time.is_valid("2021-07-02 23:59:59")
    for wrong in (
        "2021-07-02T23:59:59",
        "2021-07-02 23:59:59Z",
        "2021-07-02 23:59",
        "2021-07-02 23:59:59.123",
    ):
        assert not date_time.is_valid(wrong), wrong


# --- examples -----------------------------------------------------------------------------------


def _valid_cases() -> list[tuple[str, int, Any]]:
    return [(name, i, example) for name, examples in VALID.items() for i, example in enumerate(examples)]


@pytest.mark.parametrize(
    ("name", "number", "example"), _valid_cases(), ids=lambda v: v if isinstance(v, str) else None
)
def test_valid_example_validates(name: str, number: int, example: Any) -> None:
    """Hand-written, correct documents pass (which also proves every $ref on their path resolves)."""
    assert error_messages(name, example) == [], f"example {number}"


@pytest.mark.parametrize(("name", "reason", "example"), INVALID, ids=[f"{n}-{r}" for n, r, _ in INVALID])
def test_broken_example_is_rejected(name: str, reason: str, example: Any) -> None:
    """Missing fields, wrong enums, extra properties and broken cross-field rules fail."""
    assert error_messages(name, example), reason


def test_every_request_response_and_query_schema_has_examples() -> None:
    """No contract goes untested: each file but common.json has valid and broken examples."""
    files = set(schema_files()) - {"common.json"}
    assert set(VALID) == files
    assert {name for name, _, _ in INVALID} == files


def test_seed_process_example_breaks_exactly_the_documented_rules() -> None:
    """Each part of the seed example that the seed's own table forbids is rejected on its own."""
    fixed = valid_process_request()
    assert error_messages("process-video.request.json", fixed) == []
    seed = seed_process_request()
    for key in ("mediaContainerCodec", "dnxhdHrProfile", "resolution"):
        reverted = {**fixed, key: seed[key]}
        assert error_messages("process-video.request.json", reverted), key
    # The scanning and frameRate parts of the seed example are consistent and allowed as printed.
    assert fixed["scanning"] == seed["scanning"]
    assert fixed["frameRate"] == seed["frameRate"]


# --- the index ----------------------------------------------------------------------------------

PLACEHOLDERS = {"video_id": "vid-9", "project_id": "prj-9"}


def kebab(operation: str) -> str:
    """camelCase operation name -> kebab-case file stem."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", operation).lower()


def test_index_shape() -> None:
    """The index names the provider and lists unique, well-formed operations."""
    data = index()
    assert data["provider"] == "pixop"
    operations = [e["operation"] for e in data["endpoints"]]
    assert len(operations) == len(set(operations))
    routes = [(e["method"], e["path"]) for e in data["endpoints"]]
    assert len(routes) == len(set(routes))
    for entry in data["endpoints"]:
        assert set(entry) <= {"operation", "method", "path", "query", "request", "request_content_types", "responses"}, entry
        assert entry["method"] in {"GET", "POST", "PUT", "DELETE"}
        assert re.fullmatch(r"(/[a-z0-9-]+|/<(video_id|project_id)>)+", entry["path"]), entry["path"]
        assert entry["responses"].get("default") == "error.json"
        assert all(re.fullmatch(r"[1-5]\d\d|default", status) for status in entry["responses"])
        if entry["method"] in {"GET", "DELETE"}:
            assert entry["request"] is None, entry["operation"]


def test_index_file_names_follow_the_operation() -> None:
    """<operation-kebab>.request/.response/.query.json, plus the shared error.json."""
    for entry in index()["endpoints"]:
        stem = kebab(entry["operation"])
        if entry["request"] is not None:
            assert entry["request"] == f"{stem}.request.json"
        if entry.get("query") is not None:
            assert entry["query"] == f"{stem}.query.json"
        for status, name in entry["responses"].items():
            if status != "default" and name is not None:
                assert name == f"{stem}.response.json"


def test_index_references_exist_and_cover_every_schema() -> None:
    """Every file the index names exists; every schema file but common.json is named."""
    referenced: set[str] = set()
    for entry in index()["endpoints"]:
        names = [entry["request"], entry.get("query"), *entry["responses"].values()]
        referenced.update(name for name in names if name is not None)
    assert referenced <= set(schema_files()), referenced - set(schema_files())
    assert set(schema_files()) - referenced == {"common.json"}


def test_index_routes_are_unambiguous_werkzeug_rules() -> None:
    """Each path parses as a werkzeug rule and a concrete URL matches its own operation only."""
    entries = index()["endpoints"]
    adapter = Map([Rule(e["path"], methods=[e["method"]], endpoint=e["operation"]) for e in entries]).bind(
        "x"
    )
    for entry in entries:
        concrete = re.sub(r"<(\w+)>", lambda m: PLACEHOLDERS[m.group(1)], entry["path"])
        endpoint, _ = adapter.match(concrete, method=entry["method"])
        assert endpoint == entry["operation"]


def test_downloads_and_deletes_have_no_json_success_body() -> None:
    """Binary downloads (200/206/304) and project deletion (204) carry no JSON schema; uploads are multipart."""
    by_operation = {e["operation"]: e for e in index()["endpoints"]}
    for operation in ("downloadOriginalMedia", "downloadProcessedMedia"):
        entry = by_operation[operation]
        assert entry["method"] == "GET"
        assert entry["responses"] == {"200": None, "206": None, "304": None, "default": "error.json"}
    assert by_operation["deleteProject"]["responses"] == {"204": None, "default": "error.json"}
    # Uploads are multipart only (never a JSON body): their request schema describes the form's parts.
    for operation in ("uploadMedia", "uploadLightMedia"):
        assert by_operation[operation]["request"] == f"{kebab(operation)}.request.json"
        assert by_operation[operation]["request_content_types"] == ["multipart/form-data"]
