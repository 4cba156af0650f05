"""OAuth2 token endpoint and access-token checks, driven over HTTP against the virtual clock."""

from __future__ import annotations

import jwt
import pytest

KEYS = ("grant_type", "client_id", "client_secret", "refresh_token")


def _params(mediaflow, **overrides):
    creds = mediaflow.credentials
    params = {"grant_type": "refresh_token", "client_id": creds["client_id"], "client_secret": creds["client_secret"],
              "refresh_token": creds["refresh_token"]}
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def test_token_carries_user_and_customer(mediaflow, make_mediaflow_client) -> None:
    client = make_mediaflow_client(login=False)
    response = client.get("/1/oauth2/token", params=_params(mediaflow))
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 7200
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == str(mediaflow.credentials["user_id"])
    assert claims["idcust"] == str(mediaflow.credentials["customer_id"])
    assert claims["exp"] - claims["iat"] == 7200
    assert jwt.get_unverified_header(body["access_token"])["alg"] == "HS256"


def test_token_by_form_post(mediaflow, make_mediaflow_client) -> None:
    client = make_mediaflow_client(login=False)
    response = client.post("/1/oauth2/token", data=_params(mediaflow))
    assert response.status_code == 200
    token = response.json()["access_token"]
    assert client.get("/1/folders", params={"access_token": token}).status_code == 200


def test_other_users_refresh_token_gives_their_identity(mediaflow, make_mediaflow_client) -> None:
    editor = mediaflow.state.user_by_key("editor")
    client = make_mediaflow_client(login=False)
    token = client.get("/1/oauth2/token", params=_params(mediaflow, refresh_token=editor["refresh_token"])).json()["access_token"]
    assert jwt.decode(token, options={"verify_signature": False})["sub"] == str(editor["id"])


@pytest.mark.parametrize(
    ("override", "status", "needle"),
    [
        ({"client_id": "nope"}, 401, "unknown client_id 'nope'"),
        ({"client_secret": "wrong"}, 401, "wrong client_secret"),
        ({"refresh_token": "wrong"}, 401, "refresh_token is not valid"),
        ({"grant_type": "client_credentials"}, 400, "unsupported grant_type 'client_credentials'"),
        ({"grant_type": None}, 400, "grant_type is required"),
        ({"client_secret": None}, 400, "client_secret is required"),
        ({"refresh_token": None}, 400, "refresh_token is required"),
    ],
)
def test_token_errors_are_distinct_and_in_mediaflow_shape(mediaflow, make_mediaflow_client, override, status, needle) -> None:
    client = make_mediaflow_client(login=False)
    response = client.get("/1/oauth2/token", params=_params(mediaflow, **override))
    assert response.status_code == status
    assert response.json()["status"] == status
    assert needle in response.json()["error"]


def test_post_token_with_bad_json_body_is_400(make_mediaflow_client) -> None:
    client = make_mediaflow_client(login=False)
    response = client.post("/1/oauth2/token", data="[1]", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"status": 400, "error": "the JSON request body must be an object"}


def test_token_works_as_query_parameter_and_bearer_header(mediaflow, make_mediaflow_client) -> None:
    client = make_mediaflow_client(login=False)
    token = client.token()
    by_query = client.get("/1/foldertree", params={"access_token": token})
    by_header = client.get("/1/foldertree", headers={"Authorization": f"Bearer {token}"})
    assert by_query.status_code == by_header.status_code == 200
    assert by_query.json() == by_header.json() and by_query.json()


def test_missing_token_is_401(make_mediaflow_client) -> None:
    client = make_mediaflow_client(login=False)
    response = client.get("/1/file/latest")
    assert response.status_code == 401
    assert "access token is required" in response.json()["error"]


def test_token_expires_on_the_virtual_clock(mediaflow, mediaflow_client) -> None:
    mediaflow.clock.freeze()
    token = mediaflow_client.login()
    mediaflow.clock.advance(7199)
    assert mediaflow_client.get("/1/folders").status_code == 200
    mediaflow.clock.advance(2)
    response = mediaflow_client.get("/1/folders")
    assert response.status_code == 401
    assert "expired" in response.json()["error"]
    response = mediaflow_client.get("/1/folders", headers={"Authorization": ""}, params={"access_token": token})
    assert response.status_code == 401 and "expired" in response.json()["error"]
    mediaflow_client.login()  # a new token from the same refresh token works again
    assert mediaflow_client.get("/1/folders").status_code == 200


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.eyJpZGN1c3QiOiI0NjgifQ.c2ln"])
def test_malformed_or_forged_tokens_are_401(mediaflow_client, token) -> None:
    response = mediaflow_client.get("/1/folders", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_token_signed_with_another_secret_is_rejected(mediaflow, mediaflow_client) -> None:
    good = jwt.decode(mediaflow_client.token(), options={"verify_signature": False})
    forged = jwt.encode(good, "not-the-customer-secret-but-long-enough-0123", algorithm="HS256")
    response = mediaflow_client.get("/1/folders", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert "signature" in response.json()["error"]


def test_token_for_unknown_user_is_rejected(mediaflow, mediaflow_client) -> None:
    token = mediaflow.state.mint_token(mediaflow.credentials["user_id"], sub="999999")
    response = mediaflow_client.get("/1/folders", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "no user" in response.json()["error"]


def test_unknown_route_and_wrong_method_use_the_error_shape(mediaflow_client) -> None:
    missing = mediaflow_client.get("/1/nothing-here")
    assert missing.status_code == 404 and set(missing.json()) == {"status", "error"}
    wrong = mediaflow_client.delete("/1/foldertree")
    assert wrong.status_code == 405 and wrong.json()["status"] == 405


def test_password_grant_by_form_with_basic_client_credentials(mediaflow, make_mediaflow_client) -> None:
    creds = mediaflow.credentials
    client = make_mediaflow_client(login=False)
    response = client.post(
        "/1/oauth2/token",
        data={"grant_type": "password", "username": creds["username"].upper(), "password": creds["password"]},
        auth=(creds["client_id"], creds["client_secret"]),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["refresh_token"] == creds["refresh_token"]
    assert jwt.decode(body["access_token"], options={"verify_signature": False})["sub"] == str(creds["user_id"])
    # The refresh token it handed out works for the refresh grant (which does not rotate it).
    again = client.post("/1/oauth2/token", data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
                        auth=(creds["client_id"], creds["client_secret"]))
    assert again.status_code == 200 and "refresh_token" not in again.json()


@pytest.mark.parametrize(
    ("data", "auth", "status", "needle"),
    [
        ({"grant_type": "password", "username": "demo@mediaflow.example", "password": "nope"}, True, 401, "wrong username or password"),
        ({"grant_type": "password", "username": "demo@mediaflow.example"}, True, 400, "password is required"),
        ({"grant_type": "password", "username": "x", "password": "y"}, False, 400, "client_id is required"),
        ({"grant_type": "authorization_code", "code": "deadbeef"}, True, 400, "authorization code is not valid"),
    ],
)
def test_token_grant_errors(mediaflow, make_mediaflow_client, data, auth, status, needle) -> None:
    creds = mediaflow.credentials
    client = make_mediaflow_client(login=False)
    response = client.post("/1/oauth2/token", data=data, auth=(creds["client_id"], creds["client_secret"]) if auth else None)
    assert response.status_code == status and needle in response.json()["error"], response.text


def test_authorization_code_flow_without_a_browser(mediaflow, make_mediaflow_client) -> None:
    creds = mediaflow.credentials
    client = make_mediaflow_client(login=False)
    callback = "https://cms.example/mediaflow/callback?site=1"
    step = client.get("/1/oauth2/authorize", allow_redirects=False, params={
        "response_type": "code", "client_id": creds["client_id"], "redirect_uri": callback, "state": "xyz",
        "username": "redaktor@mediaflow.example", "password": "redaktor-password"})
    assert step.status_code == 302
    location = step.headers["Location"]
    assert location.startswith(callback + "&code=") and location.endswith("&state=xyz")
    code = location.split("code=", 1)[1].split("&", 1)[0]
    token = client.post("/1/oauth2/token", auth=(creds["client_id"], creds["client_secret"]), data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": callback})
    assert token.status_code == 200, token.text
    editor = mediaflow.state.user_by_key("editor")
    assert token.json()["refresh_token"] == editor["refresh_token"]
    assert jwt.decode(token.json()["access_token"], options={"verify_signature": False})["sub"] == str(editor["id"])
    reused = client.post("/1/oauth2/token", auth=(creds["client_id"], creds["client_secret"]), data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": callback})
    assert reused.status_code == 400 and "already used" in reused.json()["error"]


def test_authorization_code_expires_on_the_virtual_clock(mediaflow, make_mediaflow_client) -> None:
    creds = mediaflow.credentials
    client = make_mediaflow_client(login=False)
    step = client.get("/1/oauth2/authorize", allow_redirects=False, params={
        "client_id": creds["client_id"], "redirect_uri": "https://cms.example/cb"})
    code = step.headers["Location"].split("code=", 1)[1]
    warnings = mediaflow.journal.entries()[-1].warnings
    assert [w["code"] for w in warnings] == ["authorize-auto-approved"]
    mediaflow.clock.advance(601)
    late = client.post("/1/oauth2/token", auth=(creds["client_id"], creds["client_secret"]),
                       data={"grant_type": "authorization_code", "code": code})
    assert late.status_code == 400 and "expired" in late.json()["error"]
