"""The JWT service's tokens: HS256 with a per-world secret, claims laid out as the real service's.

Evidence: three (expired) tokens of the live JWT service in the public integration
``sugarfixx/AssetUpdater``: header ``{"typ": "JWT", "alg": "HS256"}``; claims
``iss``/``aud`` ``mediabank.me``, ``iat``, ``nbf``, ``exp`` (about an hour after ``iat``),
``userId``, ``tagsApiToken``, ``apiToken`` and a nested ``user`` object; no ``sub``.
One of them writes ``userId``/``user.userid`` as digit strings, the others as integers.
"""

from __future__ import annotations

from typing import Any

import jwt

from mockservers.core.auth import jwt as core_jwt
from mockservers.core.errors import ApiError
from mockservers.mediabank.errors import mediabank_error

ALGORITHM = "HS256"  # client: the integration's tokens say HS256
ISSUER = AUDIENCE = "mediabank.me"  # client: iss and aud of the integration's tokens


def sign(claims: dict[str, Any], secret: str) -> str:
    """A signed token (header as the real service's: typ first, then alg)."""
    return jwt.encode(claims, secret, algorithm=ALGORITHM, headers={"typ": "JWT"})


def auth_error(name: str, description: str) -> ApiError:
    """A 401 naming what is wrong with the token."""
    return mediabank_error(401, name, description)


def integer_id(value: Any) -> int | None:
    """An id claim as an integer: the real tokens carry integers and digit strings both."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) <= 20:
        return int(value)
    return None


# The shared verifier's problem kinds as the JWT service's error names.
PROBLEM_ERRORS = {
    core_jwt.MALFORMED: "token_malformed",
    core_jwt.BAD_SIGNATURE: "token_signature_invalid",
    core_jwt.EXPIRED: "token_expired",
    core_jwt.PREMATURE: "token_not_yet_valid",
    core_jwt.NO_EXP: "token_claims_invalid",
    core_jwt.WRONG_CLAIMS: "token_claims_invalid",
}
HINTS = {
    "token_expired": "; refresh it before its TTL runs out",
    "token_signature_invalid": ": it was not issued by this JWT service",
    "token_claims_invalid": "; get a token from the JWT service",
}


def verified_claims(token: str, secret: str, now: float) -> dict[str, Any]:
    """Claims of a token signed by the JWT service, for this audience, valid at ``now`` (virtual clock), else a 401 saying why."""
    try:
        return core_jwt.verify(token, secret, [ALGORITHM], now, require=("exp", "iss", "aud"), audience=AUDIENCE, issuer=ISSUER)
    except core_jwt.JwtProblem as problem:
        name = PROBLEM_ERRORS[problem.kind]
        raise auth_error(name, f"{problem.message}{HINTS.get(name, '')}") from None
