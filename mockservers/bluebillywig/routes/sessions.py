"""``GET /sapi/auth/token``: trade a valid rpctoken for a JWT (Bearer) that also authenticates."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from mockservers.bluebillywig.routes.common import current_key, state

sessions = Blueprint("bluebillywig_sessions", __name__)


@sessions.get("/sapi/auth/token")
def get_token() -> Response:
    """A JWT for the calling key (SDK's get_jwt reads ``token``)."""
    st = state()
    with st.lock:
        return jsonify(st.issue_jwt(current_key(st)))
