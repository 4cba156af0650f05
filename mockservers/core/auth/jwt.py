"""JWTs: one verifier for every provider, checked against the virtual clock, and a cached unverified read.

Providers call :func:`verify` and map :class:`JwtProblem` ``kind`` to their own
error code and message; they never call PyJWT's decode themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import jwt

# What can be wrong with a token, as JwtProblem.kind.
MALFORMED, BAD_SIGNATURE, EXPIRED, PREMATURE, NO_EXP, WRONG_CLAIMS = (
    "malformed",
    "bad_signature",
    "expired",
    "premature",
    "no_exp",
    "wrong_claims",
)
KINDS = (MALFORMED, BAD_SIGNATURE, EXPIRED, PREMATURE, NO_EXP, WRONG_CLAIMS)


class JwtFormatError(ValueError):
    """The token is not a readable JWT of the expected algorithm; the message says why."""


class JwtProblem(Exception):
    """A token that does not verify: ``kind`` (one of KINDS) says why, ``message`` in words."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        self.kind = kind
        self.message = message


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


def verify(
    token: str,
    key: Any,
    algorithms: Iterable[str],
    now: float,
    *,
    leeway: float = 0,
    require: Iterable[str] = ("exp",),
    audience: str | None = None,
    issuer: str | None = None,
) -> dict[str, Any]:
    """The claims of a token signed with ``key``, valid at ``now`` (the virtual clock, never wall time).

    exp (expired when ``now >= exp + leeway``) and nbf (premature when
    ``now < nbf - leeway``) are checked when present; each claim in ``require``
    must be present (a missing exp is ``no_exp``); ``audience``/``issuer``, when
    given, must match ``aud``/``iss``. The signature check is cached per
    (token, key); failures are never cached. Raises :class:`JwtProblem`.
    """
    claims, exp, nbf, malformed_time = _signed_claims(token, _cache_key(key), tuple(algorithms))
    for name in require:
        if name not in claims:
            if name == "exp":
                raise JwtProblem(NO_EXP, "the JWT has no exp (expiry) claim")
            raise JwtProblem(WRONG_CLAIMS, f"the JWT has no {name} claim")
    if malformed_time is not None:
        raise JwtProblem(MALFORMED, malformed_time)
    if exp is not None and now >= exp + leeway:
        raise JwtProblem(EXPIRED, f"the JWT expired {int(now - exp)} second(s) ago")
    if nbf is not None and now < nbf - leeway:
        raise JwtProblem(PREMATURE, f"the JWT is not valid yet: nbf lies {int(nbf - now + 0.999)} second(s) ahead")
    if audience is not None:
        aud = claims.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if audience not in audiences:
            raise JwtProblem(WRONG_CLAIMS, f"the JWT's aud is {aud!r}, not {audience!r}")
    if issuer is not None and claims.get("iss") != issuer:
        raise JwtProblem(WRONG_CLAIMS, f"the JWT's iss is {claims.get('iss')!r}, not {issuer!r}")
    return dict(claims)


def _cache_key(key: Any) -> Any:
    # Key objects (cryptography's RSA/EC keys) are unhashable: their PEM text verifies the same.
    try:
        hash(key)
    except TypeError:
        from cryptography.hazmat.primitives import serialization

        if hasattr(key, "public_bytes"):
            return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        raise TypeError(f"the key must be a string, bytes or a cryptography public key, not {type(key).__name__}") from None
    return key


def time_claim(claims: dict[str, Any], name: str) -> float | None:
    """A time claim (exp, nbf, iat) as POSIX seconds, None when absent; JwtProblem(malformed) when not a time."""
    value = claims.get(name)
    if value is None:
        return None
    # Some providers' own samples write times as digit strings (Vonage: "exp": "1532179987").
    # ASCII digits only: str.isdigit() also takes "¹" or "٣", which float() refuses.
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise JwtProblem(MALFORMED, f"the JWT's {name} claim must be a number of seconds since the epoch, not {value!r}")
    return float(value)


@lru_cache(maxsize=4096)
def _signed_claims(token: str, key: Any, algorithms: tuple[str, ...]) -> tuple[dict[str, Any], float | None, float | None, str | None]:
    """(claims, exp, nbf, why a time claim is malformed or None) of a token whose signature verifies.

    Times are checked by the caller against the virtual clock, so PyJWT checks none of them;
    they are read here once, so a cached token costs no parsing per request.
    """
    options = {"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False, "verify_iss": False}
    try:
        header = jwt.get_unverified_header(token)
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise JwtProblem(MALFORMED, f"the token is not a JWT: {exc}") from None
    if header.get("alg") not in algorithms:
        raise JwtProblem(MALFORMED, f"the JWT must be signed with {' or '.join(algorithms)}, not {header.get('alg')!r}")
    try:
        claims = jwt.decode(token, key, algorithms=list(algorithms), options=options)  # type: ignore[arg-type]
    except jwt.InvalidSignatureError:
        raise JwtProblem(BAD_SIGNATURE, "the JWT's signature does not verify with the expected key") from None
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise JwtProblem(MALFORMED, f"the JWT could not be decoded: {exc}") from None
    if not isinstance(claims, dict):
        raise JwtProblem(MALFORMED, "the JWT payload is not a JSON object")
    try:
        exp, nbf = time_claim(claims, "exp"), time_claim(claims, "nbf")
    except JwtProblem as problem:
        return claims, None, None, problem.message
    return claims, exp, nbf, None
