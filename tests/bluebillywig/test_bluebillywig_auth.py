"""rpctoken (HOTP over 120-second windows of the virtual clock) and the JWT from /sapi/auth/token."""

from __future__ import annotations

from bluebillywig_helpers import BBClient, assert_error, rpctoken


def test_rpctoken_header_and_query_parameter(bluebillywig) -> None:
    client = BBClient(bluebillywig, sign=False)
    assert client.get("/sapi/mediaclip", headers={"rpctoken": rpctoken(bluebillywig)}).status_code == 200
    assert client.get("/sapi/mediaclip", params={"rpctoken": rpctoken(bluebillywig)}).status_code == 200


def test_missing_and_malformed_tokens_are_401(bluebillywig) -> None:
    client = BBClient(bluebillywig, sign=False)
    assert_error(client.get("/sapi/mediaclip/4471001"), 401, "rpctoken")
    assert_error(client.get("/sapi/mediaclip", headers={"rpctoken": "nodash"}), 401, "malformed")
    assert_error(client.get("/sapi/mediaclip", headers={"rpctoken": "490-xyz"}), 401, "malformed")
    assert_error(client.get("/sapi/mediaclip", headers={"rpctoken": "abc-" + "0" * 40}), 401, "malformed")


def test_unknown_and_revoked_keys_are_403(bluebillywig) -> None:
    client = BBClient(bluebillywig, sign=False)
    assert_error(client.get("/sapi/mediaclip", headers={"rpctoken": rpctoken(bluebillywig, key_id="999")}), 403, "unknown API key id 999")
    revoked = rpctoken(bluebillywig, key_id="491", secret="9f2d7c1e0b8a4f6e3d2c1b0a9f8e7d6c")
    assert_error(client.get("/sapi/mediaclip", headers={"rpctoken": revoked}), 403, "revoked")


def test_wrong_secret_is_401(bluebillywig) -> None:
    client = BBClient(bluebillywig, sign=False)
    token = rpctoken(bluebillywig, secret="not-the-secret")
    assert_error(client.get("/sapi/mediaclip", headers={"rpctoken": token}), 401, "does not match")


def test_windows_minus_one_to_plus_one_accepted_on_the_virtual_clock(bluebillywig) -> None:
    bluebillywig.clock.freeze()
    client = BBClient(bluebillywig, sign=False)
    for offset in (-1, 0, 1):
        assert client.get("/sapi/mediaclip", headers={"rpctoken": rpctoken(bluebillywig, offset)}).status_code == 200
    for offset in (-2, 2):
        body = assert_error(client.get("/sapi/mediaclip", headers={"rpctoken": rpctoken(bluebillywig, offset)}), 401, "expired")
        assert "2 windows" in body["error"]


def test_token_goes_stale_when_the_clock_moves(bluebillywig) -> None:
    bluebillywig.clock.freeze()
    token = rpctoken(bluebillywig)
    client = BBClient(bluebillywig, sign=False)
    assert client.get("/sapi/mediaclip", headers={"rpctoken": token}).status_code == 200
    bluebillywig.clock.advance(3 * 120)
    assert_error(client.get("/sapi/mediaclip", headers={"rpctoken": token}), 401, "behind")


def test_jwt_from_auth_token_authenticates_until_it_expires(bluebillywig, bb) -> None:
    response = bb.get("/sapi/auth/token")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    client = BBClient(bluebillywig, sign=False)
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert client.get("/sapi/mediaclip", headers=headers).status_code == 200
    bluebillywig.clock.advance(3601)
    assert_error(client.get("/sapi/mediaclip", headers=headers), 401, "expired")


def test_forged_or_garbage_jwt_is_401(bluebillywig, bb) -> None:
    token = bb.get("/sapi/auth/token").json()["token"]
    head, payload, signature = token.split(".")
    client = BBClient(bluebillywig, sign=False)
    forged = f"{head}.{payload}.{signature[:-4]}AAAA"
    assert_error(client.get("/sapi/mediaclip", headers={"Authorization": f"Bearer {forged}"}), 401, "invalid bearer token")
    assert_error(client.get("/sapi/mediaclip", headers={"Authorization": "Bearer nonsense"}), 401, "not a JWT")


def test_auth_token_needs_credentials(bluebillywig) -> None:
    assert_error(BBClient(bluebillywig, sign=False).get("/sapi/auth/token"), 401)


def test_an_empty_rpctoken_is_refused_even_with_a_bearer_token(bluebillywig) -> None:
    # A sent rpctoken wins over Bearer; an empty one is malformed (it was taken as absent, and the Bearer used).
    client = BBClient(bluebillywig, sign=False)
    token = client.get("/sapi/auth/token", headers={"rpctoken": rpctoken(bluebillywig)}).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/sapi/publication", headers=bearer).status_code == 200
    assert_error(client.get("/sapi/publication", headers={**bearer, "rpctoken": ""}), 401, "empty")
    assert_error(client.get("/sapi/publication", headers=bearer, params={"rpctoken": " "}), 401, "empty")
    # An empty header next to a good query token: the good one is used.
    assert client.get("/sapi/publication", headers={"rpctoken": ""}, params={"rpctoken": rpctoken(bluebillywig)}).status_code == 200
