"""Pixop's three services as thin Flask views: parse, call the state, serialize."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request, send_file

from mockservers.core import fidelity
from mockservers.core.errors import ApiError, BadRequestError
from mockservers.core.http import content_disposition
from mockservers.core.views import (
    LinkNames,
    blob_kept_on_success,
    json_object,
    json_string,
    pagination_links,
    query_int,
    request_json,
)
from mockservers.pixop import tokens
from mockservers.pixop.serializers import (
    ATTRIBUTE_KEYS,
    project_json,
    team_json,
    user_json,
    video_json,
    video_summary_json,
)
from mockservers.pixop.state import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PixopState

accounts = Blueprint("pixop_accounts", __name__, url_prefix="/accounts/v1")
videos = Blueprint("pixop_videos", __name__, url_prefix="/videos/v1")
media = Blueprint("pixop_media", __name__, url_prefix="/media/v1")


def register_routes(app: Flask) -> None:
    """Attach the accounts, videos and media services."""
    for blueprint in (accounts, videos, media):
        app.register_blueprint(blueprint)


def _state() -> PixopState:
    return current_app.extensions["mockservers"].state


def _base() -> str:
    # Absolute URLs point at the host the client used, so clients that follow
    # them blindly (Pixop's curl demo) stay on the emulator.
    return request.host_url.rstrip("/")


# -- request parsing -----------------------------------------------------------
def _json_body(allowed: set[str], optional: bool = False) -> dict[str, Any]:
    # Unknown fields are refused with a 400 naming them (inferred; see docs/pixop.md).
    return json_object(request_json(optional), optional=allowed, unknown="refuse")






# -- authentication ------------------------------------------------------------
def _bearer() -> str:
    header = request.environ.get("HTTP_AUTHORIZATION", "")  # request.headers["Authorization"], without its lookups
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise tokens.auth_error("NoJWTTokenFoundException", "no JWT token in the Authorization header (expected: Bearer <token>)")
    return token.strip()


def _identity(allow_basic: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """(user, team) from a bearer token, or from Basic credentials where the seed allows them."""
    auth = request.authorization if allow_basic else None
    if auth is not None and auth.type == "basic":
        user = _state().login(auth.username or "", auth.password or "")
        return user, _state().db["teams"][user["teams"][0]]
    return _state().authenticate(_bearer())


# -- accounts ------------------------------------------------------------------
@accounts.get("/token")
def get_token() -> Response:
    """Basic auth (email:password) -> JWT; or a Bearer JWT -> a fresh one (refresh, or team switch); optional team-id."""
    auth = request.authorization
    team_id = request.args.get("team-id")
    if team_id == "":
        # The contract's team-id is a team's id; an empty one is taken as none given.
        fidelity.warn("empty-parameter", "team-id is empty: taken as absent (the default team); the real service may refuse it", "inferred")
        team_id = None
    if auth is not None and auth.type == "basic":
        user = _state().login(auth.username or "", auth.password or "")
        return jsonify(_state().issue_token(user, team_id))
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        # Java client newToken(jwt, teamId): refresh, and switch team with team-id.
        user, team = _state().authenticate(_bearer())
        return jsonify(_state().issue_token(user, team_id or team["id"]))
    raise tokens.auth_error(
        "AuthException", "HTTP Basic authentication with email and password (or a valid Bearer JWT) is required to get a token"
    )


@accounts.post("/token")
def validate_token() -> Response:
    """Which user and team a token stands for; every failure is a 401 body (the Java client reads only 401)."""
    try:
        user, team = _identity()
    except ApiError as error:
        if error.status == 401:
            raise
        raise ApiError(401, error.message, error.code) from None
    # The seed also shows otherTeams; the client's AuthenticatedIdentity has no such property
    # and its default Jackson mapper would fail on it: follow the client.
    return jsonify({"user": user_json(user), "team": team_json(team)})


@accounts.get("/account")
def get_account() -> Response:
    """The token's user and team."""
    user, team = _identity()
    return jsonify({"user": user_json(user), "team": team_json(team)})


@accounts.get("/generate-auth-secret")
def generate_auth_secret() -> Response:
    """Rotate the user's JWT signing key."""
    user, _ = _identity(allow_basic=True)
    return jsonify({"user": user_json(_state().rotate_auth_secret(user))})


@accounts.get("/generate-signature-secret")
def generate_signature_secret() -> Response:
    """Rotate the user's request-signing secret."""
    user, _ = _identity(allow_basic=True)
    return jsonify({"user": user_json(_state().rotate_signature_secret(user))})


@accounts.post("/update-password")
def update_password() -> Response:
    """Set a new password."""
    user, _ = _identity(allow_basic=True)
    body = _json_body({"newPassword"})
    return jsonify({"user": user_json(_state().update_password(user, body.get("newPassword")))})


# -- projects ------------------------------------------------------------------
# The seed says "previous"; the official Java client models "prev" (and fails on
# "previous"): the server sends what the client reads.
PIXOP_LINKS = LinkNames("page", "page-size", "prev")


def _page(items: list[Any], base: str, path: str, extra: dict[str, str]) -> tuple[list[Any], dict[str, Any], int, int, int]:
    page, size = query_int("page", 0, 0, 1_000_000), query_int("page-size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    links = pagination_links(f"{base}{path}", page, size, len(items), PIXOP_LINKS, extra)
    return items[page * size : (page + 1) * size], links, page, size, len(items)


@videos.get("/projects")
def list_projects() -> Response:
    """The team's projects, paginated."""
    _, team = _identity()
    base = _base()
    items, links, page, size, total = _page(_state().list_projects(team["id"]), base, "/videos/v1/projects", {})
    embedded = [{"_links": {"self": {"href": f"{base}/videos/v1/project/{p['id']}"}}, **project_json(p)} for p in items]
    return jsonify({"pageSize": size, "page": page, "_links": links, "_embedded": {"totalFound": total, "projects": embedded}})


@videos.put("/project")
def create_project() -> Response:
    """New project."""
    _, team = _identity()
    name = json_string(_json_body({"name"}), "name", required=True)
    return jsonify({"project": project_json(_state().create_project(team["id"], name or ""))})


@videos.get("/project/<project_id>")
def get_project(project_id: str) -> Response:
    """One project."""
    _, team = _identity()
    return jsonify({"project": project_json(_state().project(team["id"], project_id))})


@videos.post("/project/<project_id>")
def update_project(project_id: str) -> Response:
    """Rename a project."""
    _, team = _identity()
    name = json_string(_json_body({"name"}), "name", required=True)
    return jsonify({"project": project_json(_state().update_project(team["id"], project_id, name or ""))})


@videos.delete("/project/<project_id>")
def delete_project(project_id: str) -> Response:
    """Delete an empty project (no body: the curl demo expects no output)."""
    _, team = _identity()
    _state().delete_project(team["id"], project_id)
    return Response(status=204)


# -- videos --------------------------------------------------------------------
@videos.get("/videos")
def list_videos() -> Response:
    """The team's videos, paginated, filtered by project-id / parent-id."""
    _, team = _identity()
    project_id, parent_id = request.args.get("project-id"), request.args.get("parent-id")
    # An unknown project-id/parent-id lists nothing (the Java client's test program expects a 2xx list).
    extra = {k: v for k, v in (("project-id", project_id), ("parent-id", parent_id)) if v}
    base, state = _base(), _state()
    items, links, page, size, total = _page(state.list_videos(team["id"], project_id, parent_id), base, "/videos/v1/videos", extra)
    embedded = [video_summary_json(state, v, f"{base}/videos/v1/video/{v['id']}") for v in items]
    return jsonify({"pageSize": size, "page": page, "_links": links, "_embedded": {"totalFound": total, "videos": embedded}})


@videos.put("/video")
def create_video() -> Response:
    """New empty video; answers absolute upload and process URLs."""
    user, team = _identity()
    body = _json_body({"name", "projectId"}, optional=True)
    video = _state().create_video(team["id"], user["id"], json_string(body, "name", required=False), json_string(body, "projectId", required=False))
    base = _base()
    return jsonify(
        {
            "projectId": video["projectId"],
            "videoId": video["id"],
            "uploadMediaUrl": f"{base}/media/v1/upload/{video['id']}",
            "uploadLightMediaUrl": f"{base}/media/v1/upload/light/{video['id']}",
            "processVideoUrl": f"{base}/videos/v1/process-video/{video['id']}",
        }
    )


@videos.get("/video/<video_id>")
def get_video(video_id: str) -> Response:
    """One video with upload, ingestion and processing state."""
    _, team = _identity()
    video = _state().video(team["id"], video_id)
    _ingestion(video)
    document = video_json(_state(), video)
    _warn_fallbacks(video)
    return jsonify({"video": document})


@videos.post("/video/<video_id>")
def update_video(video_id: str) -> Response:
    """Change name, description or attributes (inferred: the seed documents no video update)."""
    _, team = _identity()
    body = _json_body({"name", "description", "attributes"})
    if not body:
        raise BadRequestError("give at least one of name, description, attributes")
    changes: dict[str, Any] = {}
    if "name" in body:
        changes["name"] = json_string(body, "name")
    if "description" in body:
        # Any text up to 10,000 characters, empty or blank included (clearing a description; inferred).
        description = body["description"]
        if not isinstance(description, str) or len(description) > 10_000:
            raise BadRequestError("description must be a string of at most 10000 characters", "description")
        changes["description"] = description
    if "attributes" in body:
        if not isinstance(body["attributes"], dict):
            raise BadRequestError("attributes must be a JSON object", "attributes")
        attributes = body["attributes"]
        unknown = sorted(k for k in attributes if k not in ATTRIBUTE_KEYS or not isinstance(attributes[k], str))
        if unknown:
            fidelity.warn(
                "unknown-attribute",
                f"attributes {', '.join(unknown)} are stored but not sent back: the Java client's VideoAttributes "
                f"knows only the strings {', '.join(ATTRIBUTE_KEYS)}",
                "client",
            )
        changes["attributes"] = body["attributes"]
    return jsonify({"video": video_json(_state(), _state().update_video(team["id"], video_id, changes))})


@videos.delete("/video/<video_id>")
def delete_video(video_id: str) -> Response:
    """Delete a video and every processed video made from it."""
    _, team = _identity()
    return jsonify({"deletedVideos": [{"videoId": v} for v in _state().delete_video(team["id"], video_id)]})


@videos.post("/process-video/<video_id>")
def process_video(video_id: str) -> Response:
    """Start processing into a new child video."""
    user, team = _identity()
    # plan_processing checks the shape itself, naming nested fields (resolution->width).
    child = _state().process(team["id"], user["id"], video_id, request_json(optional=True))
    base = _base()
    return jsonify(
        {
            "sourceVideoId": video_id,
            "processedVideoId": child["id"],
            "projectId": child["projectId"],
            "checkProgressUrl": f"{base}/videos/v1/check-process-video-progress/{child['id']}",
            "downloadMediaUrl": f"{base}/media/v1/download/processed/{child['id']}",
        }
    )


@videos.get("/check-process-video-progress/<video_id>")
def check_process_progress(video_id: str) -> Response:
    """Processing progress of a processed video."""
    _, team = _identity()
    video = _state().video(team["id"], video_id)
    state = _state().processing_view(video)
    if state is None:
        raise ApiError(404, f"video {video_id} is not being processed; poll the processedVideoId", "VideoNotFoundException")
    _warn_fallbacks(video)
    return jsonify({"videoId": video["id"], "projectId": video["projectId"], "processingState": state})


@videos.get("/check-ingest-video-progress/<video_id>")
def check_ingest_progress(video_id: str) -> Response:
    """Ingestion progress."""
    _, team = _identity()
    video = _state().video(team["id"], video_id)
    return jsonify({"videoId": video["id"], "projectId": video["projectId"], "ingestionState": _ingestion(video)["state"]})


def _warn_fallbacks(video: dict[str, Any]) -> None:
    """Where the processed file differs from the request (an encoder or a limit of this emulator): the journal."""
    for note in _state().processing_fallbacks(video):
        fidelity.warn("processing-fallback", note, "inferred")


def _ingestion(video: dict[str, Any]) -> dict[str, Any]:
    """The ingestion view; a failure's reason goes to the journal (the client has no field for it)."""
    view = _state().ingestion_view(video)
    if view["failureReason"]:
        fidelity.warn("ingest-failed", f"ingestion of video {video['id']} ended ERROR: {view['failureReason']}", "inferred")
    return view


# -- media ---------------------------------------------------------------------
def _upload(video_id: str, light: bool) -> Response:
    _, team = _identity()
    _state().video(team["id"], video_id)  # 404 before reading a large body
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, "upload media as multipart/form-data with one file field", "UnsupportedMediaTypeException")
    files = [(name, storage) for name, storage in request.files.items(multi=True) if storage.filename is not None]
    if len(files) != 1:
        raise BadRequestError(f"the multipart body must hold exactly one file field; found {len(files)}", "file")
    _, storage = files[0]
    with blob_kept_on_success(storage.stream.commit()) as blob:  # type: ignore[attr-defined]
        video = _state().upload(team["id"], video_id, blob, storage.filename or "upload", light)
    base = _base()
    return jsonify(
        {
            "projectId": video["projectId"],
            "videoId": video["id"],
            "checkIngestProgressUrl": f"{base}/videos/v1/check-ingest-video-progress/{video['id']}",
            "processVideoUrl": f"{base}/videos/v1/process-video/{video['id']}",
        }
    )


@media.post("/upload/<video_id>")
def upload_full(video_id: str) -> Response:
    """Upload with full ingestion (quality assessment included)."""
    return _upload(video_id, light=False)


@media.post("/upload/light/<video_id>")
def upload_light(video_id: str) -> Response:
    """Upload with light ingestion (metadata only)."""
    return _upload(video_id, light=True)


def _download(upload: dict[str, Any], path: str) -> Response:
    response = send_file(
        path,
        mimetype=upload["fileType"] or "application/octet-stream",
        conditional=True,
        etag=upload["md5"],
        last_modified=upload["uploadedAt"],
        max_age=None,
    )
    # The file name came from the uploader (RFC 2231 filename* may carry CR/LF): encoded, never raw.
    response.headers["Content-Disposition"] = content_disposition(upload["fileName"])
    return response


@media.get("/download/original/<video_id>")
def download_original(video_id: str) -> Response:
    """The uploaded file; ETag, If-None-Match, single Range."""
    _, team = _identity()
    upload, blob = _state().original_media(team["id"], video_id)
    return _download(upload, blob.path)


@media.get("/download/processed/<video_id>")
def download_processed(video_id: str) -> Response:
    """The processed file, transcoded with PyAV as requested (fallbacks: docs/pixop.md), once processing is DONE."""
    _, team = _identity()
    upload, blob = _state().processed_media(team["id"], video_id)
    _warn_fallbacks(_state().video(team["id"], video_id))
    return _download(upload, blob.path)


def _screenshot(size: str, video_id: str) -> Response:
    _, team = _identity()
    upload, blob = _state().screenshot(team["id"], video_id, size)
    return _download(upload, blob.path)


@media.get("/download/screenshot/small/<video_id>")
def download_small_screenshot(video_id: str) -> Response:
    """A real JPEG frame, 320 px wide, with the other downloads' ETag, Range and HEAD behaviour."""
    return _screenshot("small", video_id)


@media.get("/download/screenshot/large/<video_id>")
def download_large_screenshot(video_id: str) -> Response:
    """A real JPEG frame at full size (at most 1920 px wide), downloaded like the other media."""
    return _screenshot("large", video_id)
