"""Vonage application JWTs (RS256) and their ``acl`` claim: parsing, verification, path rules. No Flask here."""

from __future__ import annotations

import fnmatch
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization

from mockservers.core.auth import jwt as jwt_format
from mockservers.core.errors import ApiError
from mockservers.vonage.errors import vonage_error

ALGORITHM = "RS256"
# Vonage's JWT guide: "If the claim is not provided, then the JWT will expire by default in 15 minutes.
# The max expiration time for a JWT is 24 hours." (the official libraries also set exp = iat + 900).
DEFAULT_LIFETIME = 15 * 60
MAX_LIFETIME = 24 * 60 * 60


def unauthorized(detail: str) -> ApiError:
    """A 401 in Vonage's shape."""
    return vonage_error(401, "unauthorized", detail)


@cache
def private_key(pem: str) -> Any:
    """A loaded private key (for minting test tokens)."""
    return serialization.load_pem_private_key(pem.encode(), password=None)


def sign(claims: dict[str, Any], private_pem: str) -> str:
    """Sign claims RS256 with an application's private key."""
    return jwt.encode(claims, private_key(private_pem), algorithm=ALGORITHM, headers={"typ": "JWT"})


def unverified_claims(token: str) -> dict[str, Any]:
    """The token's claims before any check (to find whose key verifies it)."""
    try:
        return jwt_format.unverified_claims(token, ALGORITHM)
    except jwt_format.JwtFormatError as exc:
        raise unauthorized(f"{exc} (sign it with the application's private key)") from None


def verify(token: str, public_pem: str, now: float) -> None:
    """Signature (cached per token and key by the core verifier) and exp/nbf on the virtual clock."""
    try:
        jwt_format.verify(token, public_pem, [ALGORITHM], now, require=())
    except jwt_format.JwtProblem as problem:
        if problem.kind == jwt_format.EXPIRED:
            raise vonage_error(401, "jwt-expired", f"{problem.message}; generate a new one") from None
        if problem.kind == jwt_format.BAD_SIGNATURE:
            raise unauthorized("the JWT signature does not verify with the public key of its application_id") from None
        raise unauthorized(f"the JWT could not be verified: {problem.message}") from None


def _number(claims: dict[str, Any], name: str) -> float | None:
    # Vonage's own sample payload writes exp as a string of digits ("exp": "1532179987"): the core accepts both.
    try:
        return jwt_format.time_claim(claims, name)
    except jwt_format.JwtProblem:
        raise unauthorized(f"the JWT's {name} claim must be a number of seconds since the epoch") from None


def check_times(claims: dict[str, Any], now: float) -> None:
    """exp (default iat + 15 min, at most 24 h after iat) must lie ahead; nbf must have passed."""
    iat, exp, nbf = _number(claims, "iat"), _number(claims, "exp"), _number(claims, "nbf")
    if exp is None:
        if iat is None:
            raise unauthorized("the JWT has neither exp nor iat, so its lifetime is unknown; add iat (and exp)")
        exp = iat + DEFAULT_LIFETIME
    if iat is not None and exp - iat > MAX_LIFETIME:
        raise unauthorized(f"the JWT lives {int(exp - iat)} s; the maximum lifetime is {MAX_LIFETIME} s (24 hours)")
    if now >= exp:
        raise vonage_error(401, "jwt-expired", f"the JWT expired {int(now - exp)} second(s) ago; generate a new one")
    if nbf is not None and now < nbf:
        raise unauthorized(f"the JWT is not valid yet: nbf lies {int(nbf - now + 0.999)} second(s) ahead")


def check_acl(claims: dict[str, Any], method: str, path: str) -> None:
    """Without ``acl`` the token may do everything its application may; with one, a path rule must allow the request.

    ``acl`` is ``{"paths": {"/*/media/**": {}, ...}}``: ``*`` matches one path segment, ``**`` any number of
    trailing segments, other segments match literally (shell wildcards allowed). A rule's object may list
    ``"methods"`` to narrow it (inferred; Vonage's guide shows empty objects only).
    """
    if "acl" not in claims:
        return
    acl = claims["acl"]
    paths = acl.get("paths") if isinstance(acl, dict) else None
    if not isinstance(paths, dict):
        raise unauthorized('the JWT\'s acl claim must be an object like {"paths": {"/*/media/**": {}}}')
    for pattern, rule in paths.items():
        if not isinstance(rule, dict):
            raise unauthorized(f"the JWT's acl rule for {pattern!r} must be an object")
        methods = rule.get("methods")
        if methods is not None and (not isinstance(methods, list) or method.upper() not in [str(m).upper() for m in methods]):
            continue
        if path_matches(pattern, path):
            return
    raise vonage_error(
        403, "forbidden", f"the JWT's acl does not allow {method.upper()} {path}; allowed paths: {', '.join(paths) or '(none)'}"
    )


def path_matches(pattern: str, path: str) -> bool:
    """Whether an acl path pattern covers a request path."""
    wanted = [s for s in pattern.strip().split("/") if s]
    actual = [s for s in path.split("/") if s]
    return _match(wanted, actual)


def _match(wanted: list[str], actual: list[str]) -> bool:
    if not wanted:
        return not actual
    head, rest = wanted[0], wanted[1:]
    if head == "**":
        return any(_match(rest, actual[i:]) for i in range(len(actual) + 1))
    if not actual:
        return False
    if head != "*" and not fnmatch.fnmatchcase(actual[0], head):
        return False
    return _match(rest, actual[1:])
