"""The JWT service: login (form or JSON), claims, TTL on the virtual clock, refresh, refused tokens."""

from __future__ import annotations

import base64
import json

import jwt
import pytest
from mediabank_helpers import APPLICATION, MediabankClient, assert_error


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_login_with_form_and_json(mediabank) -> None:
    creds = mediabank.credentials
    client = MediabankClient(mediabank)
    by_form = client.post("/jwt/login", data={"email": creds["email"], "password": creds["password"]})
    by_json = client.post("/jwt/login", json={"email": creds["email"].upper(), "password": creds["password"]})
    for response in (by_form, by_json):
        assert response.status_code == 200, response.text
        assert response.json()["ttl"] == 3600
        assert response.json()["token"].count(".") == 2


def test_token_carries_the_documented_claims(mediabank, mb_client) -> None:
    token = mb_client.headers["Authorization"].split()[1]
    claims = _claims(token)
    assert {"sub", "fullname", "email", "phone", "company_id", "company_name", "roles", "region", "iat", "exp"} <= set(claims)
    assert claims["email"] == mediabank.credentials["email"]
    assert claims["region"] == "eu1"
    assert claims["roles"] == ["asset:read", "asset:write", "ingest"]
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["iat"] == int(mediabank.clock.time())


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"email": "demo@mediabank.example", "password": "wrong"}, 401, "invalid_credentials"),
        ({"email": "nobody@mediabank.example", "password": "demo-password"}, 401, "invalid_credentials"),
        ({"email": "demo@mediabank.example"}, 400, "bad_request"),
        ({"email": 5, "password": "x"}, 400, "bad_request"),
        ({"email": "a@b", "password": "x", "extra": 1}, 400, "bad_request"),
    ],
)
def test_login_refusals(mediabank, body, status, error) -> None:
    response = MediabankClient(mediabank).post("/jwt/login", json=body)
    assert_error(response, status, error)


def test_login_rejects_bad_bodies(mediabank) -> None:
    client = MediabankClient(mediabank)
    assert_error(client.post("/jwt/login", data="{not json", headers={"Content-Type": "application/json"}), 400)
    assert_error(client.post("/jwt/login", json=["a"]), 400)
    assert_error(client.post("/jwt/login", data=b"x", headers={"Content-Type": "text/plain"}), 415, "unsupported_media_type")
    assert_error(client.get("/jwt/login"), 405, "method_not_allowed")


def test_token_expires_on_the_virtual_clock(mediabank, mb_client) -> None:
    assert mb_client.get("/asset/").status_code == 200
    mediabank.clock.advance(3599)
    assert mb_client.get("/asset/").status_code == 200
    mediabank.clock.advance(1)
    body = assert_error(mb_client.get("/asset/"), 401, "token_expired")
    assert "expired" in body["description"]


def test_refresh_before_expiry_extends_the_session(mediabank, mb_client) -> None:
    old = mb_client.headers["Authorization"].split()[1]
    mediabank.clock.advance(3000)
    refreshed = mb_client.post("/jwt/refresh")
    assert refreshed.status_code == 200, refreshed.text
    new = refreshed.json()["token"]
    assert _claims(new)["exp"] == _claims(old)["exp"] + 3000
    # Also with the token as a form field.
    assert mb_client.post("/jwt/refresh", data={"token": old}, headers={"Authorization": ""}).status_code == 200
    mediabank.clock.advance(1000)  # the old token is past its TTL now, the new one is not
    assert_error(mb_client.get("/asset/"), 401, "token_expired")
    mb_client.headers["Authorization"] = f"Bearer {new}"
    assert mb_client.get("/asset/").status_code == 200


def test_refresh_of_an_expired_token_is_refused(mediabank, mb_client) -> None:
    mediabank.clock.advance(3600)
    assert_error(mb_client.post("/jwt/refresh"), 401, "token_expired")
    assert_error(MediabankClient(mediabank).post("/jwt/refresh"), 401, "token_missing")


def test_refused_tokens_say_why(mediabank, mb_client) -> None:
    state = mediabank.state
    demo = state.user_by_key("demo")
    cases = {
        "token_missing": None,
        "token_malformed": "not-a-jwt",
        "token_signature_invalid": state.mint_token(demo["id"], secret="another-service-secret-of-32-bytes!"),
        "token_claims_invalid": state.mint_token(demo["id"], sub="no-such-user"),
    }
    unsigned = base64.urlsafe_b64encode(json.dumps({"alg": "none"}).encode()).rstrip(b"=").decode()
    payload = base64.urlsafe_b64encode(json.dumps({"sub": demo["id"]}).encode()).rstrip(b"=").decode()
    for error, token in cases.items():
        headers = {"Authorization": f"Bearer {token}"} if token else {"Authorization": ""}
        assert_error(mb_client.get("/asset/", headers=headers), 401, error)
    assert_error(mb_client.get("/asset/", headers={"Authorization": f"Bearer {unsigned}.{payload}."}), 401, "token_malformed")
    assert_error(mb_client.get("/asset/", headers={"Authorization": "Basic abc"}), 401, "token_missing")
    no_exp = state.mint_token(demo["id"], exp=None)
    assert_error(mb_client.get("/asset/", headers={"Authorization": f"Bearer {no_exp}"}), 401, "token_claims_invalid")


def test_map_application_header_is_required(mediabank, mb_client) -> None:
    body = assert_error(mb_client.get("/asset/", headers={"MAP-Application": ""}), 400, "missing_application")
    assert "MAP-Application" in body["description"]
    assert_error(mb_client.get("/asset/", headers={"MAP-Application": "x" * 129}), 400, "invalid_application")
    created = mb_client.create_asset({"title": "From an app"})
    assert created["application"] == APPLICATION
    # The JWT service does not ask for it.
    creds = mediabank.credentials
    login = {"email": creds["email"], "password": creds["password"]}
    assert MediabankClient(mediabank).post("/jwt/login", data=login, headers={"MAP-Application": ""}).status_code == 200
