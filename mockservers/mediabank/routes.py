"""Mediabank's JWT service and MAP API v3 as thin Flask views: parse, call the state, serialize."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request

from mockservers.core import fidelity, views
from mockservers.core.errors import ApiError, BadRequestError
from mockservers.core.safejson import safe_loads
from mockservers.core.views import flag, json_string, query_int
from mockservers.mediabank import tokens
from mockservers.mediabank.serializers import asset_json, ingest_json, storage_json
from mockservers.mediabank.state import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    ROLE_READ,
    MediabankState,
    require_application,
)

# The JWT service is its own service (jwt.mediabank.me); the emulator serves it under /jwt.
jwt_service = Blueprint("mediabank_jwt", __name__, url_prefix="/jwt")
# The MAP API sits at the root of its host (seed: https://map-api-eu1.mediabank.me/; evidence: PUT /asset/).
map_api = Blueprint("mediabank_map", __name__)

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def register_routes(app: Flask) -> None:
    """Attach the JWT service and the MAP API."""
    app.register_blueprint(jwt_service)
    app.register_blueprint(map_api)


def _state() -> MediabankState:
    state: MediabankState = views.state()
    return state


# -- request parsing -----------------------------------------------------------
def _fields(allowed: set[str], json_fields: tuple[str, ...] = ()) -> dict[str, Any]:
    """Body fields from a form (as the public integration sends) or a JSON object.

    Form values are strings; the ``json_fields`` among them carry JSON text (the
    evidence's ``metadata``) and are parsed. In a JSON body they may be objects or JSON text.
    """
    raw = request.get_data(cache=True)
    if request.mimetype in FORM_TYPES:
        form = request.form
        duplicated = sorted({k for k in form if len(form.getlist(k)) > 1})
        if duplicated:
            raise BadRequestError(f"{duplicated[0]} is given more than once", duplicated[0])
        data: dict[str, Any] = dict(form.items())
        if request.files:
            raise BadRequestError("file parts are not accepted here: upload the file to S3 and request an ingest", "file")
    elif not raw.strip():
        data = {}
    elif request.mimetype in ("application/json", "") or request.mimetype.endswith("+json"):
        parsed = request.get_json(force=True, silent=True)
        if parsed is None:
            raise BadRequestError("the request body is not valid JSON")
        if not isinstance(parsed, dict):
            raise BadRequestError("the request body must be a JSON object")
        data = parsed
    else:
        raise ApiError(415, f"send application/json or a form, not {request.mimetype}", "unsupported_media_type")
    # Unknown fields are refused (inferred: the emulator's documented behaviour, kept until evidence says otherwise).
    data = views.json_object(data, optional=allowed, unknown="refuse")
    for name in json_fields:
        if isinstance(data.get(name), str):
            try:
                data[name] = safe_loads(data[name])
            except ValueError as exc:
                raise BadRequestError(f"{name} is not valid JSON text: {exc}", name) from None
    return data




def _query(*known: str) -> None:
    """Check the query of a list: each known parameter at most once (else a 400, as for form fields);
    other names are ignored with a fidelity warning (the contracts admit them; the documented API has none)."""
    for name in known:
        if len(request.args.getlist(name)) > 1:
            raise BadRequestError(f"{name} is given more than once", name)
    for name in request.args:
        if name not in known:
            fidelity.warn(
                "unknown-parameter",
                f"query parameter {name!r} is not in the documented API; it is ignored here, the real service may refuse it",
                "inferred",
            )


def _bearer() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise tokens.auth_error("token_missing", "no token: send Authorization: Bearer <token from the JWT service>")
    return token.strip()


def _caller() -> tuple[dict[str, Any], str]:
    """(user, application) of a MAP API request: a valid token, then the MAP-Application header."""
    user = _state().authenticate(_bearer())
    return user, require_application(request.headers.get("MAP-Application"))




# -- JWT service -----------------------------------------------------------------
@jwt_service.post("/login")
def login() -> Response:
    """email + password (form or JSON) -> {token, ttl}."""
    data = _fields({"email", "password"})
    user = _state().login(json_string(data, "email", max_length=320, allow_blank=True), json_string(data, "password", max_length=1024, allow_blank=True))
    return jsonify(_state().issue_token(user))


@jwt_service.post("/refresh")
def refresh() -> Response:
    """A still-valid token (Authorization: Bearer, or a ``token`` field) -> a fresh {token, ttl}."""
    data = _fields({"token"})
    token = json_string(data, "token", max_length=8192, allow_blank=True) if "token" in data else _bearer()
    return jsonify(_state().refresh(token))


# -- assets -----------------------------------------------------------------------
@map_api.post("/asset/")
def create_asset() -> Response:
    """New asset with metadata."""
    user, application = _caller()
    data = _fields({"metadata", "notify"}, json_fields=("metadata",))
    flag(data.get("notify"), "notify")
    return jsonify({"asset": asset_json(_state().create_asset(user, application, data.get("metadata")))})


@map_api.put("/asset/")
def update_asset() -> Response:
    """The evidence's form: id, metadata (JSON text), notify."""
    user, application = _caller()
    data = _fields({"id", "metadata", "notify"}, json_fields=("metadata",))
    notify = bool(flag(data.get("notify"), "notify"))
    # The integration sends id as a form string of digits; a JSON body may carry the number itself.
    asset = _state().update_asset(user, application, data.get("id"), data.get("metadata"))
    return jsonify({"asset": asset_json(asset), "notified": notify})


@map_api.get("/asset/")
def list_assets() -> Response:
    """The company's assets, paged; ``q`` searches the metadata text."""
    user, _ = _caller()
    _query("page", "per_page", "q")
    page, per_page = query_int("page", 1, 1, 1_000_000), query_int("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    query = request.args.get("q")
    if query is not None and len(query) > 256:
        raise BadRequestError("q must be at most 256 characters", "q")
    found = _state().search_assets(user, query)
    items = found[(page - 1) * per_page : page * per_page]
    return jsonify({
        "assets": [asset_json(a) for a in items],
        "page": page,
        "per_page": per_page,
        "total": len(found),
        "pages": math.ceil(len(found) / per_page),
    })


@map_api.get("/asset/<asset_id>")
def get_asset(asset_id: str) -> Response:
    """One asset."""
    user, _ = _caller()
    _state().require_role(user, ROLE_READ)
    return jsonify({"asset": asset_json(_state().asset(user, asset_id))})


@map_api.delete("/asset/<asset_id>")
def delete_asset(asset_id: str) -> Response:
    """Delete an asset (200 with its id: the seed makes 200 the only success)."""
    user, _ = _caller()
    return jsonify({"deleted": True, "id": _state().delete_asset(user, asset_id)})


# -- storage and ingest -------------------------------------------------------------
@map_api.get("/storage/")
def list_storages() -> Response:
    """The company's storage configurations (where to upload before an ingest)."""
    user, _ = _caller()
    return jsonify({"storages": [storage_json(_state(), s) for s in _state().storages(user)]})


@map_api.post("/ingest/")
def create_ingest() -> Response:
    """Ask Mediabank to pick an uploaded object up and link it to an asset."""
    user, application = _caller()
    data = _fields({"asset_id", "storage_id", "bucket", "key", "callback_url"})
    return jsonify({"ingest": ingest_json(_state(), _state().create_ingest(user, application, data))})


@map_api.get("/ingest/")
def list_ingests() -> Response:
    """The company's ingests, newest first (``asset_id`` filters)."""
    user, _ = _caller()
    _query("asset_id")
    asset_id = request.args.get("asset_id")
    return jsonify({"ingests": [ingest_json(_state(), i) for i in _state().list_ingests(user, asset_id)]})


@map_api.get("/ingest/<ingest_id>")
def get_ingest(ingest_id: str) -> Response:
    """One ingest: status, percent, reason, linked file, callback deliveries."""
    user, _ = _caller()
    return jsonify({"ingest": ingest_json(_state(), _state().ingest(user, ingest_id))})
