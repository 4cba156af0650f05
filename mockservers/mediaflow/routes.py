"""Mediaflow's customer API (``/1/...``) as thin Flask views: parse, call the state, serialize."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, jsonify, redirect, request, send_file

from mockservers.core.errors import BadRequestError
from mockservers.core.fidelity import warn
from mockservers.core.views import (
    json_object,
    json_string,
    query_flag,
    query_int,
    request_fields,
    request_json,
)
from mockservers.mediaflow import tokens, usage
from mockservers.mediaflow.context import base_url, state
from mockservers.mediaflow.downloads import FORMATS
from mockservers.mediaflow.filetypes import KINDS
from mockservers.mediaflow.serializers import file_json, folder_json, parse_fields
from mockservers.mediaflow.state import UPLOAD_URL_LIFETIME, check_filesize

api = Blueprint("mediaflow_api", __name__, url_prefix="/1")
DEFAULT_PER_PAGE = 20  # inferred
MAX_PER_PAGE = 500  # inferred
_ID_RE = re.compile(r"^-?[0-9]{1,18}$")  # FACTS: ids can be negative


# -- parsing -------------------------------------------------------------------
def _int_id(raw: str, what: str) -> int:
    if not _ID_RE.match(raw):
        raise BadRequestError(f"{what} must be an integer; got {raw!r}", what)
    return int(raw)


def _kinds_arg() -> list[str] | None:
    raw = request.args.get("type")
    if raw is None or raw.strip() == "":
        return None
    kinds = [k.strip().lower() for k in raw.split(",") if k.strip()]
    if "any" in kinds:
        return None  # docs guide: type=any lists every kind
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise BadRequestError(f"unknown type {bad[0]!r}; known: any, {', '.join(KINDS)}", "type")
    return kinds


# -- authentication ------------------------------------------------------------
def current_user() -> dict[str, Any]:
    """The user of the access token (``Authorization: Bearer`` or ``access_token`` query parameter)."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    token = value.strip() if scheme.lower() == "bearer" and value.strip() else request.args.get("access_token", "").strip()
    if not token:
        raise tokens.unauthorized(
            "an access token is required: pass access_token=<token> or the header Authorization: Bearer <token> "
            "(get one from /1/oauth2/token)"
        )
    return state().authenticate(token)


# -- OAuth2 --------------------------------------------------------------------
def _basic_client(params: dict[str, str]) -> None:
    """Client credentials in HTTP Basic (docs) fill client_id/client_secret; the body's win if both are sent."""
    auth = request.authorization
    if auth is None or auth.type != "basic":
        return
    if params.get("client_id") and params["client_id"] != auth.username:
        warn("client-id-twice", "client_id in both Basic auth and the body, and they differ; the body's is used", "inferred")
    params.setdefault("client_id", auth.username or "")
    params.setdefault("client_secret", auth.password or "")


@api.route("/oauth2/token", methods=["GET", "POST"])
def token() -> Response:
    """grant_type refresh_token, password or authorization_code -> {access_token, token_type, expires_in[, refresh_token]}."""
    params = request.args.to_dict()
    if request.method == "POST":
        if request.mimetype == "application/json":
            body = request.get_json(silent=True)
            if not isinstance(body, dict):
                raise BadRequestError("the JSON request body must be an object")
            params.update({k: v for k, v in body.items() if isinstance(v, str)})
        else:
            params.update(request.form.to_dict())
    _basic_client(params)
    return jsonify(state().issue_token(params))


@api.get("/oauth2/authorize")
def authorize() -> Response:
    """The authorize step, approved without a login page: 302 to redirect_uri with code (and state)."""
    params = request.args.to_dict()
    code = state().authorize(params)
    if not params.get("username"):
        warn("authorize-auto-approved", "the real service shows a login page; the sandbox approves as the customer's first user", "inferred")
    query = {"code": code, **({"state": params["state"]} if "state" in params else {})}
    separator = "&" if urlsplit(params["redirect_uri"]).query else "?"
    return redirect(params["redirect_uri"] + separator + urlencode(query), code=302)


# -- files ---------------------------------------------------------------------
def _file_page(items: list[dict[str, Any]]) -> Response:
    fields = parse_fields(request.args.get("fields"))
    page = query_int("page", 1, 1, 1_000_000, blank_is_default=True)
    per_page = query_int("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE, blank_is_default=True)
    chosen = items[(page - 1) * per_page : page * per_page]
    base = base_url()
    return jsonify([file_json(f, base, fields) for f in chosen])


@api.get("/file/latest")
def latest_files() -> Response:
    """The newest readable files: processed, type, page, per_page, fields."""
    user = current_user()
    return _file_page(state().files(user, processed=query_flag("processed", None), kinds=_kinds_arg()))


@api.get("/file/<file_id>")
def get_file(file_id: str) -> Response:
    """One file, as a one-element array ([] when not found or not readable)."""
    user = current_user()
    record = state().file(user, _int_id(file_id, "file id"))
    fields = parse_fields(request.args.get("fields"))
    return jsonify([file_json(record, base_url(), fields)] if record else [])


@api.post("/file")
def announce_upload() -> Response:
    """{filename, filesize, toFolder} -> {expiresIn: 600, uploadURL}."""
    user = current_user()
    body = json_object(request_fields(), optional=("filename", "filesize", "toFolder"), name="upload announcement")
    filename = json_string(body, "filename", required=True) or ""
    if "/" in filename or "\\" in filename or filename.strip(" .") == "":
        raise BadRequestError(f"filename must be a plain file name without folders; got {filename!r}", "filename")
    if body.get("filesize") is None:
        raise BadRequestError("filesize is required (the file's size in bytes)", "filesize")
    filesize = check_filesize(body["filesize"])
    folder = body.get("toFolder")
    if folder is None:
        raise BadRequestError("toFolder is required (the id of the folder to upload to)", "toFolder")
    if isinstance(folder, str) and _ID_RE.match(folder):
        folder = int(folder)
    if isinstance(folder, bool) or not isinstance(folder, int) or folder == 0:
        raise BadRequestError(f"toFolder must be a folder id (a non-zero integer); got {folder!r}", "toFolder")
    slot = state().start_upload(user, filename, filesize, folder)
    return jsonify({"expiresIn": UPLOAD_URL_LIFETIME, "uploadURL": f"{base_url()}/up/{slot['token']}"})


def _usage_request() -> dict[str, Any]:
    """A usage body: a JSON object (unknown fields are ignored with a warning, see usage.parse_usage)."""
    return json_object(request_json(), optional=sorted(usage.FIELDS | {"id"}), name="usage report")


@api.post("/file/<file_id>/usage")
def report_usage(file_id: str) -> Response:
    """Report where a file is used (the Wagtail plugins' call)."""
    user = current_user()
    identifier = _int_id(file_id, "file id")
    body = _usage_request()
    if "id" in body:
        warn("unknown-field", "id in the body of a per-file report is ignored; the path names the file", "inferred")
    stored = state().add_usages(user, [identifier], usage.parse_usage(body, state().now()))
    return jsonify(usage.usage_json(stored[0]))


@api.post("/files/multiple/usages")
def report_usages() -> Response:
    """Report one usage for several files at once (docs; the WordPress plugin's call): the stored reports."""
    user = current_user()
    body = _usage_request()
    ids = usage.parse_ids(body)
    stored = state().add_usages(user, ids, usage.parse_usage(body, state().now()))
    return jsonify([usage.usage_json(u) for u in stored])


@api.get("/file/<file_id>/usage")
@api.get("/files/<file_id>/usages")
def list_usage(file_id: str) -> Response:
    """Usages reported for a file (inferred companion of the POSTs)."""
    user = current_user()
    return jsonify([usage.usage_json(u) for u in state().usages(user, _int_id(file_id, "file id"))])


# -- downloads -------------------------------------------------------------------
@api.get("/format")
def download_formats() -> Response:
    """Every download format (0 = the original)."""
    current_user()
    return jsonify([fmt.as_json() for fmt in FORMATS])


@api.get("/files/<file_id>/downloads")
def file_downloads(file_id: str) -> Response:
    """The formats a file can be downloaded in, with the output size and the download URL ([] when unknown)."""
    user = current_user()
    identifier = _int_id(file_id, "file id")
    found = state().download_formats(user, identifier) or []
    base = base_url()
    return jsonify([
        {**fmt.as_json(), "width": width, "height": height, "url": f"{base}/1/files/{identifier}/downloads/{fmt.id}"}
        for fmt, width, height in found
    ])


@api.get("/files/<file_id>/downloads/<format_id>")
def download_file(file_id: str, format_id: str) -> Response:
    """The file's bytes in a format: 0 the original, others converted with Pillow."""
    user = current_user()
    blob, filename, mimetype = state().download(user, _int_id(file_id, "file id"), _int_id(format_id, "format id"))
    return send_file(blob.path, mimetype=mimetype, as_attachment=True, download_name=filename,
                     conditional=True, etag=blob.md5)


# -- folders -------------------------------------------------------------------
def _folders(items: list[dict[str, Any]], user: dict[str, Any]) -> Response:
    return jsonify([folder_json(state(), user, f) for f in items])


@api.get("/folders")
def top_folders() -> Response:
    """The readable top-level folders."""
    user = current_user()
    return _folders(state().folders(user, parent=0), user)


@api.get("/folders/<folder_id>")
def get_folder(folder_id: str) -> Response:
    """One folder, as a one-element array ([] when unknown or unreadable)."""
    user = current_user()
    folder = state().readable_folder(user, _int_id(folder_id, "folder id"))
    return _folders([folder] if folder else [], user)


@api.get("/folders/<folder_id>/children")
def folder_children(folder_id: str) -> Response:
    """Readable child folders ([] for an unknown or unreadable folder)."""
    user = current_user()
    folder = state().readable_folder(user, _int_id(folder_id, "folder id"))
    return _folders(state().folders(user, parent=folder["id"]) if folder else [], user)


@api.get("/folders/<folder_id>/files")
@api.get("/folder/<folder_id>/files")
def folder_files(folder_id: str) -> Response:
    """Files in a folder (processed, type, page, per_page, fields); [] for unknown/unreadable folders."""
    user = current_user()
    folder = state().readable_folder(user, _int_id(folder_id, "folder id"))
    processed, kinds = query_flag("processed", None), _kinds_arg()
    if folder is None:
        return _file_page([])  # still validates fields/page/per_page
    return _file_page(state().files(user, folder_id=folder["id"], processed=processed, kinds=kinds))


@api.get("/foldertree")
def folder_tree() -> Response:
    """Every readable folder, depth-first, with depth and parent."""
    user = current_user()
    return _folders(state().folders(user), user)
