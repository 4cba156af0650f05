"""The Media API v3 as thin Flask views: parse, call the state, serialize."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request, send_file

from mockservers.core import fidelity, views
from mockservers.core.blobs import BlobInfo
from mockservers.core.errors import ApiError
from mockservers.core.http import content_disposition
from mockservers.core.views import PAGE_INDEX, blob_kept_on_success, pagination_links
from mockservers.vonage import parsing
from mockservers.vonage.auth import unauthorized
from mockservers.vonage.errors import vonage_error
from mockservers.vonage.fetch import fetch
from mockservers.vonage.serializers import media_json, vonage_time
from mockservers.vonage.state import WEEK, VonageState

media = Blueprint("vonage_media", __name__, url_prefix="/v3/media")
# Every route opts out of Flask's automatic OPTIONS answer: Vonage's api-standards show OPTIONS as a 405 wrong-verb.

DEFAULT_PAGE_SIZE = 20
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def register_routes(app: Flask) -> None:
    """Attach the Media API."""
    app.register_blueprint(media)


def _emulator() -> Any:
    return views.emulator()


def _state() -> VonageState:
    state: VonageState = views.state()
    return state


def _setting(name: str) -> float:
    return float(_emulator().context.settings[name])


# -- authentication ------------------------------------------------------------
def _account(optional: bool = False) -> dict[str, Any] | None:
    """The caller's account from a JWT (Bearer header or ``jwt-token`` query) or Basic api_key:api_secret."""
    headers = request.headers.getlist("Authorization")
    query_token = request.args.get("jwt-token")
    query_key = "api_key" in request.args or "api_secret" in request.args
    # Vonage: "You can use JWT or Basic authentication, but not both at the same time."
    if len(headers) + (query_token is not None) + query_key > 1:
        raise unauthorized("send exactly one credential: a JWT (Bearer header or jwt-token parameter) or Basic, not both")
    if query_key:
        return _query_credentials()
    if not headers and query_token is None:
        if optional:
            return None
        raise unauthorized("no credentials: send Authorization: Bearer <JWT>, the jwt-token parameter, or Basic api_key:api_secret")
    if query_token is not None:
        token = query_token.strip()
    else:
        scheme, _, value = headers[0].strip().partition(" ")
        if scheme.lower() == "basic":
            basic = request.authorization
            if basic is None or not basic.username:
                raise unauthorized("the Basic credentials are not base64 of api_key:api_secret")
            return _state().authenticate_basic(basic.username, basic.password or "")
        if scheme.lower() != "bearer":
            raise unauthorized(f"unsupported Authorization scheme {scheme!r}; use Bearer <JWT> or Basic <base64 api_key:api_secret>")
        token = value.strip()
    if not token:
        raise unauthorized("the JWT is empty")
    return _state().authenticate_jwt(token, request.method, request.path)


def _query_credentials() -> dict[str, Any]:
    """api_key and api_secret as query parameters: Vonage's older docs show them; the Media API documents Basic only."""
    fidelity.warn(
        "query-credentials",
        "api_key/api_secret as query parameters are shown in Vonage's older API docs, not the Media API's; "
        "the live Media API may refuse them: send them as Basic credentials",
        "doc",
    )
    api_key, api_secret = request.args.get("api_key"), request.args.get("api_secret")
    if not api_key or api_secret is None:
        raise unauthorized("api_key and api_secret must both be given as query parameters (or send Basic api_key:api_secret)")
    return _state().authenticate_basic(api_key, api_secret)


def _account_id() -> str:
    account = _account()
    assert account is not None
    return account["api_key"]


# -- list ----------------------------------------------------------------------
@media.get("", provide_automatic_options=False)
def list_media() -> Response:
    """List and search the account's items: order, page_index, page_size, start_time, end_time."""
    account_id = _account_id()
    args = request.args
    ascending = parsing.order_param(args)
    page = parsing.int_param(args, "page_index", 0, 0, parsing.MAX_PAGE_INDEX)
    size = parsing.int_param(args, "page_size", DEFAULT_PAGE_SIZE, 1, parsing.MAX_PAGE_SIZE)
    start = parsing.time_param(args, "start_time")
    end = parsing.time_param(args, "end_time")
    _ignored_filters(account_id)
    # Spec: start_time defaults to "1 week ago" (of the virtual clock).
    effective_start = start if start is not None else _state().now() - WEEK
    items = _state().list_media(account_id, ascending, effective_start, end) if end is None or end >= effective_start else []
    if not items:
        # Docs: a search that matches nothing answers 404 (also an end_time before the start: an empty window).
        window = f"{vonage_time(effective_start)} .. {vonage_time(end) if end is not None else 'now'}"
        raise vonage_error(404, "not-found", f"no media items were created in {window}; widen start_time/end_time")
    return jsonify(
        {
            "page_size": size,
            "page_index": page,
            "_links": _links(account_id, ascending, page, size, len(items)),
            "count": len(items),
            "_embedded": {"media": [media_json(m) for m in items[page * size : (page + 1) * size]]},
        }
    )


def _ignored_filters(account_id: str) -> None:
    """``public`` (the Node SDK's documented example passes it) and a foreign ``account_id`` are read but not applied."""
    if "public" in request.args:
        fidelity.warn(
            "public-filter-ignored",
            "public is not a documented list parameter (the Node SDK's example passes it); the emulator lists public "
            "and private items alike, the real service may filter or refuse it",
            "client",
        )
    given = request.args.get("account_id")
    if given is not None and given != account_id:
        fidelity.warn(
            "account-id-ignored",
            f"account_id {given!r} is not the caller's account ({account_id}); the emulator lists the caller's items, "
            "the real service may refuse it",
            "inferred",
        )


def _links(account_id: str, ascending: bool, page: int, size: int, total: int) -> dict[str, Any]:
    """Relative hrefs in the docs' form (/v3/media?page_size=..&account_id=..&order=..); next/prev where they exist."""
    extra = {k: request.args[k] for k in ("start_time", "end_time") if request.args.get(k)}
    query = {"page_size": size, "account_id": account_id, "order": "ascending" if ascending else "descending", "page_index": page, **extra}
    return pagination_links("/v3/media", page, size, total, PAGE_INDEX, query)


# -- info ------------------------------------------------------------------------
@media.get("/<media_id>/info", provide_automatic_options=False)
def get_info(media_id: str) -> Response:
    """One item's metadata."""
    return jsonify(media_json(_state().item(_account_id(), media_id)))


@media.put("/<media_id>/info", provide_automatic_options=False)
@media.post("/<media_id>/info", provide_automatic_options=False)  # the docs' example request uses POST
@media.put("/<media_id>", provide_automatic_options=False)  # Vonage's Node SDKs update here, with JSON
def update_info(media_id: str) -> Response:
    """Update metadata from a JSON, form-encoded or multipart body (multipart ``filedata`` replaces the content)."""
    account_id = _account_id()
    _state().item(account_id, media_id)  # 404 before reading a large body
    data, from_form = _body()
    blob, declared = _file_part(required=False)
    with _kept(blob):
        found = parsing.changes(data, from_form)
        if not found and blob is None:
            if not data:
                raise parsing.bad(f"nothing to update: send at least one of {', '.join(parsing.EDITABLE)}")
            # Only read-only (or ignored) fields: tolerated, so nothing changes.
            fidelity.warn(
                "nothing-settable",
                f"the update names only fields that cannot be set ({', '.join(sorted(data))}); nothing changes here, "
                "the real service may refuse it",
                "inferred",
            )
            return Response(status=204)
        _state().update(account_id, media_id, found, blob, declared)
    return Response(status=204)


def _body() -> tuple[dict[str, Any], bool]:
    """The request's fields and whether they came from a form (strings) rather than JSON."""
    mimetype = request.mimetype
    if mimetype in FORM_TYPES:
        return {k: v for k, v in request.form.items()}, True
    raw = request.get_data(cache=True)
    if mimetype == "application/json" or mimetype.endswith("+json") or (not mimetype and raw.strip()):
        if not raw.strip():
            raise parsing.bad("the JSON body is empty", None, "invalid-json")
        return parsing.json_object(raw, "the request body"), False
    if not raw.strip():
        return {}, False
    raise vonage_error(415, "unsupported-media-type", f"send JSON, form-encoded or multipart/form-data, not {mimetype!r}")


def _file_part(required: bool) -> tuple[BlobInfo | None, str | None]:
    """The committed ``filedata`` part and its declared Content-Type (None when generic)."""
    if request.mimetype != "multipart/form-data":
        return None, None
    parts = [(name, storage) for name, storage in request.files.items(multi=True)]
    others = sorted({name for name, _ in parts if name != "filedata"})
    if others:
        raise parsing.bad(f"unexpected file field(s) {', '.join(others)}; send the file as filedata", others[0])
    files = [storage for name, storage in parts if name == "filedata"]
    if len(files) > 1:
        raise parsing.bad("send one filedata part, not several", "filedata")
    if not files:
        if required:
            raise parsing.bad("send the file as a multipart filedata part, or a url to fetch it from", "filedata")
        return None, None
    storage = files[0]
    blob = storage.stream.commit()  # type: ignore[attr-defined]
    declared = storage.mimetype if storage.mimetype and storage.mimetype != "application/octet-stream" else None
    return blob, declared


def _kept(blob: BlobInfo | None) -> Any:
    """A committed part deleted again if the request then fails (no failed request leaves a blob behind)."""
    return blob_kept_on_success(blob) if blob is not None else nullcontext()


# -- upload ----------------------------------------------------------------------
@media.post("", provide_automatic_options=False)
def upload() -> Response:
    """Create an item from a multipart ``filedata`` part or a loopback ``url``; 201 with Location."""
    # The seed documents upload, so the emulator keeps it; a Vonage maintainer wrote it is disabled in
    # the public API (Nexmo/nexmo-developer PR #785) and no OpenAPI version has it: every upload says so.
    fidelity.warn(
        "upload-disabled-live",
        "POST /v3/media (upload) is disabled in Vonage's public API (Vonage maintainer, Nexmo/nexmo-developer PR #785; "
        "absent from every version of the OpenAPI document); the emulator keeps it because the seed documents it",
        "doc",
    )
    account_id = _account_id()
    limit = int(_setting("max_upload_bytes"))
    if request.content_length is not None and request.content_length > limit:
        raise vonage_error(413, "payload-too-large", f"the request body is {request.content_length} bytes; the upload limit is {limit} bytes")
    data, from_form = _body()
    if not from_form and request.mimetype != "application/json":
        raise vonage_error(415, "unsupported-media-type", "upload with multipart/form-data (filedata, info, filename) or a url field")
    blob, declared = _file_part(required=False)
    with _kept(blob):
        item = _create(account_id, data, from_form, blob, declared, limit)
    response = jsonify(media_json(item))
    response.status_code = 201
    response.headers["Location"] = f"{request.host_url.rstrip('/')}/v3/media/{item['id']}/info"
    return response


def _create(account_id: str, data: dict[str, Any], from_form: bool, blob: BlobInfo | None, declared: str | None, limit: int) -> dict[str, Any]:
    info_raw = data.get("info")
    if not from_form and "info" in data and not isinstance(info_raw, dict):
        if info_raw is not None and not isinstance(info_raw, str):
            raise parsing.bad("info must be a JSON object (or a string holding one)", "info")
        fidelity.warn(
            "info-not-an-object",
            "info in a JSON body is an object; the emulator also reads JSON text (as multipart sends it) or null",
            "inferred",
        )
    if isinstance(info_raw, dict):
        info = info_raw
    elif info_raw is None or info_raw == "":
        info = {}
    elif isinstance(info_raw, str):
        info = parsing.json_object(info_raw, "the info field")
    else:
        raise parsing.bad("info must be a JSON object (or a string holding one)", "info")
    found = {**parsing.changes(data, from_form, ignore=("info", "url", "filename")), **parsing.changes(info, False)}
    url, filename = data.get("url"), data.get("filename")
    for name, value in (("url", url), ("filename", filename)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise parsing.bad(f"{name} must be a non-empty string", name)
    if blob is not None and url:
        raise parsing.bad("send either filedata or url, not both", "url")
    if blob is not None and blob.size > limit:
        raise vonage_error(413, "payload-too-large", f"the file is {blob.size} bytes; the upload limit is {limit} bytes")
    source_url = None
    if blob is None:
        if not url:
            raise parsing.bad("send the file as a multipart filedata part, or a url to fetch it from", "filedata")
        blob, declared = fetch(url.strip(), _emulator().blobs, limit, _setting("url_fetch_timeout"))
        source_url = url.strip()
        if declared == "application/octet-stream":
            declared = None
    name = filename or _upload_name(source_url)
    return _state().create(account_id, blob, name, declared, found, source_url)


def _upload_name(source_url: str | None) -> str:
    if source_url is None:
        storage = request.files.get("filedata")
        return (storage.filename if storage is not None and storage.filename else None) or "upload"
    tail = source_url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return tail or "upload"


# -- content ---------------------------------------------------------------------
@media.get("/<media_id>", provide_automatic_options=False)
def download(media_id: str) -> Response:
    """The file: Content-Type = mime_type, ETag/Last-Modified, conditional 304, Range 206/416; public without auth."""
    account = _account(optional=True)
    account_id = account["api_key"] if account else None
    item, blob = _state().downloadable(account_id, media_id)
    response = send_file(
        blob.path,
        mimetype=item["mime_type"],
        conditional=True,
        etag=item["etag"],
        last_modified=item["time_last_updated"],
        max_age=None,
    )
    # The name came from the uploader's ``filename`` field (may hold CR/LF): encoded, never raw.
    response.headers["Content-Disposition"] = content_disposition(item["original_file_name"], "inline")
    if request.method == "GET" and response.status_code in (200, 206):
        try:
            _state().count_download(account_id, media_id)
        except ApiError:
            response.close()
            raise
    return response


@media.delete("/<media_id>", provide_automatic_options=False)
def delete(media_id: str) -> Response:
    """Delete an item: 204."""
    _state().delete(_account_id(), media_id)
    return Response(status=204)

