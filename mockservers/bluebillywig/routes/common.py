"""What every SAPI view needs: the state, authentication, JSON bodies and query parameters."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, request

from mockservers.bluebillywig.state import BlueBillywigState
from mockservers.core.errors import BadRequestError

F = TypeVar("F", bound=Callable[..., Any])


def state() -> BlueBillywigState:
    """The emulator's Blue Billywig state."""
    return current_app.extensions["mockservers"].state


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


def current_key(st: BlueBillywigState) -> dict[str, Any]:
    """The API key of this request (rpctoken header, ?rpctoken=, or Bearer JWT)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() == "bearer" and token and request.headers.get("rpctoken") is None and "rpctoken" not in request.args:
        return st.authenticate_jwt(token)
    return st.authenticate_rpctoken(request.headers.get("rpctoken") or request.args.get("rpctoken"))


def json_body(optional: bool = False) -> Any:
    """The parsed JSON body whatever the Content-Type; an empty optional body is None."""
    if not request.get_data(cache=True).strip():
        if optional:
            return None
        raise BadRequestError("a JSON request body is required")
    data = request.get_json(force=True, silent=True)
    if data is None:
        raise BadRequestError("the request body is not valid JSON")
    return data


def args() -> tuple[dict[str, str], dict[str, list[str]]]:
    """Query parameters: first values, and every value per name."""
    multi = {name: request.args.getlist(name) for name in request.args}
    return {name: values[0] for name, values in multi.items()}, multi


def flag(name: str) -> bool:
    """A boolean query parameter (``true``/``1``/``yes``; booleans arrive as strings, FACTS.md)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return False
    lowered = raw.lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise BadRequestError(f"{name} must be true or false; got {raw!r}", name)
