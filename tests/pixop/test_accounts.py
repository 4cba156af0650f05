"""Pixop accounts service over HTTP: tokens, the documented JWT exceptions, account management."""

from __future__ import annotations

import base64
import json

import jwt
import pytest
from pixop_asserts import assert_error

from mockservers.pixop import tokens

TOKEN = "/accounts/v1/token"
ACCOUNT = "/accounts/v1/account"
AUTH_SECRET = "/accounts/v1/generate-auth-secret"
SIGNATURE_SECRET = "/accounts/v1/generate-signature-secret"
UPDATE_PASSWORD = "/accounts/v1/update-password"
TOKEN_LIFETIME = 15 * 60  # seed: "A JWT token is valid for 15 minutes."


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def demo(pixop) -> dict:
    return pixop.state.user_by_key("demo")


def unsigned_token(claims: dict, alg: str = "none") -> str:
    """A JWT with any header alg and no valid signature."""

    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': alg, 'typ': 'JWT'})}.{part(claims)}.{base64.urlsafe_b64encode(b'sig').rstrip(b'=').decode()}"


# -- GET /token ------------------------------------------------------------------
def test_basic_auth_issues_a_token_for_the_default_team(pixop, make_pixop_client) -> None:
    client = make_pixop_client(login=False)
    user = demo(pixop)
    response = client.get(TOKEN, auth=(user["email"], user["demo_password"]))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"userId", "teamId", "jwtToken"}
    assert body["userId"] == user["id"]
    assert body["teamId"] == user["teams"][0]
    claims = jwt.decode(body["jwtToken"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == TOKEN_LIFETIME
    # The token works on the videos service.
    assert client.get("/videos/v1/projects", headers=bearer(body["jwtToken"])).status_code == 200


def test_email_is_matched_case_insensitively(pixop, make_pixop_client) -> None:
    user = demo(pixop)
    response = make_pixop_client(login=False).get(TOKEN, auth=(user["email"].upper(), user["demo_password"]))
    assert response.status_code == 200
    assert response.json()["userId"] == user["id"]


def test_team_id_selects_another_of_the_users_teams(pixop, make_pixop_client) -> None:
    user = demo(pixop)
    assert len(user["teams"]) == 2
    second = user["teams"][1]
    client = make_pixop_client(login=False)
    response = client.get(TOKEN, auth=(user["email"], user["demo_password"]), params={"team-id": second})
    assert response.status_code == 200
    assert response.json()["teamId"] == second
    account = client.get(ACCOUNT, headers=bearer(response.json()["jwtToken"]))
    assert account.status_code == 200
    assert account.json()["team"]["id"] == second


def test_team_id_of_a_team_the_user_is_not_in_is_forbidden(pixop, make_pixop_client) -> None:
    user = demo(pixop)
    foreign = pixop.state.user_by_key("other")["teams"][0]
    assert foreign not in user["teams"]
    client = make_pixop_client(login=False)
    response = client.get(TOKEN, auth=(user["email"], user["demo_password"]), params={"team-id": foreign})
    assert_error(response, 403, "AuthException")
    unknown = client.get(
        TOKEN, auth=(user["email"], user["demo_password"]), params={"team-id": "no-such-team"}
    )
    assert_error(unknown, 403, "AuthException")


@pytest.mark.parametrize(
    "case",
    [
        "wrong password",
        "unknown email",
        "empty password",
        "no auth",
        "bearer instead of basic",
        "garbage header",
    ],
)
def test_token_refused_without_valid_basic_credentials(pixop, make_pixop_client, case: str) -> None:
    user = demo(pixop)
    client = make_pixop_client(login=False)
    kwargs: dict = {
        "wrong password": {"auth": (user["email"], user["demo_password"] + "x")},
        "unknown email": {"auth": ("nobody@" + user["email"].split("@")[1], user["demo_password"])},
        "empty password": {"auth": (user["email"], "")},
        "no auth": {},
        "bearer instead of basic": {"headers": bearer(pixop.state.mint_token(user["id"], user["teams"][0]))},
        "garbage header": {"headers": {"Authorization": "Basic !!!not-base64!!!"}},
    }[case]
    assert_error(client.get(TOKEN, **kwargs), 401, "AuthException")


def test_banned_user_cannot_get_a_token(pixop, make_pixop_client) -> None:
    banned = pixop.state.user_by_key("banned")
    assert banned["banned"] is True
    response = make_pixop_client(login=False).get(TOKEN, auth=(banned["email"], banned["demo_password"]))
    body = assert_error(response, 403, "UserBannedException")
    assert banned["bannedReason"] in body["errorMessage"]


def test_banned_user_token_is_refused(pixop, make_pixop_client) -> None:
    banned = pixop.state.user_by_key("banned")
    token = pixop.state.mint_token(banned["id"], banned["teams"][0])
    client = make_pixop_client(login=False)
    for method, path in (("POST", TOKEN), ("GET", ACCOUNT), ("GET", "/videos/v1/projects")):
        assert_error(client.request(method, path, headers=bearer(token)), 403, "UserBannedException")


# -- POST /token and GET /account ------------------------------------------------------
def test_validating_a_token_returns_user_team_and_other_teams(pixop, pixop_client) -> None:
    user = demo(pixop)
    response = pixop_client.post(TOKEN)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"user", "team", "otherTeams"}
    assert body["user"]["id"] == user["id"]
    assert body["user"]["email"] == user["email"]
    assert body["user"]["banned"] is False
    assert body["team"]["id"] == user["teams"][0]
    assert [t["id"] for t in body["otherTeams"]] == user["teams"][1:]
    assert len(body["otherTeams"]) == 1  # the demo user is in two teams
    assert body["otherTeams"][0]["name"] == pixop.state.db["teams"][user["teams"][1]]["name"]


def test_validating_a_second_team_token_lists_the_first_as_other(pixop, make_pixop_client) -> None:
    user = demo(pixop)
    client = make_pixop_client(team_id=user["teams"][1])
    body = client.post(TOKEN).json()
    assert body["team"]["id"] == user["teams"][1]
    assert [t["id"] for t in body["otherTeams"]] == [user["teams"][0]]


def test_get_account(pixop, pixop_client) -> None:
    user = demo(pixop)
    response = pixop_client.get(ACCOUNT)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"user", "team"}
    assert body["user"]["id"] == user["id"]
    assert body["user"]["name"] == user["name"]
    assert body["user"]["authSignaturePublicKeyId"] == user["authKeyId"]
    assert body["user"]["authSignaturePublicKey"] == user["authPublicKey"]
    assert (
        body["user"]["authSignatureMethod"]
        == jwt.get_unverified_header(pixop_client.headers["Authorization"][7:])["alg"]
    )
    assert body["team"]["id"] == user["teams"][0]
    assert body["team"]["name"] == pixop.state.db["teams"][user["teams"][0]]["name"]


def test_the_token_is_verifiable_with_the_published_public_key(pixop, pixop_client) -> None:
    account = pixop_client.get(ACCOUNT).json()["user"]
    token = pixop_client.headers["Authorization"][len("Bearer ") :]
    assert jwt.get_unverified_header(token)["kid"] == account["authSignaturePublicKeyId"]
    claims = jwt.decode(
        token,
        account["authSignaturePublicKey"],
        algorithms=[account["authSignatureMethod"]],
        options={"verify_exp": False},
    )
    assert claims["sub"] == account["id"]


# -- the documented JWT exceptions --------------------------------------------------------
@pytest.mark.parametrize("path", [TOKEN, ACCOUNT])
def test_no_token(pixop, make_pixop_client, path: str) -> None:
    method = "POST" if path == TOKEN else "GET"
    client = make_pixop_client(login=False)
    assert_error(client.request(method, path), 401, "NoJWTTokenFoundException")
    assert_error(
        client.request(method, path, headers={"Authorization": "Bearer "}), 401, "NoJWTTokenFoundException"
    )


def test_basic_auth_is_not_a_token_for_account(pixop, make_pixop_client) -> None:
    user = demo(pixop)
    response = make_pixop_client(login=False).get(ACCOUNT, auth=(user["email"], user["demo_password"]))
    assert_error(response, 401, "NoJWTTokenFoundException")


@pytest.mark.parametrize("garbage", ["not-a-jwt", "a.b.c", "eyJhbGciOiJFUzI1NiJ9.e30"])
def test_garbage_token_is_invalid(pixop, make_pixop_client, garbage: str) -> None:
    response = make_pixop_client(login=False).get(ACCOUNT, headers=bearer(garbage))
    assert_error(response, 401, "InvalidJWTTokenFoundException")


def test_token_signed_by_another_key_is_invalid(pixop, make_pixop_client) -> None:
    user = demo(pixop)
    genuine = pixop.state.mint_token(user["id"], user["teams"][0])
    claims = jwt.decode(genuine, options={"verify_signature": False})
    foreign_private, _ = tokens.new_key_pair(987654321)
    assert foreign_private != user["authPrivateKey"]
    forged = tokens.sign(claims, foreign_private, user["authKeyId"])
    client = make_pixop_client(login=False)
    assert client.get(ACCOUNT, headers=bearer(genuine)).status_code == 200
    assert_error(client.get(ACCOUNT, headers=bearer(forged)), 401, "InvalidJWTTokenFoundException")
    # Another user's genuine key does not sign for the demo user either.
    other = pixop.state.user_by_key("other")
    crossed = tokens.sign(claims, other["authPrivateKey"], other["authKeyId"])
    assert_error(client.get(ACCOUNT, headers=bearer(crossed)), 401, "InvalidJWTTokenFoundException")


@pytest.mark.parametrize("alg", ["HS256", "none"])
def test_token_with_the_wrong_algorithm_is_invalid(pixop, make_pixop_client, alg: str) -> None:
    user = demo(pixop)
    claims = jwt.decode(
        pixop.state.mint_token(user["id"], user["teams"][0]), options={"verify_signature": False}
    )
    if alg == "HS256":
        # The classic key-confusion attack: HMAC with the (public) key as secret.
        token = jwt.encode(claims, "a-shared-secret-that-is-long-enough-for-hs256", algorithm="HS256")
    else:
        token = unsigned_token(claims, alg)
    assert_error(
        make_pixop_client(login=False).get(ACCOUNT, headers=bearer(token)),
        401,
        "InvalidJWTTokenFoundException",
    )


def test_token_expires_after_fifteen_minutes(pixop, pixop_client) -> None:
    pixop.clock.freeze()
    token = pixop_client.login()
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == TOKEN_LIFETIME
    pixop.clock.advance(TOKEN_LIFETIME - 1)  # 14:59 later
    assert pixop_client.get(ACCOUNT).status_code == 200
    assert pixop_client.post(TOKEN).status_code == 200
    pixop.clock.advance(2)  # 15:01 later
    assert_error(pixop_client.get(ACCOUNT), 401, "ExpiredJWTTokenException")
    assert_error(pixop_client.post(TOKEN), 401, "ExpiredJWTTokenException")
    assert_error(pixop_client.get("/videos/v1/projects"), 401, "ExpiredJWTTokenException")
    # A fresh login works again.
    pixop_client.login()
    assert pixop_client.get(ACCOUNT).status_code == 200


def test_expiry_via_the_admin_clock(pixop, pixop_client) -> None:
    assert pixop_client.get(ACCOUNT).status_code == 200
    moved = pixop_client.post("/__admin/clock", json={"advance_seconds": TOKEN_LIFETIME + 1})
    assert moved.status_code == 200, moved.text
    assert_error(pixop_client.get(ACCOUNT), 401, "ExpiredJWTTokenException")


def test_premature_token(pixop, make_pixop_client) -> None:
    pixop.clock.freeze()
    user = demo(pixop)
    now = int(pixop.clock.time())
    token = pixop.state.mint_token(user["id"], user["teams"][0], nbf=now + 60)
    client = make_pixop_client(login=False)
    assert_error(client.get(ACCOUNT, headers=bearer(token)), 401, "PrematureJWTTokenException")
    pixop.clock.advance(61)
    assert client.get(ACCOUNT, headers=bearer(token)).status_code == 200


def test_eternal_token(pixop, make_pixop_client) -> None:
    user = demo(pixop)
    token = pixop.state.mint_token(user["id"], user["teams"][0], lifetime=None)
    assert "exp" not in jwt.decode(token, options={"verify_signature": False})
    client = make_pixop_client(login=False)
    assert_error(client.get(ACCOUNT, headers=bearer(token)), 401, "EternalJWTTokenException")
    assert_error(client.post(TOKEN, headers=bearer(token)), 401, "EternalJWTTokenException")


@pytest.mark.parametrize(
    "case", ["team the user is not in", "unknown team", "unknown sub", "no teamId", "no sub"]
)
def test_inconsistent_claims(pixop, make_pixop_client, case: str) -> None:
    user = demo(pixop)
    team = user["teams"][0]
    foreign_team = pixop.state.user_by_key("other")["teams"][0]
    overrides = {
        "team the user is not in": {"teamId": foreign_team},
        "unknown team": {"teamId": "00000000-0000-0000-0000-000000000000"},
        "unknown sub": {"sub": "00000000-0000-0000-0000-000000000000"},
        "no teamId": {"teamId": None},
        "no sub": {"sub": None},
    }[case]
    token = pixop.state.mint_token(user["id"], team, **overrides)
    response = make_pixop_client(login=False).get(ACCOUNT, headers=bearer(token))
    assert_error(response, 401, "InconsistentJWTClaimsException")


# -- generate-auth-secret ---------------------------------------------------------------
def test_generate_auth_secret_with_bearer_rotates_the_key(pixop, pixop_client) -> None:
    before = pixop_client.get(ACCOUNT).json()["user"]
    old_token = pixop_client.headers["Authorization"]
    response = pixop_client.get(AUTH_SECRET)
    assert response.status_code == 200
    user = response.json()["user"]
    assert user["id"] == before["id"]
    assert user["authSignaturePublicKeyId"] != before["authSignaturePublicKeyId"]
    assert user["authSignaturePublicKey"] != before["authSignaturePublicKey"]
    assert user["authSignatureMethod"] == before["authSignatureMethod"]
    # The token used for the rotation was signed with the old key.
    assert_error(
        pixop_client.get(ACCOUNT, headers={"Authorization": old_token}), 401, "InvalidJWTTokenFoundException"
    )
    new_token = pixop_client.login()
    assert jwt.get_unverified_header(new_token)["kid"] == user["authSignaturePublicKeyId"]
    after = pixop_client.get(ACCOUNT)
    assert after.status_code == 200
    assert after.json()["user"]["authSignaturePublicKeyId"] == user["authSignaturePublicKeyId"]


def test_generate_auth_secret_with_basic(pixop, pixop_client, make_pixop_client) -> None:
    user = demo(pixop)
    before = pixop_client.get(ACCOUNT).json()["user"]["authSignaturePublicKeyId"]
    basic = make_pixop_client(login=False)
    response = basic.get(AUTH_SECRET, auth=(user["email"], user["demo_password"]))
    assert response.status_code == 200
    rotated = response.json()["user"]["authSignaturePublicKeyId"]
    assert rotated != before
    assert_error(pixop_client.get(ACCOUNT), 401, "InvalidJWTTokenFoundException")
    pixop_client.login()
    assert pixop_client.get(ACCOUNT).json()["user"]["authSignaturePublicKeyId"] == rotated


def test_generate_auth_secret_needs_valid_credentials(pixop, make_pixop_client) -> None:
    user = demo(pixop)
    client = make_pixop_client(login=False)
    assert_error(client.get(AUTH_SECRET), 401, "NoJWTTokenFoundException")
    assert_error(client.get(AUTH_SECRET, auth=(user["email"], "wrong-password")), 401, "AuthException")
    banned = pixop.state.user_by_key("banned")
    assert_error(
        client.get(AUTH_SECRET, auth=(banned["email"], banned["demo_password"])), 403, "UserBannedException"
    )
    assert pixop.state.user_by_key("demo")["authKeyId"] == user["authKeyId"]


# -- generate-signature-secret -----------------------------------------------------------
def test_generate_signature_secret_with_bearer(pixop, pixop_client) -> None:
    before = pixop_client.get(ACCOUNT).json()["user"]
    response = pixop_client.get(SIGNATURE_SECRET)
    assert response.status_code == 200
    user = response.json()["user"]
    assert user["id"] == before["id"]
    assert user["apiRequestSignatureSecret"] != before["apiRequestSignatureSecret"]
    assert user["apiRequestSignatureMethod"] == before["apiRequestSignatureMethod"]
    # Only the request-signing secret changed: the JWT key and the token still work.
    assert user["authSignaturePublicKeyId"] == before["authSignaturePublicKeyId"]
    after = pixop_client.get(ACCOUNT)
    assert after.status_code == 200
    assert after.json()["user"]["apiRequestSignatureSecret"] == user["apiRequestSignatureSecret"]


def test_generate_signature_secret_with_basic(pixop, pixop_client, make_pixop_client) -> None:
    user = demo(pixop)
    before = pixop_client.get(ACCOUNT).json()["user"]["apiRequestSignatureSecret"]
    response = make_pixop_client(login=False).get(
        SIGNATURE_SECRET, auth=(user["email"], user["demo_password"])
    )
    assert response.status_code == 200
    assert response.json()["user"]["apiRequestSignatureSecret"] != before
    assert (
        pixop_client.get(ACCOUNT).json()["user"]["apiRequestSignatureSecret"]
        == response.json()["user"]["apiRequestSignatureSecret"]
    )


# -- update-password -------------------------------------------------------------------------
@pytest.mark.parametrize("auth", ["bearer", "basic"])
def test_update_password(pixop, make_pixop_client, auth: str) -> None:
    user = demo(pixop)
    old_password = user["demo_password"]
    new_password = old_password + "-changed"
    client = make_pixop_client(login=auth == "bearer")
    kwargs = {"auth": (user["email"], old_password)} if auth == "basic" else {}
    response = client.post(UPDATE_PASSWORD, json={"newPassword": new_password}, **kwargs)
    assert response.status_code == 200, response.text
    assert response.json()["user"]["id"] == user["id"]
    fresh = make_pixop_client(login=False)
    assert_error(fresh.get(TOKEN, auth=(user["email"], old_password)), 401, "AuthException")
    assert fresh.get(TOKEN, auth=(user["email"], new_password)).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", None),
        (b"", None),
        (b'["newPassword"]', None),
        (b'{"newPassword": 12345678}', "newPassword"),
        (b'{"newPassword": null}', "newPassword"),
        (b'{"newPassword": "short"}', "newPassword"),
        (b"{}", "newPassword"),
        (b'{"newPassword": "long-enough-password", "oldPassword": "x"}', "oldPassword"),
    ],
)
def test_update_password_rejects_bad_bodies(
    pixop, pixop_client, make_pixop_client, body: bytes, field: str | None
) -> None:
    user = demo(pixop)
    response = pixop_client.post(UPDATE_PASSWORD, data=body, headers={"Content-Type": "application/json"})
    error = assert_error(response, 400)
    if field is not None:
        assert field in error["errorMessage"]
    # The password did not change.
    assert (
        make_pixop_client(login=False).get(TOKEN, auth=(user["email"], user["demo_password"])).status_code
        == 200
    )
