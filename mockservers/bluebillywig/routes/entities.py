"""``/sapi/publication`` and the generic entities (playlist/cliplist, channel, playout, subtitle)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from mockservers.bluebillywig import clips, entities
from mockservers.bluebillywig.routes.common import authenticated, json_body, state

entity_routes = Blueprint("bluebillywig_entities", __name__, url_prefix="/sapi")
# Explicit rules per entity (no converter tables), so routes and contracts name the same paths.
ENTITY_NAMES = ("playlist", "cliplist", "channel", "playout", "subtitle")
LIST_PARAMS = frozenset({"limit", "offset", "sort", "rpctoken", "q", "fields"})


@entity_routes.get("/publication")
@authenticated
def get_publication(user: str) -> Response:
    """The publication every SDK's getSourcePath reads ``defaultMediaAssetPath`` from (its own host)."""
    st = state()
    publication = st.publication
    return jsonify({
        "id": publication["id"],
        "name": publication["shortname"],
        "title": publication["name"],
        "status": "active",
        # Media paths (``src``) are relative to this; the emulator serves them itself.
        "defaultMediaAssetPath": request.host_url.rstrip("/"),
    })


def list_entities(name: str, user: str) -> Response:
    """Newest first; limit (15), offset and plain property filters."""
    filters = {k: v for k, v in request.args.items() if k not in LIST_PARAMS}
    limit, offset = clips.page_window(request.args)
    return jsonify(entities.list_entities(state(), name, limit, offset, filters))


def create_entity(name: str, user: str) -> Response:
    """Create (no id in the body) or update (id in the body), as the SDKs PUT and vmsrpc POSTs."""
    st = state()
    body = json_body()
    if isinstance(body, dict) and body.get("id") not in (None, "", 0, "0"):
        record = entities.update(st, name, str(body["id"]), body, user)
    else:
        record = entities.create(st, name, body, user)
    return jsonify(entities.entity_json(st, record))


def create_entity_new(name: str, user: str) -> Response:
    """Create, as the Python SDK does (``POST /sapi/{entity}/new``)."""
    st = state()
    return jsonify(entities.entity_json(st, entities.create(st, name, json_body(), user)))


def get_entity(name: str, entity_id: str, user: str) -> Response:
    """One entity."""
    st = state()
    return jsonify(entities.entity_json(st, entities.get(st, name, entity_id)))


def update_entity(name: str, entity_id: str, user: str) -> Response:
    """Update the properties the body carries."""
    st = state()
    return jsonify(entities.entity_json(st, entities.update(st, name, entity_id, json_body(), user)))


def delete_entity(name: str, entity_id: str, user: str) -> Response:
    """Delete for good."""
    return jsonify(entities.delete(state(), name, entity_id))


for _name in ENTITY_NAMES:
    for _rule, _methods, _view in (
        ("", ["GET"], list_entities),
        ("", ["PUT", "POST"], create_entity),
        ("/new", ["POST"], create_entity_new),
        ("/<entity_id>", ["GET"], get_entity),
        ("/<entity_id>", ["PUT", "POST"], update_entity),
        ("/<entity_id>", ["DELETE"], delete_entity),
    ):
        entity_routes.add_url_rule(
            f"/{_name}{_rule}", f"{_name}_{_view.__name__}", authenticated(_view), methods=_methods, defaults={"name": _name}
        )
