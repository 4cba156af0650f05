"""``/sapi/mediaasset``: create/update by PUT (needs mediaclipid), get by id."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from mockservers.bluebillywig.assets import put_asset
from mockservers.bluebillywig.routes.common import authenticated, json_body, state
from mockservers.bluebillywig.serializers import asset_json

mediaasset = Blueprint("bluebillywig_mediaasset", __name__, url_prefix="/sapi/mediaasset")


@mediaasset.route("", methods=["PUT", "POST"])
@authenticated
def put_mediaasset(user: str) -> Response:
    """Create (no id) or update (id in the body)."""
    return jsonify(asset_json(put_asset(state(), json_body(), None, user)))


@mediaasset.route("/<asset_id>", methods=["PUT", "POST"])
@authenticated
def update_mediaasset(asset_id: str, user: str) -> Response:
    """Update by id."""
    return jsonify(asset_json(put_asset(state(), json_body(), asset_id, user)))


@mediaasset.get("/<asset_id>")
@authenticated
def get_mediaasset(asset_id: str, user: str) -> Response:
    """One asset."""
    return jsonify(asset_json(state().asset(asset_id)))
