"""Mediaflow access tokens: HS256 JWTs carrying user (``sub``) and customer (``idcust``).

The seed's example token decodes to ``{"serv", "sub", "exp", "idcust", "scopes"}`` with
``alg: HS256``; the emulator signs the same claims with a seeded per-customer secret and
checks them with the core verifier (:func:`mockservers.core.auth.jwt.verify`) on the virtual clock.
"""

from __future__ import annotations

from typing import Any

import jwt

from mockservers.core.auth import jwt as core_jwt
from mockservers.core.errors import ApiError

TOKEN_LIFETIME_SECONDS = 7200  # seed: "expires_in": 7200
ALGORITHM = "HS256"
_RENEW = "request a new one from /1/oauth2/token"


def unauthorized(message: str) -> ApiError:
    """A 401 in Mediaflow's shape."""
    return ApiError(401, message)


def sign(claims: dict[str, Any], secret: str) -> str:
    """Sign claims with the customer's secret."""
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def unverified_customer(token: str) -> Any:
    """The ``idcust`` claim, read without checking the signature (to pick the customer's secret)."""
    try:
        return core_jwt.unverified_claims(token, ALGORITHM).get("idcust")
    except core_jwt.JwtFormatError as exc:
        raise unauthorized(f"the access token is not a valid token ({exc}); {_RENEW}") from None


def verify(token: str, secret: str, now: float) -> dict[str, Any]:
    """Claims of a valid, unexpired token; 401 saying what is wrong otherwise."""
    try:
        return core_jwt.verify(token, secret, [ALGORITHM], now)
    except core_jwt.JwtProblem as problem:
        if problem.kind == core_jwt.EXPIRED:
            ago = int(now - float(core_jwt.unverified_claims(token, ALGORITHM)["exp"]))
            raise unauthorized(f"the access token has expired ({ago} second(s) ago); {_RENEW}") from None
        if problem.kind == core_jwt.BAD_SIGNATURE:
            raise unauthorized(f"the access token's signature is not valid; {_RENEW}") from None
        if problem.kind == core_jwt.NO_EXP:
            raise unauthorized("the access token has no valid expiry (exp)") from None
        raise unauthorized(f"the access token is not a valid token ({problem.message}); {_RENEW}") from None
