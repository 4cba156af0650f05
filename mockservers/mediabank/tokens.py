"""The JWT service's tokens: HS256 with a per-world secret, claims as the public integration shows."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jwt

from mockservers.core.errors import ApiError
from mockservers.mediabank.errors import mediabank_error

ALGORITHM = "HS256"  # inferred: the evidence shows the claims, not the algorithm
ISSUER = "jwt.mediabank.me"


def sign(claims: dict[str, Any], secret: str) -> str:
    """A signed token."""
    return jwt.encode(claims, secret, algorithm=ALGORITHM, headers={"typ": "JWT"})


def auth_error(name: str, description: str) -> ApiError:
    """A 401 naming what is wrong with the token."""
    return mediabank_error(401, name, description)


@lru_cache(maxsize=4096)
def _parse(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise auth_error("token_malformed", f"the token is not a well-formed JWT: {exc}") from None
    if not isinstance(claims, dict):
        raise auth_error("token_malformed", "the token's payload is not a JSON object")
    return header, claims


def verified_claims(token: str, secret: str, now: float) -> dict[str, Any]:
    """Claims of a token signed by the JWT service and not expired (on the virtual clock), else a 401 saying why."""
    header, claims = _parse(token)
    if header.get("alg") != ALGORITHM:
        raise auth_error("token_malformed", f"the token must be signed with {ALGORITHM}, not {header.get('alg')!r}")
    _check_signature(token, secret)
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        raise auth_error("token_claims_invalid", "the token has no numeric exp claim; get a token from the JWT service")
    if now >= exp:
        raise auth_error("token_expired", f"the token expired {int(now - exp)} second(s) ago; refresh it before its TTL runs out")
    return dict(claims)


@lru_cache(maxsize=4096)
def _check_signature(token: str, secret: str) -> bool:
    # Cached per (token, secret); failures raise and are not cached.
    try:
        jwt.decode(token, secret, algorithms=[ALGORITHM], options={"verify_exp": False, "verify_iat": False, "verify_nbf": False})
    except jwt.InvalidSignatureError:
        raise auth_error("token_signature_invalid", "the token's signature does not verify: it was not issued by this JWT service") from None
    except jwt.PyJWTError as exc:
        raise auth_error("token_malformed", f"the token is not a well-formed JWT: {exc}") from None
    return True
