"""Mediaflow's customer API (``/1/...``) as thin Flask views: parse, call the state, serialize."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, jsonify, redirect, request, send_file

from mockservers.core.errors import BadRequestError
from mockservers.core.fidelity import warn, warn_undeclared_query
from mockservers.core.views import (
    WHITE_SPACE,
    json_object,
    query_flag,
    query_int,
    request_fields,
    request_json,
    whole_number,
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
MAX_PAGE = 1_000_000  # inferred
_ID_RE = re.compile(r"^-?[0-9]{1,18}$")  # FACTS: ids can be negative
_PATH_ID_RE = re.compile(r"-?[0-9]{1,19}")
ID_MIN, ID_MAX = -(2**63), 2**63 - 1  # contracts common.json pathId: 64-bit (inferred)


# -- the query -------------------------------------------------------------------
# The documented forms of the list parameters (contracts file-list.query.json); other spellings the
# emulator reads are accepted with a warning.
_PROCESSED_FORMS = re.compile(r"(true|false|True|False|TRUE|FALSE|1|0)?")
_TYPE_FORMS = re.compile(r"(any|image|video|audio|document|other)(,(any|image|video|audio|document|other))*")


@api.before_request
def _judge_query() -> None:
    """Undocumented names and repeated parameters are accepted, each with a warning (fidelity policy)."""
    if not request.args:
        return
    # The contracts admit other names (open query schemas), so the judgement is Mediaflow's own.
    warn_undeclared_query("mediaflow", request.method, request.path, list(request.args), include_open=True)
    for name, values in request.args.lists():
        if len(values) > 1:
            warn("repeated-parameter", f"query parameter {name!r} is given {len(values)} times; the first value is used "
                 "here, the real service may use another or refuse it", "inferred")


def _loose(name: str, forms: re.Pattern[str], reading: str) -> None:
    """Warn when a query value is not in its documented form (it is still read, as ``reading`` says)."""
    raw = request.args.get(name)
    if raw is not None and not forms.fullmatch(raw):
        warn("loose-parameter", f"{name}={raw!r} is not in the documented form; {reading}", "inferred")


# -- parsing -------------------------------------------------------------------
def _int_id(raw: str, what: str) -> int:
    """A path id: an integer (may be negative, FACTS) in the 64-bit range the contract states."""
    if not _PATH_ID_RE.fullmatch(raw) or not ID_MIN <= int(raw) <= ID_MAX:
        shown = repr(raw) if len(raw) <= 40 else repr(raw[:37] + "...")
        raise BadRequestError(f"{what} must be an integer (64-bit, may be negative); got {shown}", what)
    return int(raw)


def _processed_arg() -> bool | None:
    """processed: true/false/1/0 (docs); yes/no and other case read too, with a warning; blank = either."""
    _loose("processed", _PROCESSED_FORMS, "read as a yes/no flag")
    return query_flag("processed", None)


def _kinds_arg() -> list[str] | None:
    raw = request.args.get("type")
    _loose("type", _TYPE_FORMS, "read case-insensitively, spaces and empty items ignored, blank as any")
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
    query = request.args.get("access_token")
    bearer = value.strip() if scheme.lower() == "bearer" else ""
    if bearer and query is not None and query != bearer:
        # Both forms are documented; which one the real service reads when they differ is not.
        warn("token-twice", "an access token in both Authorization: Bearer and access_token=, and they differ; "
             "the Bearer token is used", "inferred")
    token = bearer or (query or "").strip()
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
    if request.method == "GET" and not (params.get("client_id") and params.get("client_secret")):
        warn("basic-on-get", "client credentials in HTTP Basic on a GET token call; the docs show Basic with the POST "
             "form and the seed's GET has them in the query; used here", "inferred")
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
            for key in sorted(str(k) for k, v in body.items() if not isinstance(v, str)):
                warn("not-a-string", f"{key} in the JSON body is not a string; it is ignored", "inferred")
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
    for name in ("page", "per_page"):
        if request.args.get(name) == "":
            warn("loose-parameter", f"{name} is blank; read as its default", "inferred")
    page = query_int("page", 1, 1, MAX_PAGE, blank_is_default=True)
    per_page = query_int("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE, blank_is_default=True)
    chosen = items[(page - 1) * per_page : page * per_page]
    base = base_url()
    return jsonify([file_json(f, base, fields) for f in chosen])


@api.get("/file/latest")
def latest_files() -> Response:
    """The newest readable files: processed, type, page, per_page, fields."""
    user = current_user()
    return _file_page(state().files(user, processed=_processed_arg(), kinds=_kinds_arg()))


@api.get("/file/<file_id>")
def get_file(file_id: str) -> Response:
    """One file, as a one-element array ([] when not found or not readable)."""
    user = current_user()
    record = state().file(user, _int_id(file_id, "file id"))
    fields = parse_fields(request.args.get("fields"))
    return jsonify([file_json(record, base_url(), fields)] if record else [])


_FILENAME = re.compile(f"[^/\\\\]*[^/\\\\{WHITE_SPACE}.][^/\\\\]*")  # contracts create-upload.request.json


def _announced_int(body: dict[str, Any], name: str, from_form: bool) -> Any:
    """A JSON integer as sent; from a JSON body a float-valued one or a digit string is read with a warning."""
    value = whole_number(body[name], name)
    if isinstance(value, str) and _ID_RE.match(value):
        if not from_form:  # form fields are text by nature; a JSON string is a loose form
            warn("string-number", f"{name} sent as the string {value!r}; read as the integer", "inferred")
        value = int(value)
    return value


@api.post("/file")
def announce_upload() -> Response:
    """{filename, filesize, toFolder} -> {expiresIn: 600, uploadURL}."""
    user = current_user()
    from_form = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    body = json_object(request_fields(), optional=("filename", "filesize", "toFolder"), name="upload announcement")
    filename = body.get("filename")
    if filename is None:
        raise BadRequestError("filename is required", "filename")
    if not isinstance(filename, str) or not 1 <= len(filename) <= 255:
        raise BadRequestError("filename must be a non-empty string of at most 255 characters", "filename")
    if not _FILENAME.fullmatch(filename):
        raise BadRequestError(f"filename must be a plain file name without folders; got {filename!r}", "filename")
    if body.get("filesize") is None:
        raise BadRequestError("filesize is required (the file's size in bytes)", "filesize")
    filesize = check_filesize(_announced_int(body, "filesize", from_form))
    if body.get("toFolder") is None:
        raise BadRequestError("toFolder is required (the id of the folder to upload to)", "toFolder")
    folder = _announced_int(body, "toFolder", from_form)
    if isinstance(folder, bool) or not isinstance(folder, int) or folder == 0 or not ID_MIN <= folder <= ID_MAX:
        raise BadRequestError(f"toFolder must be a folder id (a non-zero 64-bit integer); got {folder!r}", "toFolder")
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
    processed, kinds = _processed_arg(), _kinds_arg()
    if folder is None:
        return _file_page([])  # still validates fields/page/per_page
    return _file_page(state().files(user, folder_id=folder["id"], processed=processed, kinds=kinds))


@api.get("/foldertree")
def folder_tree() -> Response:
    """Every readable folder, depth-first, with depth and parent."""
    user = current_user()
    return _folders(state().folders(user), user)
