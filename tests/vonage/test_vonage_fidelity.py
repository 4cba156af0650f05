"""What the Node SDK, Vonage's other APIs and its older docs send: nulls, regional hosts, legacy inputs, upload's status."""

from __future__ import annotations

import requests
from vonage_helpers import assert_error, demo_items

from mockservers.conformance.traffic import provider_for_host
from mockservers.core.paths import fixtures_dir

WAV = (fixtures_dir() / "vonage" / "audio" / "greeting.wav").read_bytes()
UPLOAD_WARNING = "upload-disabled-live"


def _codes(vonage, path: str, method: str | None = None) -> set[str]:
    entries = [e for e in vonage.journal.entries(path=path) if method is None or e.method == method]
    return {w["code"] for w in entries[-1].warnings}


def test_an_undescribed_item_answers_null_metadata_as_the_sdk_fixtures_show(vonage, client) -> None:
    created = client.post("/v3/media", files={"filedata": ("plain.wav", WAV, "audio/vnd.wave")})
    assert created.status_code == 201, created.text
    info = client.get(f"/v3/media/{created.json()['id']}/info").json()
    assert info["metadata_primary"] is None and info["metadata_secondary"] is None
    assert "title" not in info and "description" not in info


def test_null_metadata_is_accepted_and_answered_null(vonage, client) -> None:
    item = demo_items(vonage)[0]
    assert item["metadata_primary"] and item["title"]
    response = client.put(
        f"/v3/media/{item['id']}", json={"metadata_primary": None, "metadata_secondary": "kept", "title": None}
    )
    assert response.status_code == 204, response.text
    info = client.get(f"/v3/media/{item['id']}/info").json()
    assert (info["metadata_primary"], info["metadata_secondary"]) == (None, "kept")
    assert "title" not in info  # cleared: answered like a never-set title


def test_an_update_that_sends_back_what_it_read_works(vonage, client) -> None:
    """The Node SDK's updateMediaItem sends the item it read, nulls included (PUT /v3/media/{id}, JSON)."""
    created = client.post("/v3/media", files={"filedata": ("plain.wav", WAV)}).json()
    read = client.get(f"/v3/media/{created['id']}/info").json()
    assert read["metadata_primary"] is None
    sent_back = {**read, "public": True}
    response = client.put(f"/v3/media/{created['id']}", json=sent_back)
    assert response.status_code == 204, response.text
    again = client.get(f"/v3/media/{created['id']}/info").json()
    assert again["public"] is True and again["metadata_primary"] is None and again["metadata_secondary"] is None
    assert again["etag"] == read["etag"] and again["time_last_updated"] > read["time_last_updated"]
    assert _codes(vonage, f"/v3/media/{created['id']}", "PUT") == set()


def test_regional_hosts_are_intercepted_and_routed(mockservers_intercept) -> None:
    vonage = mockservers_intercept["vonage"]
    creds = vonage.credentials
    item = demo_items(vonage)[0]
    for host in ("api-us.nexmo.com", "api-eu.nexmo.com", "api-ap.nexmo.com", "api-us-3.vonage.com"):
        response = requests.get(f"https://{host}/v3/media/{item['id']}/info", auth=(creds["api_key"], creds["api_secret"]), timeout=10)
        assert response.status_code == 200, (host, response.text)
        assert response.json()["id"] == item["id"]
        assert provider_for_host(host) == ("vonage", "")  # HAR / journal routing by host
    assert provider_for_host("api.nexmo.com") == ("vonage", "")
    assert provider_for_host("rest.nexmo.com") is None


def test_store_meta_params_is_accepted_with_a_warning(vonage, client) -> None:
    item = demo_items(vonage)[0]
    response = client.put(f"/v3/media/{item['id']}/info", json={"title": "x", "store_meta_params": {"a": "b"}})
    assert response.status_code == 204, response.text
    assert _codes(vonage, f"/v3/media/{item['id']}/info") == {"store-meta-params-ignored"}
    assert client.get(f"/v3/media/{item['id']}/info").json()["title"] == "x"
    assert "store_meta_params" not in client.get(f"/v3/media/{item['id']}/info").json()


def test_query_string_credentials_are_accepted_with_a_warning(vonage, anonymous, basic) -> None:
    api_key, api_secret = basic
    response = anonymous.get("/v3/media", params={"api_key": api_key, "api_secret": api_secret})
    assert response.status_code == 200, response.text
    [warning] = vonage.journal.last(path="/v3/media").warnings
    assert warning["code"] == "query-credentials" and warning["source"] == "doc"
    assert_error(anonymous.get("/v3/media", params={"api_key": api_key, "api_secret": "wrong"}), 401, "unauthorized")
    assert_error(anonymous.get("/v3/media", params={"api_key": api_key}), 401, "unauthorized")
    # Still one credential at a time.
    assert_error(anonymous.get("/v3/media", params={"api_key": api_key, "api_secret": api_secret}, auth=basic), 401, "unauthorized")


def test_every_upload_exchange_warns_that_the_live_api_disabled_upload(vonage, client, anonymous) -> None:
    assert client.post("/v3/media", files={"filedata": ("a.wav", WAV)}).status_code == 201
    assert UPLOAD_WARNING in _codes(vonage, "/v3/media", "POST")
    assert_error(client.post("/v3/media", data={"info": "{}"}), 400)
    assert UPLOAD_WARNING in _codes(vonage, "/v3/media", "POST")
    assert_error(anonymous.post("/v3/media", files={"filedata": ("a.wav", WAV)}), 401)
    assert UPLOAD_WARNING in _codes(vonage, "/v3/media", "POST")
    # Other endpoints carry no such warning.
    assert client.get("/v3/media").status_code == 200
    assert _codes(vonage, "/v3/media", "GET") == set()


def test_jwt_lifetime_rules(vonage, anonymous) -> None:
    """Vonage support: at most 24 h after iat; no exp -> 15 minutes; neither -> refused."""
    vonage.clock.freeze()
    bearer = {"Authorization": f"Bearer {vonage.state.mint_token(lifetime=24 * 3600)}"}
    assert anonymous.get("/v3/media", headers=bearer).status_code == 200
    too_long = vonage.state.mint_token(lifetime=24 * 3600 + 1)
    assert_error(anonymous.get("/v3/media", headers={"Authorization": f"Bearer {too_long}"}), 401, "unauthorized")
    neither = vonage.state.mint_token(lifetime=None, iat=None)
    assert_error(anonymous.get("/v3/media", headers={"Authorization": f"Bearer {neither}"}), 401, "unauthorized")


def test_errors_are_problem_json_and_the_contracts_say_so(vonage, anonymous) -> None:
    response = anonymous.get("/v3/media")
    assert response.headers["Content-Type"] == "application/problem+json"
    spec = anonymous.get("/__admin/openapi.json").json()
    for operations in spec["paths"].values():
        for operation in operations.values():
            assert list(operation["responses"]["default"]["content"]) == ["application/problem+json"]
