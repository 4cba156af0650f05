"""Contracts and emulator agree (issue 12): what a contract calls valid is accepted, what it calls invalid
is refused with a 400 naming the field, or accepted with a fidelity warning. Each case is a fuzz finding.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mediabank_helpers import assert_error

from mockservers.core.contracts import contract_set
from mockservers.core.openapi import openapi_copy

CONTRACTS = contract_set("mediabank")
DEFS = CONTRACTS.schema("common.json")["$defs"]
OVER_HTTP = settings(
    max_examples=15, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)


def valid(schema_file: str, value: Any) -> bool:
    return CONTRACTS.validator(schema_file).is_valid(value)


def warnings(mediabank, path: str) -> list[str]:
    return [w["code"] for w in mediabank.journal.last(path=path).warnings]


# -- asset ids ----------------------------------------------------------------------
def test_a_float_valued_asset_id_is_taken_with_a_warning(mediabank, mb_client) -> None:
    """Fuzz: PUT /asset/ and POST /ingest/ refused 9803173.0, which JSON Schema counts as an integer."""
    asset = mb_client.create_asset({"Title": "Float id"})
    body = {"id": float(asset["id"]), "metadata": {"Title": "Still found"}}
    assert valid("update-asset.request.json", body)
    response = mb_client.put("/asset/", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["asset"]["id"] == asset["id"]
    assert warnings(mediabank, "/asset/") == ["asset-id-not-integer"]
    ingest = mb_client.post("/ingest/", json={"asset_id": 9803173.0, "key": "in/x.mov"})
    assert ingest.status_code == 200, ingest.text
    assert ingest.json()["ingest"]["asset_id"] == 9803173
    assert warnings(mediabank, "/ingest/") == ["asset-id-not-integer"]


@pytest.mark.parametrize("value", [2.5, -1, 10**20, 1e20, True, "1" * 21, "12a", "²", "١٢", " "])
def test_asset_ids_the_contract_refuses_are_a_400(mb_client, value: Any) -> None:
    body = {"id": value, "metadata": {}}
    assert not valid("update-asset.request.json", body)
    assert "id" in assert_error(mb_client.put("/asset/", json=body), 400, "bad_request")["description"]


@pytest.mark.parametrize("text", ["²", "١٢", "12a", "1" * 21])
def test_an_asset_id_in_the_path_that_is_not_ascii_digits_is_a_400(mb_client, text: str) -> None:
    """Fuzz: GET /asset/² answered 500 ("²".isdigit() is true, int("²") fails)."""
    assert not re.search(DEFS["assetIdText"]["pattern"], text)
    for method in ("get", "delete"):
        assert_error(getattr(mb_client, method)(f"/asset/{text}"), 400, "bad_request")


def test_blanks_around_an_asset_id_are_ignored_as_the_contract_says(mb_client) -> None:
    asset = mb_client.create_asset()
    text = f"\u3000{asset['id']}\x85"
    assert re.search(DEFS["assetIdText"]["pattern"], text)
    assert mb_client.get(f"/asset/{text}").json()["asset"]["id"] == asset["id"]
    assert mb_client.get("/ingest/", params={"asset_id": f" {asset['id']}\t"}).status_code == 200


def test_the_openapi_document_gives_the_path_id_its_pattern() -> None:
    """Fuzz: positive cases drew any string for /asset/{asset_id}; the emulator refused all but digits."""
    paths = openapi_copy("mediabank")["paths"]
    for method in ("get", "delete"):
        [parameter] = paths["/asset/{asset_id}"][method]["parameters"]
        assert parameter["schema"] == {"$ref": "#/components/schemas/common/$defs/assetIdText"}


# -- paging and queries -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "accepted"),
    [
        ({"page": "1000000"}, True),
        ({"page": "0005", "per_page": "0100"}, True),
        ({"page": "1000001"}, False),
        ({"page": "16806260869"}, False),
        ({"page": "0"}, False),
        ({"per_page": "101"}, False),
        ({"page": "+1"}, False),
        ({"page": "١"}, False),
    ],
)
def test_page_bounds_are_in_the_contract(mb_client, query: dict[str, str], accepted: bool) -> None:
    """Fuzz: page 16806260869 matched the contract and was refused (the emulator's maximum is 1000000)."""
    assert valid("list-assets.query.json", query) is accepted
    response = mb_client.get("/asset/", params=query)
    if accepted:
        assert response.status_code == 200, response.text
        assert response.json()["page"] == int(query["page"])
    else:
        assert_error(response, 400, "bad_request")


@pytest.mark.parametrize(("path", "name"), [("/asset/", "page"), ("/asset/", "q"), ("/ingest/", "asset_id")])
def test_a_parameter_given_twice_is_a_400(mb_client, path: str, name: str) -> None:
    body = assert_error(mb_client.get(path + f"?{name}=1&{name}=2"), 400, "bad_request")
    assert name in body["description"]


@pytest.mark.parametrize("path", ["/asset/", "/ingest/"])
def test_an_undocumented_query_parameter_is_ignored_with_a_warning(mediabank, mb_client, path: str) -> None:
    """Fuzz: GET /ingest/ with undeclared parameters answered 200 without a warning."""
    plain = mb_client.get(path)
    odd = mb_client.get(path, params={"colour": "red"})
    assert odd.status_code == plain.status_code == 200
    assert odd.json() == plain.json()
    entry = mediabank.journal.last(path=path)
    assert [w["code"] for w in entry.warnings] == ["unknown-parameter"] and "colour" in entry.warnings[0]["message"]
    assert mediabank.journal.entries(path=path)[-2].warnings == []


# -- metadata as JSON text ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ('{"Title":"Kamp 1","ExternalMatchId":""}', True),
        ('{"Tittel":"R\\u00e6kke","Url":"https:\\/\\/example.com\\/a","Emoji":"\\ud83d\\ude00"}', True),  # PHP json_encode
        (' {\n "Gone" : null , "Count": 3 } ', True),
        ("{}", True),
        ("", False),
        ("x", False),
        ("[1]", False),
        ('{"a":"b"}x', False),
        ('{" ":"blank key"}', False),
        ('{"a":"\\ud800"}', False),
    ],
)
def test_metadata_text_the_contract_calls_valid_is_accepted(mb_client, text: str, accepted: bool) -> None:
    """Fuzz: metadata "" and "x" matched the contract (any string of 2+ characters) and were refused."""
    body = {"metadata": text}
    assert valid("create-asset.request.json", body) is accepted
    response = mb_client.post("/asset/", json=body)
    if accepted:
        assert response.status_code == 200, response.text
        expected = {k: v if isinstance(v, str) else json.dumps(v) for k, v in json.loads(text).items() if v is not None}
        assert response.json()["asset"]["metadata"] == {**expected, "FileStatus": "empty"}
    else:
        assert "metadata" in assert_error(response, 400, "bad_request")["description"]


def test_nested_values_in_metadata_text_are_outside_the_pattern_and_warned(mediabank, mb_client) -> None:
    body = {"metadata": '{"Tags":["news","sport"]}'}
    assert not valid("create-asset.request.json", body)
    response = mb_client.post("/asset/", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["asset"]["metadata"]["Tags"] == '["news","sport"]'
    assert warnings(mediabank, "/asset/") == ["metadata-not-string"]
    mediabank.journal.clear()  # a deliberate contract-invalid request: not the teardown's business


@OVER_HTTP
@given(text=st.from_regex(DEFS["metadataText"]["pattern"], fullmatch=True))
def test_every_metadata_text_the_pattern_draws_is_accepted(mb_client, text: str) -> None:
    assert mb_client.post("/asset/", json={"metadata": text}).status_code == 200


def test_an_unpaired_surrogate_in_metadata_is_a_400(mb_client) -> None:
    """Fuzz: a metadata key written \\ud8c9 was stored and answered as invalid JSON (RFC 8259)."""
    for raw in ('{"metadata": {"Title": "\\udc00"}}', '{"metadata": {"\\ud800": "x"}}'):
        response = mb_client.post("/asset/", data=raw, headers={"Content-Type": "application/json"})
        assert "surrogate" in assert_error(response, 400, "bad_request")["description"]


def test_a_blank_metadata_key_is_invalid_by_contract_too(mb_client) -> None:
    body = {"metadata": {"\u2003": "x"}}
    assert not valid("create-asset.request.json", body)
    assert_error(mb_client.post("/asset/", json=body), 400, "bad_request")


# -- flags and strings ------------------------------------------------------------------------
@pytest.mark.parametrize("notify", [" TRUE ", "\tno\n", None, "", 1, False])
def test_notify_forms_the_contract_allows_are_accepted(mb_client, notify: Any) -> None:
    asset = mb_client.create_asset()
    body = {"id": asset["id"], "metadata": {}, "notify": notify}
    assert valid("update-asset.request.json", body)
    assert mb_client.put("/asset/", json=body).status_code == 200


def test_optional_ingest_fields_given_as_null_count_as_absent(mb_client) -> None:
    """Fuzz: storage_id, bucket and callback_url null were accepted while the contract said string only."""
    body = {"asset_id": 1, "key": "in/a.mov", "storage_id": None, "bucket": None, "callback_url": None}
    assert valid("create-ingest.request.json", body)
    ingest = mb_client.post("/ingest/", json=body)
    assert ingest.status_code == 200, ingest.text
    assert ingest.json()["ingest"]["callback_url"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"asset_id": 1, "key": " \u3000 "}, "key"),
        ({"asset_id": 1, "key": "a", "storage_id": "\t"}, "storage_id"),
        ({"asset_id": 1, "key": "a", "bucket": " "}, "bucket"),
    ],
)
def test_blank_or_broken_ingest_strings_are_invalid_by_contract_and_refused(mb_client, body: dict, field: str) -> None:
    assert not valid("create-ingest.request.json", body)
    assert field in assert_error(mb_client.post("/ingest/", json=body), 400, "bad_request")["description"]


@pytest.mark.parametrize("field", ["key", "callback_url"])
def test_an_unpaired_surrogate_in_a_stored_ingest_string_is_a_400(mb_client, field: str) -> None:
    """Outside what a pattern can say (see docs/mediabank.md): such text could not be answered as valid JSON."""
    body = {"asset_id": 1, "key": "in/a.mov", "callback_url": "http://127.0.0.1:9/cb"}
    body[field] += "\udc00"
    assert "surrogate" in assert_error(mb_client.post("/ingest/", json=body), 400, "bad_request")["description"]


@pytest.mark.parametrize(("body", "field"), [({"email": "a" * 321, "password": "p"}, "email"), ({"email": "a", "password": "p" * 1025}, "password")])
def test_login_field_lengths_are_in_the_contract(mediabank, body: dict, field: str) -> None:
    assert not valid("login.request.json", body)
    response = requests.post(f"{mediabank.base_url}/jwt/login", json=body, timeout=10)
    assert field in assert_error(response, 400)["description"]


# -- callback_url ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "valid_url", "loopback"),
    [
        ("http://127.0.0.1:8080/cb?x=1", True, True),
        ("HTTPS://localhost", True, True),
        ("http://hooks.localhost./a#f", True, True),
        ("http://[::1]:65535/", True, True),
        ("https://hooks.example.com/mediabank", True, False),
        ("http://user:pw@10.0.0.5:80/x", True, False),
        ("http://[oops/", False, False),
        ("http://localhost:65536/", False, False),
        ("http://", False, False),
        ("ftp://localhost/", False, False),
        ("http://localhost/a b", False, False),
        ("http://localhost/\x01", False, False),
        ("http://127.0.0.01/", True, False),  # a DNS-style name to the contract; not a loopback address
    ],
)
def test_callback_urls_contract_and_policy(mb_client, url: str, valid_url: bool, loopback: bool) -> None:
    """Fuzz: malformed URLs matched ^https?:// and were refused; non-loopback hosts are refused by policy."""
    body = {"asset_id": 1, "key": "in/a.mov", "callback_url": url}
    assert valid("create-ingest.request.json", body) is valid_url
    assert bool(re.search(DEFS["callbackUrlLoopback"]["pattern"], url)) is loopback
    response = mb_client.post("/ingest/", json=body)
    if loopback:
        assert response.status_code == 200, response.text
    else:
        description = assert_error(response, 400, "bad_request")["description"]
        assert "callback_url" in description
        if valid_url:
            assert "callback_allowed_hosts" in description  # the policy's refusal names its setting


def test_the_openapi_document_narrows_callback_url_to_the_sandbox_policy() -> None:
    body = openapi_copy("mediabank")["paths"]["/ingest/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["callback_url"] == {
        "anyOf": [{"$ref": "#/components/schemas/common/$defs/callbackUrlLoopback"}, {"type": "null"}],
    }
    assert body["required"] == CONTRACTS.schema("create-ingest.request.json")["required"]


@OVER_HTTP
@given(url=st.from_regex(DEFS["callbackUrlLoopback"]["pattern"], fullmatch=True).filter(lambda u: len(u) <= 2048))
def test_every_loopback_url_the_narrowed_pattern_draws_is_valid_and_accepted(mb_client, url: str) -> None:
    body = {"asset_id": 1, "key": "in/a.mov", "callback_url": url}
    assert valid("create-ingest.request.json", body)
    assert mb_client.post("/ingest/", json=body).status_code == 200
