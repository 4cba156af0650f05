"""What every SAPI view needs: the state, authentication, JSON bodies and query parameters."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request

from mockservers.bluebillywig.state import BlueBillywigState
from mockservers.core import fidelity, views
from mockservers.core.errors import BadRequestError

F = TypeVar("F", bound=Callable[..., Any])


def state() -> BlueBillywigState:
    """The emulator's Blue Billywig state (the kit's ``views.state``, typed)."""
    found: BlueBillywigState = views.state()
    return found


def authenticated(view: F) -> F:
    """Run the view under the state lock with ``user`` (the API key's user) after checking credentials.

    Credentials: ``rpctoken`` header or query parameter (FACTS.md), or a bearer
    JWT from ``GET /sapi/auth/token``.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        st = state()
        with st.lock:
            key = current_key(st)
            st.settle()
            return view(*args, user=key["user"], **kwargs)

    return wrapper  # type: ignore[return-value]


_UNREAD = object()


def _parsed_body() -> Any:
    """The body parsed as JSON once per request, whatever the Content-Type (None: empty, _UNREAD: not JSON).

    vmsrpc (the PHP SDK's transport) posts ``json_encode($props)`` with curl's default
    ``application/x-www-form-urlencoded`` type, so the type says nothing; the bytes decide.
    """
    if "bb_body" not in g:
        raw = request.get_data(cache=True)
        if not raw.strip():
            g.bb_body = None
        else:
            data = request.get_json(force=True, silent=True)
            g.bb_body = _UNREAD if data is None else data
    return g.bb_body


def body_rpctoken() -> str | None:
    """The ``rpctoken`` member of a JSON object body (vmsrpc puts it there), if any."""
    data = _parsed_body()
    if isinstance(data, dict) and isinstance(data.get("rpctoken"), str):
        return str(data["rpctoken"])
    return None


def current_key(st: BlueBillywigState) -> dict[str, Any]:
    """The API key of this request (rpctoken header, ?rpctoken=, rpctoken in the body, or Bearer JWT)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    sent = [request.headers.get("rpctoken"), request.args.get("rpctoken"), body_rpctoken()]
    raw = next((value for value in sent if value and value.strip()), None)
    if raw is None and any(value is not None for value in sent):
        # An rpctoken was sent, but empty: it still wins over a Bearer header, and is refused.
        return st.authenticate_rpctoken("")
    if scheme.lower() == "bearer" and token and raw is None:
        return st.authenticate_jwt(token)
    return st.authenticate_rpctoken(raw)


def json_body(optional: bool = False) -> Any:
    """The parsed JSON body whatever the Content-Type, without vmsrpc's ``rpctoken``; empty optional is None."""
    data = _parsed_body()
    if data is None:
        if optional:
            return None
        raise BadRequestError("a JSON request body is required")
    if data is _UNREAD:
        raise BadRequestError("the request body is not valid JSON")
    if isinstance(data, dict) and "rpctoken" in data:
        data = {k: v for k, v in data.items() if k != "rpctoken"}
    return data


def warn_method(expected: str) -> None:
    """Note that this request used another method than the documented one (vmsrpc sends POST or GET)."""
    if request.method != expected:
        fidelity.warn(
            "method",
            f"{request.method} {request.path} is served like {expected}: vmsrpc sends {request.method} where the "
            f"reference documents {expected}",
            "client",
        )


def warn_unknown_params(*known: str) -> None:
    """Note query parameters this endpoint does not read (accepted and ignored, as SAPI is not known to refuse them)."""
    for name in request.args:
        if name not in known and name != "rpctoken":
            fidelity.warn("unknown-parameter", f"query parameter {name[:80]!r} is not known here and is ignored", "inferred")


def args() -> tuple[dict[str, str], dict[str, list[str]]]:
    """Query parameters: first values, and every value per name."""
    multi = {name: request.args.getlist(name) for name in request.args}
    return {name: values[0] for name, values in multi.items()}, multi
