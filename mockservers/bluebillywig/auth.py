"""SAPI authentication: the ``rpctoken`` in its two forms (FACTS.md) and the JWT.

rpctoken = ``{keyId}-{token}``. The SDKs (Python, PHP, vmsrpc) send token = the
40-hex HMAC-SHA1(secret, 8-byte big-endian floor(unix_time / 120)); the
authentication doc describes a 10-digit value, which Blue Billywig's proof of
concept makes as a TOTP (RFC 6238 truncation, 10 digits, 120 s period) over the
base32 of the secret, i.e. keyed with the secret's own bytes. Both are accepted,
for the windows -1..+1 of the virtual clock. ``GET /sapi/auth/token`` trades a valid rpctoken for
an HS256 JWT (signed with the key's secret, one virtual hour) that is accepted as
``Authorization: Bearer``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import struct
from typing import Any

import jwt

from mockservers.bluebillywig.errors import forbidden, unauthorized
from mockservers.core.auth.hotp import matching_window
from mockservers.core.auth.jwt import EXPIRED, NO_EXP, JwtProblem, verify

WINDOW_SECONDS = 120
ACCEPTED_WINDOWS = (-1, 0, 1)
# Windows looked at only to explain a refusal ("your clock is 6 minutes behind").
DIAGNOSED_WINDOWS = tuple(range(-30, 31))
JWT_LIFETIME_SECONDS = 3600
JWT_ISSUER = "sapi.bluebillywig.emulator"
TOTP_DIGITS = 10
_RPCTOKEN = re.compile(r"^(?P<key>[0-9]+)-(?P<token>[0-9a-fA-F]{40}|[0-9]{10})$")


def totp_digits(secret: str, counter: int, digits: int = TOTP_DIGITS) -> str:
    """RFC 4226 dynamic truncation of HMAC-SHA1(secret bytes, counter), zero-padded to ``digits``.

    pyotp's ``TOTP(base32(secret), digits=10, interval=120)`` gives the same value.
    """
    mac = hmac.new(secret.encode("utf-8"), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


def _totp_window(secret: str, token: str, now: float, offsets: tuple[int, ...]) -> int | None:
    current = int(now // WINDOW_SECONDS)
    found = None
    for offset in offsets:
        if hmac.compare_digest(totp_digits(secret, current + offset), token) and found is None:
            found = offset
    return found


def _window(secret: str, token: str, now: float, offsets: tuple[int, ...]) -> int | None:
    if len(token) == TOTP_DIGITS:
        return _totp_window(secret, token, now, offsets)
    return matching_window(secret, token, now, WINDOW_SECONDS, offsets)


def check_rpctoken(keys: dict[str, dict[str, Any]], raw: str | None, now: float) -> dict[str, Any]:
    """The API key a valid rpctoken stands for; else 401 (missing/malformed/wrong/stale) or 403 (key)."""
    if raw is not None and not raw.strip():
        raise unauthorized("malformed rpctoken: it is empty; send {keyId}-{token}, or leave it out and send Authorization: Bearer <jwt>")
    if raw is None:
        raise unauthorized(
            "authentication required: send an rpctoken header (or ?rpctoken=, or rpctoken in the body) of the form "
            "{keyId}-{token}, "
            "or Authorization: Bearer <jwt from /sapi/auth/token>"
        )
    match = _RPCTOKEN.match(raw.strip())
    if match is None:
        raise unauthorized(
            "malformed rpctoken: expected {keyId}-{40 hex digits} (HMAC-SHA1 of the 120-second window counter) "
            "or {keyId}-{10 digits} (TOTP, 120-second period)"
        )
    key = keys.get(match["key"])
    if key is None:
        raise forbidden(f"unknown API key id {match['key']}: no such key in this publication")
    if key.get("revoked"):
        raise forbidden(f"API key {key['id']} has been revoked")
    token = match["token"]
    if _window(key["secret"], token, now, ACCEPTED_WINDOWS) is not None:
        return key
    offset = _window(key["secret"], token, now, DIAGNOSED_WINDOWS)
    if offset is not None:
        direction = "behind" if offset < 0 else "ahead of"
        raise unauthorized(
            f"rpctoken expired: it was made for a 120-second window {abs(offset)} windows {direction} the server's "
            "clock (windows -1..+1 are accepted); check the client's clock"
        )
    raise unauthorized(f"invalid rpctoken for key {key['id']}: the token does not match (wrong shared secret?)")


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
        # Signature and expiry, the latter on the virtual clock (the kit's one verifier).
        verify(token, key["secret"], ["HS256"], now)
    except JwtProblem as problem:
        if problem.kind in (EXPIRED, NO_EXP):
            raise unauthorized("bearer token expired: get a new one from GET /sapi/auth/token") from None
        raise unauthorized(f"invalid bearer token: {problem.message}") from None
    return key
