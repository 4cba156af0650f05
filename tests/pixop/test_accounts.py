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


@pytest.mark.parametrize("how", ["basic", "bearer"])
def test_an_empty_team_id_is_taken_as_none_with_a_warning(pixop, make_pixop_client, how: str) -> None:
    user = demo(pixop)
    client = make_pixop_client(login=how == "bearer")
    auth = (user["email"], user["demo_password"]) if how == "basic" else None
    plain = client.get(TOKEN, auth=auth)
    empty = client.get(TOKEN, auth=auth, params={"team-id": ""})
    assert plain.status_code == empty.status_code == 200, empty.text
    assert empty.json()["teamId"] == plain.json()["teamId"] == user["teams"][0]
    warnings = pixop.journal.last(path=TOKEN).warnings
    assert [(w["code"], w["source"]) for w in warnings] == [("empty-parameter", "inferred")]


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
    for method, path in (("GET", ACCOUNT), ("GET", "/videos/v1/projects")):
        assert_error(client.request(method, path, headers=bearer(token)), 403, "UserBannedException")
    # POST /token: the Java client reads failures from 401 bodies only (banned included).
    assert_error(client.post(TOKEN, headers=bearer(token)), 401, "UserBannedException")


def test_bearer_refreshes_the_token_for_the_same_team(pixop, pixop_client) -> None:
    pixop.clock.freeze()
    user = demo(pixop)
    old = pixop_client.headers["Authorization"][7:]
    pixop.clock.advance(600)
    response = pixop_client.get(TOKEN)  # Java client newToken(jwt, null)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"userId", "teamId", "jwtToken"}
    assert body["userId"] == user["id"] and body["teamId"] == user["teams"][0]
    assert body["jwtToken"] != old
    claims = jwt.decode(body["jwtToken"], options={"verify_signature": False})
    assert claims["iat"] == int(pixop.clock.time())
    pixop.clock.advance(600)  # the old token has expired, the new one has not
    assert_error(pixop_client.get(ACCOUNT, headers=bearer(old)), 401, "ExpiredJWTTokenException")
    assert pixop_client.get(ACCOUNT, headers=bearer(body["jwtToken"])).status_code == 200


def test_bearer_with_team_id_switches_team(pixop, pixop_client) -> None:
    user = demo(pixop)
    response = pixop_client.get(TOKEN, params={"team-id": user["teams"][1]})  # newToken(jwt, teamId)
    assert response.status_code == 200, response.text
    assert response.json()["teamId"] == user["teams"][1]
    account = pixop_client.get(ACCOUNT, headers=bearer(response.json()["jwtToken"])).json()
    assert account["team"]["id"] == user["teams"][1]
    foreign = pixop.state.user_by_key("other")["teams"][0]
    assert_error(pixop_client.get(TOKEN, params={"team-id": foreign}), 403, "AuthException")


def test_bearer_refresh_needs_a_valid_token(pixop, make_pixop_client) -> None:
    client = make_pixop_client(login=False)
    assert_error(client.get(TOKEN, headers=bearer("not-a-jwt")), 401, "InvalidJWTTokenFoundException")


def test_token_has_the_real_tokens_shape(pixop, pixop_client) -> None:
    token = pixop_client.headers["Authorization"][7:]
    header = jwt.get_unverified_header(token)
    assert header == {"kid": "key-1", "alg": "HS256", "typ": "JWT"}
    claims = jwt.decode(token, options={"verify_signature": False})
    assert set(claims) == {"jti", "iat", "sub", "iss", "exp", "nbf", "user_id"}
    assert claims["sub"] == "API-Access-Credentials" and claims["iss"] == "Pixop"
    assert claims["nbf"] == claims["iat"] and claims["exp"] == claims["iat"] + 900
    assert claims["user_id"] == demo(pixop)["id"]


# -- POST /token and GET /account ------------------------------------------------------
def test_validating_a_token_returns_user_and_team(pixop, pixop_client) -> None:
    user = demo(pixop)
    response = pixop_client.post(TOKEN)
    assert response.status_code == 200
    body = response.json()
    # The seed also shows otherTeams; the client's AuthenticatedIdentity would fail on it.
    assert set(body) == {"user", "team"}
    assert body["user"]["id"] == user["id"]
    assert body["user"]["email"] == user["email"]
    assert body["user"]["banned"] is False
    assert body["team"]["id"] == user["teams"][0]


def test_validating_a_second_team_token_names_that_team(pixop, make_pixop_client) -> None:
    user = demo(pixop)
    client = make_pixop_client(team_id=user["teams"][1])
    body = client.post(TOKEN).json()
    assert body["team"]["id"] == user["teams"][1]
    assert body["team"]["name"] == pixop.state.db["teams"][user["teams"][1]]["name"]


def test_get_account(pixop, pixop_client) -> None:
    user = demo(pixop)
    response = pixop_client.get(ACCOUNT)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"user", "team"}
    assert body["user"]["id"] == user["id"]
    assert body["user"]["name"] == user["name"]
    assert body["user"]["authSignaturePublicKeyId"] == user["authKeyId"]
    assert body["user"]["authSignaturePublicKey"] == user["authSecret"]
    assert (
        body["user"]["authSignatureMethod"]
        == jwt.get_unverified_header(pixop_client.headers["Authorization"][7:])["alg"]
    )
    assert body["team"]["id"] == user["teams"][0]
    assert body["team"]["name"] == pixop.state.db["teams"][user["teams"][0]]["name"]


def test_the_token_is_verifiable_with_the_published_key(pixop, pixop_client) -> None:
    account = pixop_client.get(ACCOUNT).json()["user"]
    token = pixop_client.headers["Authorization"][len("Bearer ") :]
    assert jwt.get_unverified_header(token)["kid"] == account["authSignaturePublicKeyId"]
    claims = jwt.decode(
        token,
        account["authSignaturePublicKey"],
        algorithms=[account["authSignatureMethod"]],
        options={"verify_exp": False},
    )
    assert claims["user_id"] == account["id"]


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
    foreign_secret = "f" * 64
    assert foreign_secret != user["authSecret"]
    forged = tokens.sign(claims, foreign_secret, user["authKeyId"])
    client = make_pixop_client(login=False)
    assert client.get(ACCOUNT, headers=bearer(genuine)).status_code == 200
    assert_error(client.get(ACCOUNT, headers=bearer(forged)), 401, "InvalidJWTTokenFoundException")
    # Another user's genuine key does not sign for the demo user either.
    other = pixop.state.user_by_key("other")
    crossed = tokens.sign(claims, other["authSecret"], other["authKeyId"])
    assert_error(client.get(ACCOUNT, headers=bearer(crossed)), 401, "InvalidJWTTokenFoundException")


@pytest.mark.parametrize("alg", ["HS512", "none"])
def test_token_with_the_wrong_algorithm_is_invalid(pixop, make_pixop_client, alg: str) -> None:
    user = demo(pixop)
    claims = jwt.decode(
        pixop.state.mint_token(user["id"], user["teams"][0]), options={"verify_signature": False}
    )
    if alg == "HS512":
        # The right secret with another algorithm than the real tokens' HS256.
        token = jwt.encode(claims, user["authSecret"].encode(), algorithm="HS512", headers={"kid": user["authKeyId"]})
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
    "case", ["team the user is not in", "no user_id", "other sub", "no sub", "other iss", "jti of another user"]
)
def test_inconsistent_claims(pixop, make_pixop_client, case: str) -> None:
    user = demo(pixop)
    team = user["teams"][0]
    other = pixop.state.user_by_key("other")
    if case == "team the user is not in":
        team = other["teams"][0]
    overrides = {
        "team the user is not in": {},
        "no user_id": {"user_id": None},
        "other sub": {"sub": user["id"]},
        "no sub": {"sub": None},
        "other iss": {"iss": "pixop-accounts"},
        "jti of another user": {},
    }[case]
    if case == "jti of another user":
        theirs = jwt.decode(pixop.state.mint_token(other["id"], other["teams"][0]), options={"verify_signature": False})
        overrides = {"jti": theirs["jti"]}
    token = pixop.state.mint_token(user["id"], team, **overrides)
    if case == "jti of another user":
        # mint_token recorded the jti for the demo user: put the other user's record back.
        pixop.state.db["tokens"][theirs["jti"]] = {"userId": other["id"], "teamId": other["teams"][0]}
    response = make_pixop_client(login=False).get(ACCOUNT, headers=bearer(token))
    assert_error(response, 401, "InconsistentJWTClaimsException")


def test_a_token_of_an_unknown_user_is_invalid(pixop, make_pixop_client) -> None:
    """Like the real, expired Pixop token the client's test program validates: InvalidJWTTokenFoundException."""
    claims = {"jti": "j", "iat": 1587497332, "sub": "API-Access-Credentials", "iss": "Pixop", "exp": 1587498232,
              "nbf": 1587497332, "user_id": "00000000-0000-0000-0000-000000000000"}
    token = tokens.sign(claims, "a-secret-of-the-real-pixop-service-32b", "key-1")
    client = make_pixop_client(login=False)
    assert_error(client.post(TOKEN, headers=bearer(token)), 401, "InvalidJWTTokenFoundException")
    assert_error(client.get(ACCOUNT, headers=bearer(token)), 401, "InvalidJWTTokenFoundException")


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
