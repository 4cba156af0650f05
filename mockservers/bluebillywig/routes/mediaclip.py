"""``/sapi/mediaclip``: list, get, create (PUT without id / POST /new), update, delete, publish, versions."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from mockservers.bluebillywig import clips
from mockservers.bluebillywig.routes.common import (
    args,
    authenticated,
    json_body,
    state,
    warn_method,
    warn_unknown_params,
)
from mockservers.bluebillywig.serializers import clip_json, list_json, version_json
from mockservers.core.views import query_flag

mediaclip = Blueprint("bluebillywig_mediaclip", __name__, url_prefix="/sapi/mediaclip")


def _one(clip: dict) -> Response:
    st = state()
    return jsonify(clip_json(clip, st.db["mediaassets"], st.now()))


@mediaclip.get("")
@authenticated
def list_mediaclips(user: str) -> Response:
    """Newest first; q, sort, limit (15), offset, fields, fq and plain field filters."""
    params, multi = args()
    return jsonify(clips.list_clips(state(), params, multi))


@mediaclip.route("", methods=["PUT", "POST"])
@authenticated
def put_mediaclip(user: str) -> Response:
    """Create (no id), or update the clip named by the body's id or by q=sourceid:"..." (seed; vmsrpc POSTs)."""
    st = state()
    body = json_body()
    warn_unknown_params("q")
    q = request.args.get("q")
    if q is not None:
        return _one(clips.update(st, st.clip_by_sourceid(clips.sourceid_of_query(q)), body, user))
    if isinstance(body, dict) and body.get("id") not in (None, "", 0, "0"):
        return _one(clips.update(st, st.clip(str(body["id"])), body, user))
    return _one(clips.create(st, body, user))


@mediaclip.post("/new")
@authenticated
def create_mediaclip(user: str) -> Response:
    """Create, as the official Python SDK does."""
    return _one(clips.create(state(), json_body(), user))


@mediaclip.after_request
def _own_allow_for_new(response: Response) -> Response:
    # ``/new`` takes POST only: Flask's automatic OPTIONS would add the methods of ``/<clip_id>``.
    if request.method == "OPTIONS" and request.url_rule is not None and request.url_rule.rule.endswith("/new"):
        response.headers["Allow"] = "OPTIONS, POST"
    return response


@mediaclip.delete("")
@authenticated
def delete_by_sourceid(user: str) -> Response:
    """DELETE ?q=sourceid:"..." [&purge=true]."""
    st = state()
    warn_unknown_params("q", "purge")
    clip = st.clip_by_sourceid(clips.sourceid_of_query(request.args.get("q")))
    return jsonify(clips.delete(st, clip, bool(query_flag("purge")), user))


@mediaclip.get("/<clip_id>")
@authenticated
def get_mediaclip(clip_id: str, user: str) -> Response:
    """The whole object; ?versionId= reads an earlier version."""
    st = state()
    warn_unknown_params("versionId", "includejobs", "lang", "softsave")
    clip = st.clip(clip_id)
    version_id = request.args.get("versionId")
    if version_id:
        snapshot = st.version(clip, version_id)["snapshot"]
        return jsonify(clip_json(snapshot, snapshot["assetRecords"], st.now()))
    return _one(clip)


@mediaclip.route("/<clip_id>", methods=["PUT", "POST"])
@authenticated
def update_mediaclip(clip_id: str, user: str) -> Response:
    """Update writable attributes (PUT as documented, POST as vmsrpc sends it)."""
    st = state()
    return _one(clips.update(st, st.clip(clip_id), json_body(), user))


@mediaclip.delete("/<clip_id>")
@authenticated
def delete_mediaclip(clip_id: str, user: str) -> Response:
    """Soft delete, or ?purge=true for good."""
    st = state()
    warn_unknown_params("purge")
    return jsonify(clips.delete(st, st.clip(clip_id), bool(query_flag("purge")), user))


@mediaclip.route("/<clip_id>/publish", methods=["PUT", "POST", "GET"])
@authenticated
def publish(clip_id: str, user: str) -> Response:
    """Status published (publisheddate set the first time); vmsrpc sends a body-less PUT as GET."""
    warn_method("PUT")
    st = state()
    return _one(clips.set_published(st, st.clip(clip_id), True, user))


@mediaclip.route("/<clip_id>/unpublish", methods=["PUT", "POST", "GET"])
@authenticated
def unpublish(clip_id: str, user: str) -> Response:
    """Status draft (publisheddate kept)."""
    warn_method("PUT")
    st = state()
    return _one(clips.set_published(st, st.clip(clip_id), False, user))


@mediaclip.get("/<clip_id>/versions")
@authenticated
def versions(clip_id: str, user: str) -> Response:
    """Version history, newest first (``items``, each with id, date, isLatest)."""
    st = state()
    found = st.versions_of(st.clip(clip_id))
    items = [version_json(v, index == 0) for index, v in enumerate(found)]
    return jsonify(list_json(items, len(items), 0, len(items)))
