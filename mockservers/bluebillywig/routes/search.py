"""``GET /papi/search``: Solr-syntax search with ``className[]`` (the SDK's search and content_clips)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from mockservers.bluebillywig import clips
from mockservers.bluebillywig.routes.common import args, authenticated, state

search = Blueprint("bluebillywig_search", __name__)


@search.get("/papi/search")
@authenticated
def search_entities(user: str) -> Response:
    """q (default *:*), className[], sort, limit, offset, fields, filters."""
    params, multi = args()
    return jsonify(clips.search(state(), params, multi))
