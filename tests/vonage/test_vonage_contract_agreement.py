"""Contracts and emulator agree (issue 12): what the contracts call valid is accepted, what they call invalid is
refused or accepted with a fidelity warning. Each case is a request the schema fuzz run found, or its kin."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from vonage_helpers import assert_error, demo_items

from mockservers.core.contracts import contract_set
from mockservers.vonage.walk import authenticate


def _codes(vonage) -> list[str]:
    return [w["code"] for w in vonage.journal.last().warnings]


def _query_valid(params: dict[str, str]) -> bool:
    return not contract_set("vonage").check_request("GET", "/v3/media", None, params)


def _body_valid(method: str, path: str, body: Any) -> bool:
    return not contract_set("vonage").check_request(method, path, body)


WIDE = {"start_time": "2000-01-01T00:00:00.000Z"}


@pytest.fixture
def on_purpose(vonage):
    """For tests that send what the contracts call invalid on purpose: the plugin's check of accepted requests
    would flag exactly what the test asserts, so the journal is emptied once the test has looked at it."""
    yield
    vonage.journal.clear()


# -- GET /v3/media ------------------------------------------------------------------
@pytest.mark.parametrize(
    "start",
    [
        "2020-01-01T14:00:00.000Z",  # the docs' form
        "2020-01-01T16:00:00+02:00",
        "2020-01-01t14:00:00.123456789z",  # RFC 3339 allows lower case t/z and any precision
        "0001-01-01T00:00:00+23:59",  # before year 1 in UTC: must not overflow
        "9999-12-31T23:59:59-23:59",  # after year 9999 in UTC
    ],
)
def test_every_rfc3339_start_time_is_read_without_a_warning(vonage, client, start) -> None:
    assert _query_valid({"start_time": start})
    response = client.get("/v3/media", params={"start_time": start})
    assert response.status_code in (200, 404), response.text  # 404: nothing in the window (docs)
    assert _codes(vonage) == []


def test_a_far_past_start_time_lists_everything(vonage, client) -> None:
    body = client.get("/v3/media", params={"start_time": "0001-01-01T00:00:00+23:59", "page_size": "1"}).json()
    assert body["count"] == len(demo_items(vonage))


@pytest.mark.parametrize("start", ["2020-01-01", "2020-01-01T14:00:00", "20200101T140000Z", " 2020-01-01T14:00:00Z"])
def test_other_iso8601_times_are_accepted_with_a_warning(vonage, client, start, on_purpose) -> None:
    assert not _query_valid({"start_time": start})
    response = client.get("/v3/media", params={"start_time": start})
    assert response.status_code == 200, response.text
    assert _codes(vonage) == ["timestamp-form"]


@pytest.mark.parametrize("value", ["±\x80¯", "0", "2024-01-01T12:99:00Z"])
def test_an_unreadable_time_is_a_400_and_invalid_by_contract(client, value) -> None:
    # The pattern cannot see ranges (minute 99): that is the OpenAPI document's format: date-time, which
    # Schemathesis checks; the project's validator checks the pattern.
    if ":99:" not in value:
        assert not _query_valid({"end_time": value})
    assert "end_time" in assert_error(client.get("/v3/media", params={"end_time": value}), 400, "invalid-params")["detail"]


@pytest.mark.parametrize("name", ["order", "page_index", "page_size", "start_time", "end_time"])
def test_a_blank_parameter_is_its_default_with_a_warning(vonage, client, name, on_purpose) -> None:
    assert not _query_valid({name: ""})
    plain = client.get("/v3/media").json()
    blank = client.get("/v3/media", params={name: ""})
    assert blank.status_code == 200
    assert blank.json()["count"] == plain["count"] and blank.json()["page_size"] == plain["page_size"]
    assert _codes(vonage) == ["blank-parameter"]


@pytest.mark.parametrize(
    ("params", "valid", "outcome"),
    [
        ({"page_index": "1000000"}, True, 200),
        ({"page_index": "1000001"}, False, 400),
        ({"page_index": "99285870"}, False, 400),  # the fuzz run's case: the limit is in the contract now
        ({"page_size": "1000"}, True, 200),
        ({"page_size": "1001"}, False, 400),
        ({"page_index": "007"}, False, "non-canonical-value"),
        ({"page_size": " 5"}, False, "non-canonical-value"),
        ({"order": "ASCENDING"}, False, "non-canonical-value"),
        ({"order": "ascending"}, True, 200),
    ],
)
def test_page_and_order_limits_are_the_contracts(vonage, client, params, valid, outcome, on_purpose) -> None:
    assert _query_valid({**WIDE, **params}) is valid
    response = client.get("/v3/media", params={**WIDE, **params})
    if outcome == 400:
        assert_error(response, 400, "invalid-params")
    elif outcome == 200:
        assert response.status_code == 200 and _codes(vonage) == []
    else:
        assert response.status_code == 200 and _codes(vonage) == [outcome]


def test_undocumented_and_ignored_list_parameters_carry_warnings(vonage, client, on_purpose) -> None:
    own = vonage.credentials["api_key"]
    assert client.get("/v3/media", params={"account_id": own}).status_code == 200
    assert _codes(vonage) == []  # the answer's own links carry it
    assert client.get("/v3/media", params={"account_id": "zzzz9999"}).status_code == 200
    assert _codes(vonage) == ["account-id-ignored"]
    assert client.get("/v3/media", params={"public": "true"}).status_code == 200
    assert _codes(vonage) == ["public-filter-ignored"]
    assert client.get("/v3/media", params={"": "true"}).status_code == 200
    assert not _query_valid({"": "true"})
    assert _codes(vonage) == ["unknown-parameter"]


def test_jwt_token_is_a_documented_credential_on_every_route(vonage, anonymous) -> None:
    item = demo_items(vonage)[0]
    token = vonage.state.mint_token()
    assert anonymous.get(f"/v3/media/{item['id']}/info", params={"jwt-token": token}).status_code == 200
    assert _codes(vonage) == []  # was: unknown-parameter "ignored here", for the credential it used
    assert anonymous.get(f"/v3/media/{item['id']}/info", params={"jwt-token": token, "zz": "1"}).status_code == 200
    assert _codes(vonage) == ["unknown-parameter"]


# -- updates ----------------------------------------------------------------------------
ROUTES = [("PUT", "/v3/media/{id}/info"), ("POST", "/v3/media/{id}/info"), ("PUT", "/v3/media/{id}")]


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_an_unknown_field_is_invalid_by_contract_and_refused(vonage, client, method, route) -> None:
    path = route.format(id=demo_items(vonage)[0]["id"])
    body = {"1/0": True, "title": "x"}  # the fuzz run's case
    assert not _body_valid(method, path, body)
    assert "1/0" in assert_error(client.request(method, path, json=body), 400, "invalid-params")["detail"]


@pytest.mark.parametrize(
    ("body", "valid", "codes"),
    [
        ({"public": True, "max_downloads_allowed": 100}, True, []),
        ({"max_downloads_allowed": 100.0}, True, []),  # the integer 100 in JSON
        ({"max_downloads_allowed": 2147483647}, True, []),
        ({"max_downloads_allowed": None, "title": None}, True, []),
        ({"public": "true"}, True, ["json-string-value"]),  # a form value in JSON: read, said
        ({"max_downloads_allowed": "12"}, True, ["json-string-value"]),
        ({"public": "yes"}, False, ["json-string-value", "non-canonical-value"]),
        ({"max_downloads_allowed": "007"}, False, ["json-string-value", "non-canonical-value"]),
        ({"mime_type": " audio/wav "}, False, ["non-canonical-value"]),
        ({"mime_type": None, "title": "t"}, False, ["null-mime-type"]),
        ({"etag": "x", "id": "y"}, True, ["nothing-settable"]),  # read-only fields only: nothing changes
    ],
)
def test_accepted_updates_warn_exactly_where_the_contract_disagrees(vonage, client, body, valid, codes, on_purpose) -> None:
    item = demo_items(vonage)[0]
    path = f"/v3/media/{item['id']}/info"
    assert _body_valid("PUT", path, body) is valid
    response = client.put(path, json=body)
    assert response.status_code == 204, response.text
    assert _codes(vonage) == codes
    assert bool(codes) or valid  # an invalid body accepted always says so


def test_an_update_of_read_only_fields_changes_nothing(vonage, client) -> None:
    item = demo_items(vonage)[0]
    before = client.get(f"/v3/media/{item['id']}/info").json()
    assert client.put(f"/v3/media/{item['id']}", json={"times_downloaded": 99}).status_code == 204
    assert client.get(f"/v3/media/{item['id']}/info").json() == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"max_downloads_allowed": -3695},  # the fuzz run's case
        {"max_downloads_allowed": 2147483648},  # int32 (Nexmo's docs)
        {"max_downloads_allowed": ""},
        {"max_downloads_allowed": "9" * 5000},  # no int() blow-up
        {"public": "at"},
        {"public": ""},
        {"mime_type": "00000/FF\x10ąàc"},  # the fuzz run's case: RFC 6838 token characters only
        {"mime_type": "audio/ogg; codecs=opus"},
        {"metadata_primary": "x" * 1025},
    ],
)
def test_refused_updates_are_invalid_by_contract(vonage, client, body) -> None:
    path = f"/v3/media/{demo_items(vonage)[0]['id']}/info"
    assert not _body_valid("PUT", path, body)
    assert_error(client.put(path, json=body), 400)


# -- upload -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body",
    [
        {},  # the fuzz run's case: no file, no url
        {"max_downloads_allowed": None},
        {"url": "https://0.com/a.wav"},  # the emulator fetches from loopback only
        {"url": "http://127.0.0.1:8000/a.wav", "e5srpu": None},  # closed properties
        {"url": "http://127.0.0.1:8000/a.wav", "filename": "  "},
        {"url": "http://127.0.0.1:8000/a.wav", "info": {"colour": "red"}},
    ],
)
def test_refused_json_uploads_are_invalid_by_contract(client, body) -> None:
    assert not _body_valid("POST", "/v3/media", body)
    assert_error(client.post("/v3/media", json=body), 400, "invalid-params")


def test_a_valid_json_upload_whose_url_serves_nothing_is_404(vonage, client) -> None:
    body = {"url": "http://127.0.0.1:1/greeting.wav", "info": {"public": True, "metadata_primary": "greeting"}}
    assert _body_valid("POST", "/v3/media", body)
    assert_error(client.post("/v3/media", json=body), 404, "not-found")


def test_info_as_json_text_in_a_json_upload_is_read_with_a_warning(vonage, client, audio_server, on_purpose) -> None:
    body = {"url": f"{audio_server}/greeting.wav", "info": '{"title": "as text"}'}
    assert not _body_valid("POST", "/v3/media", body)
    response = client.post("/v3/media", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["title"] == "as text"
    assert set(_codes(vonage)) == {"upload-disabled-live", "info-not-an-object"}


# -- the walk's session --------------------------------------------------------------------
def test_a_request_s_own_credential_replaces_the_sessions(vonage) -> None:
    """The fuzz run sends broken credentials through the logged-in session: the emulator must see them."""
    session = requests.Session()
    authenticate(session, vonage.base_url, vonage.credentials)
    assert session.get(vonage.base_url + "/v3/media", timeout=10).status_code == 200
    assert_error(session.get(vonage.base_url + "/v3/media", headers={"Authorization": "^7"}, timeout=10), 401, "unauthorized")
    assert_error(session.get(vonage.base_url + "/v3/media", params={"jwt-token": "x"}, timeout=10), 401, "unauthorized")
    basic = requests.Session()
    authenticate(basic, vonage.base_url, {"api_key": vonage.credentials["api_key"], "api_secret": vonage.credentials["api_secret"]})
    assert basic.get(vonage.base_url + "/v3/media", timeout=10).status_code == 200


def test_a_lone_surrogate_in_a_json_filename_still_downloads(vonage, client, audio_server) -> None:
    """JSON can carry "\\ud800", which no header can: the download answered 500 before."""
    body = json.dumps({"url": f"{audio_server}/greeting.wav", "filename": "a\ud800b.wav"})
    created = client.post("/v3/media", data=body, headers={"Content-Type": "application/json"})
    assert created.status_code == 201, created.text
    download = client.get(f"/v3/media/{created.json()['id']}")
    assert download.status_code == 200
    assert "filename*=UTF-8''a%EF%BF%BDb.wav" in download.headers["Content-Disposition"]


def test_headers_too_large_is_a_vonage_error_with_its_own_type(vonage) -> None:
    """The HTTP server's own 431 comes in Vonage's shape; its type said internal-error before."""
    response = requests.get(vonage.base_url + "/v3/media", headers={"X-Big": "a" * 300_000}, timeout=10)
    assert_error(response, 431, "headers-too-large")
    assert response.json()["title"] == "Request Header Fields Too Large"
