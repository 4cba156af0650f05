"""The JWT service's tokens: HS256 with a per-world secret, claims laid out as the real service's.

Evidence: three (expired) tokens of the live JWT service in the public integration
``sugarfixx/AssetUpdater``: header ``{"typ": "JWT", "alg": "HS256"}``; claims
``iss``/``aud`` ``mediabank.me``, ``iat``, ``nbf``, ``exp`` (about an hour after ``iat``),
``userId``, ``tagsApiToken``, ``apiToken`` and a nested ``user`` object; no ``sub``.
One of them writes ``userId``/``user.userid`` as digit strings, the others as integers.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jwt

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


def _seconds(claims: dict[str, Any], name: str, required: bool) -> float | None:
    value = claims.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise auth_error("token_claims_invalid", f"the token has no numeric {name} claim; get a token from the JWT service")
    return float(value)


def integer_id(value: Any) -> int | None:
    """An id claim as an integer: the real tokens carry integers and digit strings both."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) <= 20:
        return int(value)
    return None


def verified_claims(token: str, secret: str, now: float) -> dict[str, Any]:
    """Claims of a token signed by the JWT service, for this audience, valid at ``now`` (virtual clock), else a 401 saying why."""
    header, claims = _parse(token)
    if header.get("alg") != ALGORITHM:
        raise auth_error("token_malformed", f"the token must be signed with {ALGORITHM}, not {header.get('alg')!r}")
    _check_signature(token, secret)
    for name, wanted in (("iss", ISSUER), ("aud", AUDIENCE)):
        value = claims.get(name)
        if value != wanted and not (name == "aud" and isinstance(value, list) and wanted in value):
            raise auth_error("token_claims_invalid", f"the token's {name} must be {wanted!r}, not {value!r}")
    exp = _seconds(claims, "exp", required=True)
    nbf = _seconds(claims, "nbf", required=False)
    assert exp is not None
    if now >= exp:
        raise auth_error("token_expired", f"the token expired {int(now - exp)} second(s) ago; refresh it before its TTL runs out")
    if nbf is not None and now < nbf:
        raise auth_error("token_not_yet_valid", f"the token is not valid for another {int(nbf - now + 0.999)} second(s) (nbf)")
    return dict(claims)


@lru_cache(maxsize=4096)
def _check_signature(token: str, secret: str) -> bool:
    # Cached per (token, secret); failures raise and are not cached. Times and audience are checked
    # by the caller on the virtual clock.
    try:
        jwt.decode(
            token, secret, algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_aud": False, "verify_iss": False},
        )
    except jwt.InvalidSignatureError:
        raise auth_error("token_signature_invalid", "the token's signature does not verify: it was not issued by this JWT service") from None
    except jwt.PyJWTError as exc:
        raise auth_error("token_malformed", f"the token is not a well-formed JWT: {exc}") from None
    return True
