"""Mediaflow access tokens: HS256 JWTs carrying user (``sub``) and customer (``idcust``).

The seed's example token decodes to ``{"serv", "sub", "exp", "idcust", "scopes"}`` with
``alg: HS256``; the emulator signs the same claims with a seeded per-customer secret.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jwt

from mockservers.core.errors import ApiError

TOKEN_LIFETIME_SECONDS = 7200  # seed: "expires_in": 7200
ALGORITHM = "HS256"


def unauthorized(message: str) -> ApiError:
    """A 401 in Mediaflow's shape."""
    return ApiError(401, message)


def sign(claims: dict[str, Any], secret: str) -> str:
    """Sign claims with the customer's secret."""
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


@lru_cache(maxsize=4096)
def _verified(token: str, secret: str) -> dict[str, Any]:
    """Claims of a token whose signature checks out (cached; failures are not cached)."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_aud": False},
        )
    except jwt.InvalidSignatureError:
        raise unauthorized("the access token's signature is not valid; request a new token from /1/oauth2/token") from None
    except jwt.PyJWTError as exc:
        raise unauthorized(f"the access token is not a valid token ({exc}); request a new one from /1/oauth2/token") from None
    if not isinstance(claims, dict):
        raise unauthorized("the access token's payload is not a JSON object")
    return claims


def unverified_customer(token: str) -> Any:
    """The ``idcust`` claim, read without checking the signature (to pick the customer's secret)."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise unauthorized(f"the access token is not a valid token ({exc}); request a new one from /1/oauth2/token") from None
    return claims.get("idcust") if isinstance(claims, dict) else None


def verify(token: str, secret: str, now: float) -> dict[str, Any]:
    """Claims of a valid, unexpired token; 401 saying what is wrong otherwise."""
    claims = dict(_verified(token, secret))
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        raise unauthorized("the access token has no valid expiry (exp)")
    if now >= exp:
        raise unauthorized(
            f"the access token has expired ({int(now - exp)} second(s) ago); request a new one from /1/oauth2/token"
        )
    return claims
