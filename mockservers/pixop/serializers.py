"""Domain records to Pixop's documented JSON documents."""

from __future__ import annotations

from typing import Any

from mockservers.pixop.state import PixopState, pixop_time

SIGNATURE_METHOD = "HmacSHA256"

# Exactly the properties the official Java client's models know (its default Jackson
# mapper fails on any other): VideoMetadata and VideoAttributes.
METADATA_KEYS = (
    "containerName", "longContainerName", "codecName", "longCodecName", "pixelFormat", "primaryBitDepth",
    "frameWidth", "frameHeight", "displayAspectRatio", "scanning", "averageFramerate", "durationInMillis",
    "totalFrames", "size", "videoStreamSize",
)
ATTRIBUTE_KEYS = ("cast", "notes", "genres", "writer", "country", "director", "language", "producer")


def metadata_json(metadata: dict[str, Any] | None) -> dict[str, Any] | None:
    """Video metadata with only the client's known properties (bitrate etc. stay internal)."""
    if metadata is None:
        return None
    out = {key: metadata[key] for key in METADATA_KEYS if key in metadata}
    out["primaryBitDepth"] = metadata["pixelFormat"]["chromaSubsampling"]["bits"]
    return {key: out[key] for key in METADATA_KEYS if key in out}


def attributes_json(attributes: dict[str, Any]) -> dict[str, Any]:
    """The video attributes the client models (strings); others are kept but not sent."""
    return {key: attributes[key] for key in ATTRIBUTE_KEYS if isinstance(attributes.get(key), str)}


def team_json(team: dict[str, Any]) -> dict[str, Any]:
    """A team."""
    return {"id": team["id"], "name": team["name"], "dateCreated": pixop_time(team["created"]), "timeLastUpdated": pixop_time(team["updated"])}


def user_json(user: dict[str, Any]) -> dict[str, Any]:
    """The full user document (account, token validation, secret rotation)."""
    return {
        "id": user["id"],
        "name": user["name"],
        "email": user["email"],
        "emailConfirmed": True,
        "authSignatureMethod": "HS256",
        # HS256 has no public key: the verification key is the user's secret (inferred).
        "authSignaturePublicKey": user["authSecret"],
        "authSignaturePublicKeyId": user["authKeyId"],
        "banned": user["banned"],
        "bannedReason": user["bannedReason"],
        "bannedDate": pixop_time(user["bannedDate"]) if user["bannedDate"] else None,
        "apiRequestSignatureSecret": user["signatureSecret"],
        "apiRequestSignatureMethod": SIGNATURE_METHOD,
        "dateCreated": pixop_time(user["created"]),
        "timeLastUpdated": pixop_time(user["updated"]),
    }


def project_json(project: dict[str, Any]) -> dict[str, Any]:
    """A project."""
    return {
        "id": project["id"],
        "name": project["name"],
        "isSample": bool(project.get("sample", False)),
        "teamId": project["teamId"],
        "dateCreated": pixop_time(project["created"]),
        "timeLastUpdated": pixop_time(project["updated"]),
    }


def video_summary_json(state: PixopState, video: dict[str, Any], self_href: str) -> dict[str, Any]:
    """A video as listed."""
    return {
        "_links": {"self": {"href": self_href}},
        "id": video["id"],
        "parentId": video["parentId"],
        "projectId": video["projectId"],
        "name": video["name"],
        "filename": video["upload"]["fileName"] if video["upload"] else None,
        "dateCreated": pixop_time(video["created"]),
        "timeLastUpdated": pixop_time(state.video_updated(video)),
    }


def upload_json(video: dict[str, Any]) -> dict[str, Any]:
    """The video's upload section."""
    upload = video["upload"]
    if upload is None:
        return {
            "uploadState": {"updatedAt": pixop_time(video["created"]), "uploadStatus": "INITIAL", "progress": 0.0},
            "hasFinishedUploading": False,
            "fileName": None,
            "fileSize": None,
            "fileType": None,
            "fileContainerName": None,
        }
    return {
        "uploadState": {"updatedAt": pixop_time(upload["uploadedAt"]), "uploadStatus": "DONE", "progress": 100.0},
        "hasFinishedUploading": True,
        "fileName": upload["fileName"],
        "fileSize": upload["fileSize"],
        "fileType": upload["fileType"],
        "fileContainerName": upload["fileContainerName"],
    }


def video_json(state: PixopState, video: dict[str, Any]) -> dict[str, Any]:
    """The full video document, as of the virtual clock's now."""
    ingestion = state.ingestion_view(video)
    processing_state = state.processing_view(video)
    processing = None
    if processing_state is not None:
        processing = {"processingState": processing_state, "processingParameters": video["processing"]["parameters"]}
    return {
        "id": video["id"],
        "name": video["name"],
        "description": video["description"],
        "projectId": video["projectId"],
        "parentId": video["parentId"],
        "userId": video["userId"],
        "teamId": video["teamId"],
        "upload": upload_json(video),
        "ingestion": {
            "ingestionState": ingestion["state"],
            "metadata": metadata_json(ingestion["metadata"]),
            "qualityAssessment": ingestion["quality"],
        },
        "processing": processing,
        "attributes": attributes_json(video["attributes"]),
        "dateCreated": pixop_time(video["created"]),
        "timeLastUpdated": pixop_time(state.video_updated(video)),
    }
