"""Authentication over HTTP: Basic, JWTs (vonage-jwt, Bearer and jwt-token), time claims, acl, isolation."""

from __future__ import annotations

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from vonage_helpers import VonageClient, assert_error, demo_items
from vonage_jwt import JwtClient


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_token_minted_by_vonage_jwt_is_accepted(vonage, anonymous) -> None:
    creds = vonage.credentials
    token = JwtClient(creds["application_id"], creds["private_key"]).generate_application_jwt().decode()
    response = anonymous.get("/v3/media", headers=_bearer(token))
    assert response.status_code == 200, response.text
    assert all(m["account_id"] == creds["api_key"] for m in response.json()["_embedded"]["media"])


def test_jwt_in_the_query_parameter_is_accepted(vonage, anonymous) -> None:
    token = vonage.state.mint_token()
    assert anonymous.get("/v3/media", params={"jwt-token": token}).status_code == 200


def test_basic_credentials(anonymous, basic) -> None:
    assert anonymous.get("/v3/media", auth=basic).status_code == 200
    body = assert_error(anonymous.get("/v3/media", auth=(basic[0], "wrong-secret")), 401, "unauthorized")
    assert "api_secret" in body["detail"]
    assert_error(anonymous.get("/v3/media", auth=("nosuchkey", basic[1])), 401, "unauthorized")


def test_no_credentials_are_refused(anonymous) -> None:
    body = assert_error(anonymous.get("/v3/media"), 401, "unauthorized")
    assert "Bearer" in body["detail"]


def test_jwt_and_basic_together_are_refused(vonage, anonymous, basic) -> None:
    token = vonage.state.mint_token()
    body = assert_error(anonymous.get("/v3/media", params={"jwt-token": token}, auth=basic), 401, "unauthorized")
    assert "not both" in body["detail"]
    assert_error(anonymous.get("/v3/media", params={"jwt-token": token}, headers=_bearer(token)), 401, "unauthorized")


def test_unknown_scheme_and_garbage_tokens(anonymous) -> None:
    assert_error(anonymous.get("/v3/media", headers={"Authorization": "Token abc"}), 401, "unauthorized")
    assert_error(anonymous.get("/v3/media", headers=_bearer("not.a.jwt")), 401, "unauthorized")
    assert_error(anonymous.get("/v3/media", headers={"Authorization": "Bearer "}), 401, "unauthorized")
    assert_error(anonymous.get("/v3/media", headers={"Authorization": "Basic %%%"}), 401, "unauthorized")


def test_expired_token(vonage, anonymous) -> None:
    vonage.clock.freeze()
    token = vonage.state.mint_token()
    assert anonymous.get("/v3/media", headers=_bearer(token)).status_code == 200
    vonage.clock.advance(15 * 60)
    assert_error(anonymous.get("/v3/media", headers=_bearer(token)), 401, "jwt-expired")


def test_token_without_exp_lives_fifteen_minutes_from_iat(vonage, anonymous) -> None:
    vonage.clock.freeze()
    token = vonage.state.mint_token(lifetime=None)
    assert anonymous.get("/v3/media", headers=_bearer(token)).status_code == 200
    vonage.clock.advance(14 * 60)
    assert anonymous.get("/v3/media", headers=_bearer(token)).status_code == 200
    vonage.clock.advance(61)
    assert_error(anonymous.get("/v3/media", headers=_bearer(token)), 401, "jwt-expired")
    no_times = vonage.state.mint_token(lifetime=None, iat=None)
    assert "lifetime" in assert_error(anonymous.get("/v3/media", headers=_bearer(no_times)), 401, "unauthorized")["detail"]


def test_string_exp_is_read_as_a_number(vonage, anonymous) -> None:
    now = int(vonage.clock.time())
    token = vonage.state.mint_token(exp=str(now + 600))
    assert anonymous.get("/v3/media", headers=_bearer(token)).status_code == 200


def test_lifetime_over_24_hours_is_refused(vonage, anonymous) -> None:
    token = vonage.state.mint_token(lifetime=25 * 3600)
    assert "24 hours" in assert_error(anonymous.get("/v3/media", headers=_bearer(token)), 401, "unauthorized")["detail"]


def test_not_before(vonage, anonymous) -> None:
    vonage.clock.freeze()
    token = vonage.state.mint_token(nbf=int(vonage.clock.time()) + 60)
    assert "nbf" in assert_error(anonymous.get("/v3/media", headers=_bearer(token)), 401, "unauthorized")["detail"]
    vonage.clock.advance(61)
    assert anonymous.get("/v3/media", headers=_bearer(token)).status_code == 200


def test_signature_by_another_key_is_refused(vonage, anonymous) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = stranger.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    token = JwtClient(vonage.credentials["application_id"], pem).generate_application_jwt().decode()
    assert "signature" in assert_error(anonymous.get("/v3/media", headers=_bearer(token)), 401, "unauthorized")["detail"]
    # The other account's key does not sign for the demo application either.
    other = vonage.state.account_credentials("other")
    forged = JwtClient(vonage.credentials["application_id"], other["private_key"]).generate_application_jwt().decode()
    assert_error(anonymous.get("/v3/media", headers=_bearer(forged)), 401, "unauthorized")


def test_unsigned_and_hs256_tokens_are_refused(vonage, anonymous) -> None:
    claims = {"application_id": vonage.credentials["application_id"], "iat": int(vonage.clock.time())}
    hs = jwt.encode(claims, "a-shared-secret-of-enough-length-for-hs256", algorithm="HS256")
    assert "RS256" in assert_error(anonymous.get("/v3/media", headers=_bearer(hs)), 401, "unauthorized")["detail"]
    none = jwt.encode(claims, None, algorithm="none")
    assert_error(anonymous.get("/v3/media", headers=_bearer(none)), 401, "unauthorized")


def test_unknown_or_missing_application_id(vonage, anonymous) -> None:
    creds = vonage.credentials
    token = JwtClient("00000000-0000-4000-8000-000000000000", creds["private_key"]).generate_application_jwt().decode()
    assert "not a known application" in assert_error(anonymous.get("/v3/media", headers=_bearer(token)), 401)["detail"]
    no_app = jwt.encode({"iat": int(vonage.clock.time())}, serialization.load_pem_private_key(creds["private_key"].encode(), None), algorithm="RS256")
    assert "application_id" in assert_error(anonymous.get("/v3/media", headers=_bearer(no_app)), 401)["detail"]


@pytest.mark.parametrize(
    ("paths", "allowed"),
    [
        ({"/*/media/**": {}}, True),
        ({"/v3/media/**": {}}, True),
        ({"/**": {}}, True),
        ({"/v3/media": {}}, True),
        ({"/*/users/**": {}, "/*/conversations/**": {}}, False),
        ({"/v3/media/*/info": {}}, False),
        ({"/v2/media/**": {}}, False),
        ({"/*/media/**": {"methods": ["DELETE"]}}, False),
        ({"/*/media/**": {"methods": ["GET"]}}, True),
    ],
)
def test_acl_paths_decide_what_a_token_may_do(vonage, anonymous, paths, allowed) -> None:
    token = vonage.state.mint_token(acl={"paths": paths})
    response = anonymous.get("/v3/media", headers=_bearer(token))
    if allowed:
        assert response.status_code == 200, response.text
    else:
        assert "acl" in assert_error(response, 403, "forbidden")["detail"]


def test_acl_narrowed_to_one_item(vonage, anonymous) -> None:
    item = demo_items(vonage)[0]
    token = vonage.state.mint_token(acl={"paths": {f"/v3/media/{item['id']}/**": {}, f"/v3/media/{item['id']}": {}}})
    assert anonymous.get(f"/v3/media/{item['id']}/info", headers=_bearer(token)).status_code == 200
    assert anonymous.get(f"/v3/media/{item['id']}", headers=_bearer(token)).status_code == 200
    assert_error(anonymous.get("/v3/media", headers=_bearer(token)), 403, "forbidden")


def test_malformed_acl_is_refused(vonage, anonymous) -> None:
    for acl in (["/*/media/**"], {"paths": ["/*/media/**"]}, {"paths": {"/*/media/**": "yes"}}):
        assert_error(anonymous.get("/v3/media", headers=_bearer(vonage.state.mint_token(acl=acl))), 401, "unauthorized")


def test_accounts_are_isolated(vonage, client, other_client) -> None:
    other_key = vonage.state.account_credentials("other")["api_key"]
    mine = client.get("/v3/media", params={"page_size": 1000}).json()["_embedded"]["media"]
    theirs = other_client.get("/v3/media", params={"page_size": 1000}).json()["_embedded"]["media"]
    assert {m["account_id"] for m in mine} == {vonage.credentials["api_key"]}
    assert {m["account_id"] for m in theirs} == {other_key}
    foreign = theirs[0]["id"]
    for method, path in (("GET", f"/v3/media/{foreign}/info"), ("GET", f"/v3/media/{foreign}"), ("DELETE", f"/v3/media/{foreign}")):
        assert_error(client.request(method, path), 404, "not-found")
    assert_error(client.put(f"/v3/media/{foreign}/info", json={"title": "mine now"}), 404, "not-found")
    assert other_client.get(f"/v3/media/{foreign}/info").json()["title"] != "mine now"
    # A token of the other account's own application sees its items.
    other_app = vonage.state.account_credentials("other")["application_id"]
    token = vonage.state.mint_token(other_app)
    assert VonageClient(vonage).get(f"/v3/media/{foreign}/info", headers=_bearer(token)).status_code == 200
