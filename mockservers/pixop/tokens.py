"""Pixop's JWTs: ES256, signed with a per-user key that generate-auth-secret rotates."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from mockservers.core.auth import jwt as jwt_format
from mockservers.core.errors import ApiError

TOKEN_LIFETIME_SECONDS = 15 * 60  # seed: "A JWT token is valid for 15 minutes."
ALGORITHM = "ES256"
ISSUER = "pixop-accounts"
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def new_key_pair(secret_int: int) -> tuple[str, str]:
    """A P-256 key pair derived from a seeded integer: (private PEM, public PEM)."""
    key = ec.derive_private_key(1 + secret_int % (_P256_ORDER - 1), ec.SECP256R1())
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return private_pem, public_pem


@cache
def _private_key(pem: str) -> Any:
    return serialization.load_pem_private_key(pem.encode(), password=None)


@cache
def _public_key(pem: str) -> Any:
    return serialization.load_pem_public_key(pem.encode())


def sign(claims: dict[str, Any], private_pem: str, key_id: str) -> str:
    """Sign claims with the user's key."""
    return jwt.encode(claims, _private_key(private_pem), algorithm=ALGORITHM, headers={"kid": key_id})


def auth_error(code: str, message: str, status: int = 401) -> ApiError:
    """One of the documented authentication exceptions."""
    return ApiError(status, message, code)


def unverified_claims(token: str) -> dict[str, Any]:
    """The token's claims before any check (to find whose key verifies it)."""
    try:
        return jwt_format.unverified_claims(token, ALGORITHM)
    except jwt_format.JwtFormatError as exc:
        raise auth_error("InvalidJWTTokenFoundException", str(exc)) from None


@lru_cache(maxsize=4096)
def verify_signature(token: str, public_pem: str) -> bool:
    """Check the signature only; time claims are checked against the virtual clock by the caller.

    Cached per (token, key): a rotated key is a different cache key, so old
    tokens still fail; failures raise and are never cached.
    """
    try:
        jwt.decode(
            token,
            _public_key(public_pem),
            algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False, "verify_iss": False},
        )
    except jwt.InvalidSignatureError:
        raise auth_error(
            "InvalidJWTTokenFoundException",
            "the JWT token signature does not verify with the user's current key (was the auth secret regenerated?)",
        ) from None
    except jwt.PyJWTError as exc:
        raise auth_error("InvalidJWTTokenFoundException", f"the JWT token could not be interpreted: {exc}") from None
    return True


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
