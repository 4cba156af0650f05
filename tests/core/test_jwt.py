"""The one JWT verifier: claims, or a JwtProblem whose kind says why, on the virtual clock."""

from __future__ import annotations

import time

import jwt as pyjwt
import pytest

from mockservers.core.auth import jwt
from mockservers.core.auth.jwt import JwtProblem, verify

KEY = "secret-key-long-enough-for-every-hmac-algorithm-" + "x" * 40
NOW = 2_000_000_000.0  # far from wall time: a check against time.time() would answer differently


def _token(claims: dict, key: str = KEY, algorithm: str = "HS256") -> str:
    return pyjwt.encode(claims, key, algorithm=algorithm)


def test_valid_token_gives_its_claims() -> None:
    claims = verify(_token({"sub": "u", "exp": NOW + 60}), KEY, ["HS256"], NOW)
    assert claims == {"sub": "u", "exp": NOW + 60}


def test_time_is_the_given_clock_not_the_wall_clock() -> None:
    token = _token({"exp": time.time() - 3600})  # expired by the wall clock
    assert verify(token, KEY, ["HS256"], time.time() - 7200)["exp"] < time.time()


@pytest.mark.parametrize(
    ("token", "kind"),
    [
        ("not-a-jwt", "malformed"),
        ("a.b.c", "malformed"),
        (_token({"exp": NOW + 60}, "another-key-of-at-least-32-bytes-long"), "bad_signature"),
        (_token({"exp": NOW}), "expired"),
        (_token({"exp": NOW + 60, "nbf": NOW + 5}), "premature"),
        (_token({"sub": "u"}), "no_exp"),
        (_token({"exp": "soon"}), "malformed"),
        (_token({"exp": "\u00b9\u00b2"}), "malformed"),  # digits to str.isdigit(), not to float(): never a 500
        (_token({"exp": NOW + 60, "nbf": "\u0663"}), "malformed"),
        (_token({"exp": NOW + 60}, algorithm="HS512"), "malformed"),
    ],
)
def test_each_problem_has_its_kind(token: str, kind: str) -> None:
    with pytest.raises(JwtProblem) as caught:
        verify(token, KEY, ["HS256"], NOW)
    assert caught.value.kind == kind and caught.value.message


def test_leeway_applies_to_exp_and_nbf() -> None:
    verify(_token({"exp": NOW - 5}), KEY, ["HS256"], NOW, leeway=10)
    verify(_token({"exp": NOW + 60, "nbf": NOW + 5}), KEY, ["HS256"], NOW, leeway=10)


def test_required_claims_audience_and_issuer() -> None:
    token = _token({"exp": NOW + 60, "aud": ["api"], "iss": "me"})
    verify(token, KEY, ["HS256"], NOW, require=("exp", "iss"), audience="api", issuer="me")
    for kwargs in ({"require": ("sub",)}, {"audience": "other"}, {"issuer": "you"}):
        with pytest.raises(JwtProblem) as caught:
            verify(token, KEY, ["HS256"], NOW, **kwargs)
        assert caught.value.kind == "wrong_claims"
    verify(_token({"sub": "u"}), KEY, ["HS256"], NOW, require=())  # no exp needed when not required


def test_signature_check_is_cached_per_token_and_key_but_times_are_not() -> None:
    token = _token({"exp": NOW + 60})
    jwt._signed_claims.cache_clear()
    verify(token, KEY, ["HS256"], NOW)
    verify(token, KEY, ["HS256"], NOW + 1)
    assert jwt._signed_claims.cache_info().hits == 1
    with pytest.raises(JwtProblem):
        verify(token, KEY, ["HS256"], NOW + 60)  # the cache holds the signature, not the verdict
    with pytest.raises(JwtProblem) as caught:
        verify(token, "wrong-key-of-at-least-32-bytes-long!!", ["HS256"], NOW)
    assert caught.value.kind == "bad_signature"


def test_claims_returned_are_a_copy() -> None:
    token = _token({"exp": NOW + 60})
    verify(token, KEY, ["HS256"], NOW)["exp"] = 0
    assert verify(token, KEY, ["HS256"], NOW)["exp"] == NOW + 60


def test_unverified_claims_still_work() -> None:
    assert jwt.unverified_claims(_token({"sub": "u"}), "HS256") == {"sub": "u"}


def test_rs256_with_a_pem_key_or_a_key_object() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = private.public_key()
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    token = pyjwt.encode({"exp": NOW + 60, "application_id": "a"}, private, algorithm="RS256")
    assert verify(token, pem, ["RS256"], NOW)["application_id"] == "a"
    assert verify(token, public, ["RS256"], NOW)["application_id"] == "a"
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    with pytest.raises(JwtProblem) as caught:
        verify(token, other, ["RS256"], NOW)
    assert caught.value.kind == "bad_signature"
