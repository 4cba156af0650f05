"""Pixop's JWTs, shaped like the real one in the official Java client's tests.

Header ``{"kid": "key-1", "alg": "HS256"}``; claims ``jti, iat, sub:
"API-Access-Credentials", iss: "Pixop", exp = iat + 900, nbf = iat, user_id``.
Signed with a per-user HMAC secret that generate-auth-secret replaces (the key
id counts up: key-1, key-2, ...), so earlier tokens stop verifying.
"""

from __future__ import annotations

from typing import Any

import jwt

from mockservers.core.auth import jwt as jwt_format
from mockservers.core.errors import ApiError

TOKEN_LIFETIME_SECONDS = 15 * 60  # seed: "A JWT token is valid for 15 minutes."
ALGORITHM = "HS256"  # client tests: a real (expired) token's header
ISSUER = "Pixop"
SUBJECT = "API-Access-Credentials"


def key_id(generation: int) -> str:
    """The ``kid`` of a user's n-th auth secret (the first is the real token's ``key-1``)."""
    return f"key-{generation}"


def sign(claims: dict[str, Any], secret: str, kid: str) -> str:
    """Sign claims with a user's HMAC secret."""
    return jwt.encode(claims, secret.encode(), algorithm=ALGORITHM, headers={"kid": kid})


def auth_error(code: str, message: str, status: int = 401) -> ApiError:
    """One of the documented authentication exceptions."""
    return ApiError(status, message, code)


def unverified_claims(token: str) -> dict[str, Any]:
    """The token's claims before any check (to find whose secret verifies it)."""
    try:
        return jwt_format.unverified_claims(token, ALGORITHM)
    except jwt_format.JwtFormatError as exc:
        raise auth_error("InvalidJWTTokenFoundException", str(exc)) from None


# The core verifier's problem kinds -> the seed's exception names.
EXCEPTIONS = {
    jwt_format.MALFORMED: "InvalidJWTTokenFoundException",
    jwt_format.BAD_SIGNATURE: "InvalidJWTTokenFoundException",
    jwt_format.EXPIRED: "ExpiredJWTTokenException",
    jwt_format.PREMATURE: "PrematureJWTTokenException",
    jwt_format.NO_EXP: "EternalJWTTokenException",
    jwt_format.WRONG_CLAIMS: "InconsistentJWTClaimsException",
}
HINTS = {
    jwt_format.BAD_SIGNATURE: " (signed with another secret: was the auth secret regenerated?)",
    jwt_format.EXPIRED: "; request a new one",
    jwt_format.NO_EXP: "; tokens without a TTL are not permitted",
}


def verify(token: str, secret: str, now: float) -> dict[str, Any]:
    """Signature (the user's current secret), exp (required) and nbf on the virtual clock; the documented exception if not."""
    try:
        return jwt_format.verify(token, secret.encode(), (ALGORITHM,), now, require=("exp",))
    except jwt_format.JwtProblem as problem:
        raise auth_error(EXCEPTIONS[problem.kind], problem.message + HINTS.get(problem.kind, "")) from None


def check_claims(claims: dict[str, Any]) -> None:
    """iss and sub must be Pixop's; user_id must be a string."""
    if claims.get("iss") != ISSUER or claims.get("sub") != SUBJECT or not isinstance(claims.get("user_id"), str):
        raise auth_error(
            "InconsistentJWTClaimsException",
            f"the token's claims must carry iss {ISSUER!r}, sub {SUBJECT!r} and the user_id of an existing user",
        )
