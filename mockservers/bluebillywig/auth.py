"""SAPI authentication: HOTP ``rpctoken`` (FACTS.md, checked against the official SDK) and the JWT.

rpctoken = ``{keyId}-{hex}`` where hex = HMAC-SHA1(secret, 8-byte big-endian
floor(unix_time / 120)); the emulator reads unix time from its virtual clock and
accepts the windows -1..+1. ``GET /sapi/auth/token`` trades a valid rpctoken for
an HS256 JWT (signed with the key's secret, one virtual hour) that is accepted as
``Authorization: Bearer``.
"""

from __future__ import annotations

import re
from typing import Any

import jwt

from mockservers.bluebillywig.errors import forbidden, unauthorized
from mockservers.core.auth.hotp import matching_window

WINDOW_SECONDS = 120
ACCEPTED_WINDOWS = (-1, 0, 1)
# Windows looked at only to explain a refusal ("your clock is 6 minutes behind").
DIAGNOSED_WINDOWS = tuple(range(-30, 31))
JWT_LIFETIME_SECONDS = 3600
JWT_ISSUER = "sapi.bluebillywig.emulator"
_RPCTOKEN = re.compile(r"^(?P<key>[0-9]+)-(?P<token>[0-9a-fA-F]{40})$")


def check_rpctoken(keys: dict[str, dict[str, Any]], raw: str | None, now: float) -> dict[str, Any]:
    """The API key a valid rpctoken stands for; else 401 (missing/malformed/wrong/stale) or 403 (key)."""
    if raw is None or not raw.strip():
        raise unauthorized(
            "authentication required: send an rpctoken header (or ?rpctoken=) of the form {keyId}-{hotp}, "
            "or Authorization: Bearer <jwt from /sapi/auth/token>"
        )
    match = _RPCTOKEN.match(raw.strip())
    if match is None:
        raise unauthorized(
            "malformed rpctoken: expected {keyId}-{40 hex digits} (HMAC-SHA1 of the 120-second window counter)"
        )
    key = keys.get(match["key"])
    if key is None:
        raise forbidden(f"unknown API key id {match['key']}: no such key in this publication")
    if key.get("revoked"):
        raise forbidden(f"API key {key['id']} has been revoked")
    token = match["token"]
    if matching_window(key["secret"], token, now, WINDOW_SECONDS, ACCEPTED_WINDOWS) is not None:
        return key
    offset = matching_window(key["secret"], token, now, WINDOW_SECONDS, DIAGNOSED_WINDOWS)
    if offset is not None:
        direction = "behind" if offset < 0 else "ahead of"
        raise unauthorized(
            f"rpctoken expired: it was made for a 120-second window {abs(offset)} windows {direction} the server's "
            "clock (windows -1..+1 are accepted); check the client's clock"
        )
    raise unauthorized(f"invalid rpctoken for key {key['id']}: the HMAC does not match (wrong shared secret?)")


def issue_jwt(key: dict[str, Any], publication_id: str, now: float) -> dict[str, Any]:
    """A JWT for the key, valid one virtual hour."""
    issued = int(now)
    claims = {
        "iss": JWT_ISSUER,
        "sub": key["id"],
        "publicationid": publication_id,
        "user": key["user"],
        "iat": issued,
        "exp": issued + JWT_LIFETIME_SECONDS,
    }
    token = jwt.encode(claims, key["secret"], algorithm="HS256", headers={"kid": key["id"]})
    return {"token": token, "expires_in": JWT_LIFETIME_SECONDS, "token_type": "Bearer"}


def check_jwt(keys: dict[str, dict[str, Any]], token: str, now: float) -> dict[str, Any]:
    """The key a Bearer JWT was issued to; 401 when it is unreadable, forged or expired (virtual clock)."""
    try:
        header = jwt.get_unverified_header(token)
    except (jwt.PyJWTError, ValueError, TypeError):
        raise unauthorized("invalid bearer token: not a JWT") from None
    key = keys.get(str(header.get("kid", "")))
    if key is None:
        raise unauthorized("invalid bearer token: it names no API key of this publication")
    if key.get("revoked"):
        raise forbidden(f"API key {key['id']} has been revoked")
    try:
        # Expiry is checked below against the virtual clock, not PyJWT's wall clock.
        claims = jwt.decode(token, key["secret"], algorithms=["HS256"], options={"verify_exp": False, "verify_iat": False})
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise unauthorized(f"invalid bearer token: {exc}") from None
    if not isinstance(claims.get("exp"), int) or claims["exp"] <= now:
        raise unauthorized("bearer token expired: get a new one from GET /sapi/auth/token")
    return key
