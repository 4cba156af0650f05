"""A strict parser in the manner of Pixop's official Java client: unknown properties fail.

The client (``pixop/pixop-cs-api-java-client`` 4.3.1) reads answers with a default
Jackson ``ObjectMapper`` (FAIL_ON_UNKNOWN_PROPERTIES on); only ``ProjectSummary``,
``VideoSummary`` and ``ProcessVideoResponse`` ignore unknown properties. The
property lists are those of FACTS.md (second part), checked against the client's
model classes by hand.
"""

from __future__ import annotations

import re
from typing import Any

IGNORE_UNKNOWN = "__ignore_unknown__"
DATE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")  # @JsonFormat pattern "yyyy-MM-dd HH:mm:ss"

LINK = {"href": "str"}
NAVIGATION_LINKS = {"self": LINK, "next": LINK, "prev": LINK, "first": LINK, "last": LINK}
ENTITY_LINKS = {"self": LINK}
TEAM = {"id": "str", "name": "str", "dateCreated": "date", "timeLastUpdated": "date"}
USER = {
    "id": "str", "name": "str", "email": "str", "emailConfirmed": "bool", "authSignatureMethod": "str",
    "authSignaturePublicKey": "str", "authSignaturePublicKeyId": "str", "banned": "bool", "bannedReason": "str",
    "bannedDate": "date", "apiRequestSignatureSecret": "str", "apiRequestSignatureMethod": "str",
    "dateCreated": "date", "timeLastUpdated": "date",
}
PROJECT = {"id": "str", "name": "str", "isSample": "bool", "teamId": "str", "dateCreated": "date", "timeLastUpdated": "date"}
PROJECT_SUMMARY = {
    IGNORE_UNKNOWN: True, "_links": ENTITY_LINKS, "id": "str", "name": "str", "isSample": "bool",
    "dateCreated": "date", "timeLastUpdated": "date",
}
VIDEO_SUMMARY = {
    IGNORE_UNKNOWN: True, "_links": ENTITY_LINKS, "id": "str", "parentId": "str", "projectId": "str", "name": "str",
    "filename": "str", "dateCreated": "date", "timeLastUpdated": "date",
}
UPLOAD_STATE = {"updatedAt": "date", "uploadStatus": "str", "progress": "num"}
UPLOAD = {
    "uploadState": UPLOAD_STATE, "hasFinishedUploading": "bool", "fileName": "str", "fileSize": "int", "fileType": "str",
    "fileContainerName": "str", "fileTimeLastModified": "date",
}
INGESTION_STATE = {
    "version": "int", "updatedAt": "str", "etaSeconds": "int", "ingestionStatus": "str", "webVideoAvailable": "bool",
    "thumbnailsAvailable": "bool", "fullFramesAvailable": "bool", "videoMetadataAvailable": "bool",
    "videoMetadataCommitted": "bool", "processingProgressPercent": "int",
}
PROCESSING_STATE = {"version": "int", "updatedAt": "str", "etaSeconds": "int", "processingStatus": "str", "processingProgressPercent": "num"}
CHROMA = {"yuv": "str", "bits": "int"}
PIXEL_FORMAT = {"name": "str", "chromaSubsampling": CHROMA}
SCANNING_CONTEXT = {"scanningType": "str", "interlacedFieldOrder": "str"}
METADATA = {
    "containerName": "str", "longContainerName": "str", "codecName": "str", "longCodecName": "str",
    "pixelFormat": PIXEL_FORMAT, "pixelFormatName": "str", "primaryBitDepth": "int", "frameWidth": "int",
    "frameHeight": "int", "displayAspectRatio": "num", "scanning": {"metadata": SCANNING_CONTEXT, "heuristics": SCANNING_CONTEXT},
    "averageFramerate": "num", "durationInMillis": "int", "totalFrames": "int", "size": "int", "videoStreamSize": "int",
}
METRIC = {"name": "str", "sampleMean": "num", "subjectiveLabel": "str", "subjectiveScore": "num"}
QUALITY = {"metrics": ("list", METRIC), "overallSubjectiveScore": "num"}
FILTER = {"name": "str", "properties": {"targetWidth": "int", "targetHeight": "int", "clarityBoost": "str", "fps": "num"}}
NAMED = {"name": "str", "properties": ("map", "str")}
TARGET_VIDEO = {
    "preset": {"id": "str", "name": "str"}, "container": NAMED, "codec": NAMED, "scanning": SCANNING_CONTEXT,
    "pixelFormat": PIXEL_FORMAT, "pixelFormatName": "str", "bitrate": "int", "frameWidth": "int", "frameHeight": "int",
    "averageFramerate": "num", "videoFilters": ("list", FILTER),
}
PARAMETERS = {
    "environment": "str", "sourceVideo": {"startPositionMilliseconds": "int", "endPositionMilliseconds": "int"},
    "targetVideo": TARGET_VIDEO,
}
ATTRIBUTES = {k: "str" for k in ("cast", "notes", "genres", "writer", "country", "director", "language", "producer")}
VIDEO = {
    "id": "str", "name": "str", "description": "str", "parentId": "str", "projectId": "str", "userId": "str", "teamId": "str",
    "upload": UPLOAD, "ingestion": {"ingestionState": INGESTION_STATE, "metadata": METADATA, "qualityAssessment": QUALITY},
    "processing": {"processingState": PROCESSING_STATE, "processingParameters": PARAMETERS}, "attributes": ATTRIBUTES,
    "dateCreated": "date", "timeLastUpdated": "date",
    # Also creator parameters of the client's Video (a flat, older document shape).
    "fileName": "str", "fileSize": "int", "fileType": "str", "fileTimeLastModified": "date", "hasFinishedUploading": "bool",
    "uploadState": UPLOAD_STATE, "metadata": METADATA, "fileContainerName": "str", "ingestionState": INGESTION_STATE,
    "processingState": PROCESSING_STATE, "qualityAssessment": QUALITY, "processingParameters": PARAMETERS,
}

MODELS: dict[str, dict[str, Any]] = {
    "NewAuthToken": {"userId": "str", "teamId": "str", "jwtToken": "str"},
    "AuthenticatedIdentity": {"user": USER, "team": TEAM, "jwtToken": "str", "exception": "str", "errorMessage": "str"},
    "GetUserResponse": {"user": USER, "team": TEAM, "otherTeams": ("list", TEAM)},
    "UpdateUserResponse": {"user": USER},
    "ProjectResponse": {"project": PROJECT},
    "ListProjectsResponse": {
        "pageSize": "int", "page": "int", "_links": NAVIGATION_LINKS,
        "_embedded": {"totalFound": "int", "projects": ("list", PROJECT_SUMMARY)},
    },
    "ListVideosResponse": {
        "pageSize": "int", "page": "int", "_links": NAVIGATION_LINKS,
        "_embedded": {"totalFound": "int", "videos": ("list", VIDEO_SUMMARY)},
    },
    "AddVideoResponse": {"projectId": "str", "videoId": "str", "uploadMediaUrl": "str", "uploadLightMediaUrl": "str", "processVideoUrl": "str"},
    "VideoResponse": {"video": VIDEO},
    "DeleteVideoResponse": {"deletedVideos": ("list", {"videoId": "str"})},
    "ProcessVideoResponse": {
        IGNORE_UNKNOWN: True, "sourceVideoId": "str", "processedVideoId": "str", "projectId": "str",
        "checkProgressUrl": "str", "downloadMediaUrl": "str",
    },
    "ProcessVideoCheckProgressResponse": {"videoId": "str", "projectId": "str", "processingState": PROCESSING_STATE},
    "IngestVideoCheckProgressResponse": {
        "videoId": "str", "projectId": "str", "ingestionState": INGESTION_STATE, "processingState": INGESTION_STATE,
    },
    "UploadMediaResponse": {"projectId": "str", "videoId": "str", "checkIngestProgressUrl": "str", "processVideoUrl": "str"},
    # Failures: the client reads {exception, errorMessage} (AuthenticatedIdentity for POST /token).
    "Error": {"exception": "str", "errorMessage": "str"},
}

# (method, path regex) -> the model the client parses a 2xx answer into.
ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    (method, re.compile(f"^{path}$"), model)
    for method, path, model in (
        ("GET", "/accounts/v1/token", "NewAuthToken"),
        ("POST", "/accounts/v1/token", "AuthenticatedIdentity"),
        ("GET", "/accounts/v1/account", "GetUserResponse"),
        ("GET", "/accounts/v1/generate-auth-secret", "UpdateUserResponse"),
        ("GET", "/accounts/v1/generate-signature-secret", "UpdateUserResponse"),
        ("POST", "/accounts/v1/update-password", "UpdateUserResponse"),
        ("GET", "/videos/v1/projects", "ListProjectsResponse"),
        ("PUT", "/videos/v1/project", "ProjectResponse"),
        ("GET", "/videos/v1/project/[^/]+", "ProjectResponse"),
        ("POST", "/videos/v1/project/[^/]+", "ProjectResponse"),
        ("GET", "/videos/v1/videos", "ListVideosResponse"),
        ("PUT", "/videos/v1/video", "AddVideoResponse"),
        ("GET", "/videos/v1/video/[^/]+", "VideoResponse"),
        ("POST", "/videos/v1/video/[^/]+", "VideoResponse"),
        ("DELETE", "/videos/v1/video/[^/]+", "DeleteVideoResponse"),
        ("POST", "/videos/v1/process-video/[^/]+", "ProcessVideoResponse"),
        ("GET", "/videos/v1/check-process-video-progress/[^/]+", "ProcessVideoCheckProgressResponse"),
        ("GET", "/videos/v1/check-ingest-video-progress/[^/]+", "IngestVideoCheckProgressResponse"),
        ("POST", "/media/v1/upload(/light)?/[^/]+", "UploadMediaResponse"),
    )
]


class UnrecognizedProperty(AssertionError):
    """What Jackson's UnrecognizedPropertyException would say, with a JSON pointer."""


def parse(model: str | dict[str, Any], value: Any, pointer: str = "") -> None:
    """Parse ``value`` as the client would; raise UnrecognizedProperty/AssertionError on what it refuses."""
    spec = MODELS[model] if isinstance(model, str) else model
    _check(spec, value, pointer or "/")


def _check(spec: Any, value: Any, pointer: str) -> None:
    if value is None:
        return  # every property of the client's models is nullable (boxed types or objects)
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            raise AssertionError(f"{pointer}: expected an object, got {value!r}")
        for key, item in value.items():
            if key not in spec or key == IGNORE_UNKNOWN:
                if spec.get(IGNORE_UNKNOWN):
                    continue
                known = sorted(k for k in spec if k != IGNORE_UNKNOWN)
                raise UnrecognizedProperty(f"{pointer.rstrip('/')}/{key}: unrecognized property (known: {', '.join(known)})")
            _check(spec[key], item, f"{pointer.rstrip('/')}/{key}")
        return
    if isinstance(spec, tuple):
        kind, inner = spec
        if kind == "list":
            assert isinstance(value, list), f"{pointer}: expected an array, got {value!r}"
            for index, item in enumerate(value):
                _check(inner, item, f"{pointer.rstrip('/')}/{index}")
        else:
            assert isinstance(value, dict), f"{pointer}: expected a map, got {value!r}"
            for key, item in value.items():
                _check(inner, item, f"{pointer.rstrip('/')}/{key}")
        return
    if spec == "str":
        assert isinstance(value, str), f"{pointer}: expected a string, got {value!r}"
    elif spec == "date":
        assert isinstance(value, str) and DATE.match(value), f"{pointer}: expected yyyy-MM-dd HH:mm:ss, got {value!r}"
    elif spec == "bool":
        assert isinstance(value, bool), f"{pointer}: expected a boolean, got {value!r}"
    elif spec == "int":
        # Jackson would truncate a float into an Integer; the server sends integers.
        assert isinstance(value, int) and not isinstance(value, bool), f"{pointer}: expected an integer, got {value!r}"
    elif spec == "num":
        assert isinstance(value, (int, float)) and not isinstance(value, bool), f"{pointer}: expected a number, got {value!r}"
    else:  # pragma: no cover - a typo in the tables above
        raise AssertionError(f"unknown spec {spec!r}")


def model_for(method: str, path: str, status: int) -> str | None:
    """The client model an answer is parsed into (None: not JSON the client parses)."""
    if status >= 400:
        return "AuthenticatedIdentity" if (method, path) == ("POST", "/accounts/v1/token") else "Error"
    if not 200 <= status < 300:
        return None
    for route_method, pattern, model in ROUTES:
        if route_method == method and pattern.match(path):
            return model
    return None


def check_journal(emulator: Any) -> int:
    """Parse every JSON answer the emulator journaled; returns how many were parsed."""
    parsed = 0
    for entry in emulator.journal.entries():
        model = model_for(entry.method, entry.path, entry.status)
        body = entry.response_body or {}
        if model is None or "json" not in body:
            continue
        try:
            parse(model, body["json"])
        except AssertionError as exc:
            raise AssertionError(f"{entry.method} {entry.path} -> {entry.status}: {exc}") from None
        parsed += 1
    return parsed
