"""Reading a JWT before its signature is checked (to find whose key checks it), cached per token."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jwt


class JwtFormatError(ValueError):
    """The token is not a readable JWT of the expected algorithm; the message says why."""


def unverified_claims(token: str, algorithm: str) -> dict[str, Any]:
    """A copy of the claims, read without checking the signature.

    Cached: clients send the same token many times, and PyJWT's pure-Python
    base64 checks would otherwise dominate a request's cost.
    """
    return dict(_parse(token, algorithm))


@lru_cache(maxsize=4096)
def _parse(token: str, algorithm: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise JwtFormatError(f"the JWT could not be decoded: {exc}") from None
    if header.get("alg") != algorithm:
        raise JwtFormatError(f"the JWT must be signed with {algorithm}, not {header.get('alg')!r}")
    if not isinstance(claims, dict):
        raise JwtFormatError("the JWT payload is not a JSON object")
    return claims
