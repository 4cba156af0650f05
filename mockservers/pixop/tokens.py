"""Pixop's JWTs, shaped like the real one in the official Java client's tests.

Header ``{"kid": "key-1", "alg": "HS256"}``; claims ``jti, iat, sub:
"API-Access-Credentials", iss: "Pixop", exp = iat + 900, nbf = iat, user_id``.
Signed with a per-user HMAC secret that generate-auth-secret replaces (the key
id counts up: key-1, key-2, ...), so earlier tokens stop verifying.
"""

from __future__ import annotations

from functools import lru_cache
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


@lru_cache(maxsize=4096)
def verify_signature(token: str, secret: str) -> bool:
    """Check the signature only; time claims are checked against the virtual clock by the caller.

    Cached per (token, secret): a replaced secret is a different cache key, so
    old tokens still fail; failures raise and are never cached.
    """
    try:
        jwt.decode(
            token,
            secret.encode(),
            algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False, "verify_iss": False},
        )
    except jwt.InvalidSignatureError:
        raise auth_error(
            "InvalidJWTTokenFoundException",
            "the JWT token signature does not verify with the user's current auth secret (was it regenerated?)",
        ) from None
    except jwt.PyJWTError as exc:
        raise auth_error("InvalidJWTTokenFoundException", f"the JWT token could not be interpreted: {exc}") from None
    return True


def check_claims(claims: dict[str, Any]) -> None:
    """iss and sub must be Pixop's; user_id must be a string."""
    if claims.get("iss") != ISSUER or claims.get("sub") != SUBJECT or not isinstance(claims.get("user_id"), str):
        raise auth_error(
            "InconsistentJWTClaimsException",
            f"the token's claims must carry iss {ISSUER!r}, sub {SUBJECT!r} and the user_id of an existing user",
        )


def check_times(claims: dict[str, Any], now: float) -> None:
    """exp must exist and lie ahead; nbf (if any) must have passed."""
    exp = claims.get("exp")
    if exp is None:
        raise auth_error("EternalJWTTokenException", "the JWT token has no expiry (exp); tokens without a TTL are not permitted")
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        raise auth_error("InvalidJWTTokenFoundException", "the JWT token's exp claim is not a number")
    if now >= exp:
        raise auth_error("ExpiredJWTTokenException", f"the JWT token expired {int(now - exp)} second(s) ago; request a new one")
    nbf = claims.get("nbf")
    if nbf is not None:
        if isinstance(nbf, bool) or not isinstance(nbf, (int, float)):
            raise auth_error("InvalidJWTTokenFoundException", "the JWT token's nbf claim is not a number")
        if now < nbf:
            raise auth_error("PrematureJWTTokenException", f"the JWT token is not valid for another {int(nbf - now + 0.999)} second(s) (nbf)")
