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


def test_token_has_the_real_services_claim_layout(mediabank, mb_client) -> None:
    token = mb_client.headers["Authorization"].split()[1]
    assert jwt.get_unverified_header(token) == {"typ": "JWT", "alg": "HS256"}
    claims = jwt.decode(
        token, mediabank.state.db["meta"]["secret"], algorithms=["HS256"], audience="mediabank.me", issuer="mediabank.me",
        options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
    )
    assert list(claims) == ["iss", "aud", "iat", "nbf", "exp", "userId", "tagsApiToken", "apiToken", "user"]
    assert "sub" not in claims
    assert claims["iat"] == claims["nbf"] == int(mediabank.clock.time())
    assert claims["exp"] - claims["iat"] == 3600
    assert isinstance(claims["userId"], int) and isinstance(claims["apiToken"], str)
    user = claims["user"]
    assert list(user) == [
        "userid", "username", "fullname", "phone", "email", "company_id", "company_name", "tags_api_token", "roles", "region",
    ]
    assert user["userid"] == claims["userId"] and user["email"] == mediabank.credentials["email"]
    assert isinstance(user["company_id"], str) and user["company_id"].isdigit()
    assert user["roles"] == [1, 1000, 1004, 1006] and user["region"] == "eu-hilversum-1"
    listed = mb_client.get("/asset/", params={"per_page": 1}).json()["assets"]
    assert listed[0]["company_id"] == user["company_id"]


def _real_shaped(mediabank, userid, company_id: str, roles: list[int], iat: int, *, as_strings: bool = False) -> str:
    """A token laid out like the integration's, signed with the emulator's key by PyJWT itself."""
    ident = str(userid) if as_strings else userid
    claims = {
        "iss": "mediabank.me", "aud": "mediabank.me", "iat": iat, "nbf": iat, "exp": iat + 3600,
        "userId": ident, "tagsApiToken": None, "apiToken": "MTE1YzBiOWVjNjc0OGI4ZmM1NWRlNGFlODUyNzRlODQzZDIw",
        "user": {
            "userid": ident, "username": "someone", "fullname": "Some One", "phone": None, "email": "someone@example.com",
            "company_id": company_id, "company_name": "Whatever", "tags_api_token": None, "roles": roles,
            "region": "eu-hilversum-1",
        },
    }
    return jwt.encode(claims, mediabank.state.db["meta"]["secret"], algorithm="HS256", headers={"typ": "JWT"})


def test_a_real_shaped_token_minted_with_the_emulators_key_is_accepted(mediabank, mb_client) -> None:
    state = mediabank.state
    demo, other = state.user_by_key("demo"), state.user_by_key("other")
    now = int(mediabank.clock.time())
    client = MediabankClient(mediabank)
    token = _real_shaped(mediabank, demo["userid"], demo["company_id"], [1, 1000, 1004, 1006, 2, 69], now)
    client.headers["Authorization"] = f"Bearer {token}"
    listed = client.get("/asset/")
    assert listed.status_code == 200, listed.text
    assert {a["company_id"] for a in listed.json()["assets"]} == {demo["company_id"]}
    # One of the integration's tokens writes the ids as digit strings: accepted too.
    client.headers["Authorization"] = f"Bearer {_real_shaped(mediabank, demo['userid'], demo['company_id'], [1], now, as_strings=True)}"
    assert client.get("/asset/").status_code == 200
    # Tenancy follows user.company_id: the real service issues one user tokens for several companies.
    client.headers["Authorization"] = f"Bearer {_real_shaped(mediabank, demo['userid'], other['company_id'], [1], now)}"
    assert {a["company_id"] for a in client.get("/asset/").json()["assets"]} == {other["company_id"]}
    # Permissions follow user.roles: without 1000 no writes, without 1 no reads.
    client.headers["Authorization"] = f"Bearer {_real_shaped(mediabank, demo['userid'], demo['company_id'], [1], now)}"
    body = assert_error(client.post("/asset/", json={"metadata": {"Title": "x"}}), 403, "forbidden")
    assert "1000" in body["description"]
    client.headers["Authorization"] = f"Bearer {_real_shaped(mediabank, demo['userid'], demo['company_id'], [1000], now)}"
    assert_error(client.get("/asset/"), 403, "forbidden")
    # Expiry and nbf on the virtual clock.
    client.headers["Authorization"] = f"Bearer {_real_shaped(mediabank, demo['userid'], demo['company_id'], [1], now + 60)}"
    assert_error(client.get("/asset/"), 401, "token_not_yet_valid")
    mediabank.clock.advance(60)
    assert client.get("/asset/").status_code == 200
    mediabank.clock.advance(3600)
    assert_error(client.get("/asset/"), 401, "token_expired")


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
    assert _claims(new)["user"] == _claims(old)["user"]
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
    cases = [
        ("token_missing", None),
        ("token_malformed", "not-a-jwt"),
        ("token_signature_invalid", state.mint_token(demo["id"], secret="another-service-secret-of-32-bytes!")),
        ("token_claims_invalid", state.mint_token(demo["id"], userId=1)),
        ("token_claims_invalid", state.mint_token(demo["id"], user_claims={"userid": 1})),
        ("token_claims_invalid", state.mint_token(demo["id"], user=None)),
        ("token_claims_invalid", state.mint_token(demo["id"], user_claims={"company_id": "999004"})),
        ("token_claims_invalid", state.mint_token(demo["id"], user_claims={"roles": ["admin"]})),
        ("token_claims_invalid", state.mint_token(demo["id"], aud="another.service")),
        ("token_claims_invalid", state.mint_token(demo["id"], iss=None)),
        ("token_claims_invalid", state.mint_token(demo["id"], exp=None)),
    ]
    unsigned = base64.urlsafe_b64encode(json.dumps({"alg": "none"}).encode()).rstrip(b"=").decode()
    payload = base64.urlsafe_b64encode(json.dumps({"userId": demo["userid"]}).encode()).rstrip(b"=").decode()
    for error, token in cases:
        headers = {"Authorization": f"Bearer {token}"} if token else {"Authorization": ""}
        assert_error(mb_client.get("/asset/", headers=headers), 401, error)
    assert_error(mb_client.get("/asset/", headers={"Authorization": f"Bearer {unsigned}.{payload}."}), 401, "token_malformed")
    assert_error(mb_client.get("/asset/", headers={"Authorization": "Basic abc"}), 401, "token_missing")


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
