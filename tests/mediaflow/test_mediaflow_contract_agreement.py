"""Contracts and emulator agree (issue 12): what the contracts call valid is accepted, and what they
call invalid is refused, or accepted with a fidelity warning on the journal entry.

Each case here was a finding of the Schemathesis run (tests/property/test_fuzz.py); docs/mediaflow.md
says which way each was settled and why.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from mediaflow_helpers import MediaflowClient

from mockservers.core.contracts import contract_set
from mockservers.core.emulator import Emulator
from mockservers.core.openapi import openapi_copy
from mockservers.mediaflow.routes import _FILENAME
from mockservers.mediaflow.usage import DATE_PATTERN, parse_date
from mockservers.mediaflow.walk import authenticate

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "mediaflow"
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _schema(name: str) -> dict[str, Any]:
    return json.loads((CONTRACTS / name).read_text())


def _valid(schema_file: str, value: Any) -> bool:
    return contract_set("mediaflow").check(schema_file, value, "test", "request") == []


def _codes(emulator: Emulator) -> list[str]:
    return [w["code"] for w in emulator.journal.entries()[-1].warnings]


def _first_file(emulator: Emulator) -> int:
    user = emulator.state.user_by_key("demo")
    return next(f["id"] for f in emulator.state.files(user, processed=True, kinds=["image"]))


# -- path ids ------------------------------------------------------------------------------------
def test_the_openapi_document_states_that_path_ids_are_64_bit_integers() -> None:
    document = openapi_copy("mediaflow")
    pathid = document["components"]["schemas"]["common"]["$defs"]["pathId"]
    assert (pathid["type"], pathid["minimum"], pathid["maximum"]) == ("integer", INT64_MIN, INT64_MAX)
    seen = {}
    for item in document["paths"].values():
        for operation in item.values():
            for parameter in operation["parameters"]:
                if parameter["in"] == "path" and parameter["name"] in ("file_id", "folder_id", "format_id"):
                    seen[parameter["name"]] = parameter["schema"]
    assert seen == {name: {"$ref": "#/components/schemas/common/$defs/pathId"} for name in ("file_id", "folder_id", "format_id")}
    # The other path parameters stay text.
    upload = document["paths"]["/up/{token}"]["put"]["parameters"][0]
    assert upload["schema"] == {"type": "string", "minLength": 1}


@pytest.mark.parametrize("path", ["/1/file/{}", "/1/files/{}/downloads", "/1/folders/{}", "/1/folders/{}/files", "/1/file/{}/usage"])
def test_every_64_bit_id_is_accepted_and_others_are_400(mediaflow_client: MediaflowClient, path: str) -> None:
    for good in (INT64_MIN, -17, 0, INT64_MAX):
        response = mediaflow_client.get(path.format(good))
        assert response.status_code == 200 and response.json() == [], (good, response.text)
    for bad in (INT64_MAX + 1, INT64_MIN - 1, "1.5", "abc", "9" * 5000):
        response = mediaflow_client.get(path.format(bad))
        assert response.status_code == 400, (bad, response.text)
        assert "must be an integer (64-bit, may be negative)" in response.json()["error"]
        assert len(response.json()["error"]) < 200  # a long id is cut in the message


def test_a_format_id_is_an_integer_too(mediaflow, mediaflow_client: MediaflowClient) -> None:
    file_id = _first_file(mediaflow)
    assert mediaflow_client.get(f"/1/files/{file_id}/downloads/{INT64_MAX}").status_code == 404
    assert mediaflow_client.get(f"/1/files/{file_id}/downloads/x").status_code == 400


# -- the session's login and broken Authorization headers ---------------------------------------
def test_authenticate_leaves_a_header_of_another_form_as_it_is(mediaflow) -> None:
    session = requests.Session()
    assert authenticate(session, mediaflow.base_url, mediaflow.credentials).status_code == 200
    url = mediaflow.base_url + "/1/folders"
    assert session.get(url, timeout=10).status_code == 200  # no header: the login is sent
    assert session.get(url, headers={"Authorization": "Bearer made-up"}, timeout=10).status_code == 200  # Bearer: the login
    for broken in ("", "e}|z", "Basic eDp5"):
        assert session.get(url, headers={"Authorization": broken}, timeout=10).status_code == 401, broken


def test_a_bearer_token_and_a_different_access_token_are_warned_about(mediaflow, mediaflow_client: MediaflowClient) -> None:
    token = mediaflow_client.headers["Authorization"].split(" ", 1)[1]
    assert mediaflow_client.get("/1/folders", params={"access_token": token}).status_code == 200
    assert _codes(mediaflow) == []
    for other in ("", "not-a-token"):
        assert mediaflow_client.get("/1/folders", params={"access_token": other}).status_code == 200  # Bearer wins
        assert _codes(mediaflow) == ["token-twice"]
    mediaflow.journal.clear()  # sent on purpose (access_token='')


# -- the query of the lists ----------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/1/folders", "/1/foldertree", "/1/format", "/1/file/latest"])
def test_an_undocumented_or_repeated_query_parameter_is_accepted_with_a_warning(mediaflow, mediaflow_client, path: str) -> None:
    plain = mediaflow_client.get(path)
    odd = mediaflow_client.get(path, params={"mockservers_odd": "1"})
    assert odd.status_code == plain.status_code == 200 and odd.content == plain.content
    assert _codes(mediaflow) == ["unknown-parameter"] and "mockservers_odd" in mediaflow.journal.entries()[-1].warnings[0]["message"]
    assert mediaflow_client.get(path, params=[("access_token", "x"), ("access_token", "y")]).status_code == 200
    assert "repeated-parameter" in _codes(mediaflow)


def test_documented_list_parameters_give_no_warning(mediaflow, mediaflow_client) -> None:
    params = {"processed": "true", "page": "1", "per_page": "4", "type": "image", "fields": "id,name"}
    assert mediaflow_client.get("/1/file/latest", params=params).status_code == 200
    assert _codes(mediaflow) == []


@pytest.mark.parametrize(
    ("params", "reading"),
    [
        ({"processed": "yes"}, "processed='yes'"),
        ({"processed": " true"}, "processed=' true'"),
        ({"type": "IMAGE"}, "type='IMAGE'"),
        ({"type": "image, video"}, "type='image, video'"),
        ({"type": ""}, "type=''"),
        ({"page": ""}, "page is blank"),
        ({"per_page": ""}, "per_page is blank"),
        ({"fields": ""}, "fields is blank"),
    ],
)
def test_other_spellings_the_contract_does_not_name_are_read_with_a_warning(mediaflow, mediaflow_client, params, reading) -> None:
    assert not _valid("file-list.query.json", params)
    assert mediaflow_client.get("/1/file/latest", params=params).status_code == 200
    warnings = mediaflow.journal.entries()[-1].warnings
    assert [w["code"] for w in warnings] == ["loose-parameter"] and reading in warnings[0]["message"]
    mediaflow.journal.clear()  # sent on purpose: the teardown's contract check would flag it


@pytest.mark.parametrize(
    ("name", "value", "accepted"),
    [
        ("page", "1", True), ("page", "0001", True), ("page", "1000000", True), ("page", "1000001", False),
        ("page", "0", False), ("page", "30164213279", False), ("per_page", "500", True), ("per_page", "501", False),
        ("per_page", "0", False), ("per_page", "99", True), ("per_page", "-1", False),
    ],
)
def test_page_limits_are_the_same_in_the_contract_and_the_emulator(mediaflow_client, name, value, accepted) -> None:
    assert _valid("file-list.query.json", {name: value}) is accepted
    assert mediaflow_client.get("/1/file/latest", params={name: value}).status_code == (200 if accepted else 400)


def test_a_very_long_number_is_a_400_not_a_500(mediaflow_client, mediaflow) -> None:
    huge = "0" * 5000 + "1"
    assert mediaflow_client.get("/1/file/latest", params={"page": huge}).status_code == 200  # leading zeros: 1
    for params in ({"page": "9" * 5000}, {"per_page": "9" * 5000}):
        response = mediaflow_client.get("/1/file/latest", params=params)
        assert response.status_code == 400 and len(response.json()["error"]) < 200
    body = {"id": [_first_file(mediaflow)], "types": ["print"], "amount": "9" * 5000}
    assert mediaflow_client.post("/1/files/multiple/usages", json=body).status_code == 400
    announce = {"filename": "x.jpg", "filesize": "9" * 5000, "toFolder": mediaflow.credentials["upload_folder_id"]}
    assert mediaflow_client.post("/1/file", json=announce).status_code == 400


# -- the token call ------------------------------------------------------------------------------
def test_the_get_token_contract_requires_the_client_keys_the_seed_sends(mediaflow) -> None:
    creds = mediaflow.credentials
    seed = {"grant_type": "refresh_token", "client_id": creds["client_id"], "client_secret": creds["client_secret"],
            "refresh_token": creds["refresh_token"]}
    assert _valid("token.query.json", seed)
    assert not _valid("token.query.json", {k: v for k, v in seed.items() if k != "client_id"})
    assert not _valid("token.query.json", {k: v for k, v in seed.items() if k != "client_secret"})
    # The POST form may carry them in HTTP Basic instead: its body contract does not require them.
    assert _valid("token.request.json", {"grant_type": "password", "username": "u", "password": "p"})


def test_client_keys_in_basic_on_a_get_are_accepted_with_a_warning(mediaflow) -> None:
    creds = mediaflow.credentials
    url = mediaflow.base_url + "/1/oauth2/token"
    response = requests.get(url, params={"grant_type": "refresh_token", "refresh_token": creds["refresh_token"]},
                            auth=(creds["client_id"], creds["client_secret"]), timeout=10)
    assert response.status_code == 200 and _codes(mediaflow) == ["basic-on-get"]
    posted = requests.post(url, data={"grant_type": "refresh_token", "refresh_token": creds["refresh_token"]},
                           auth=(creds["client_id"], creds["client_secret"]), timeout=10)
    assert posted.status_code == 200 and _codes(mediaflow) == []  # the documented form
    mediaflow.journal.clear()  # the GET was sent on purpose


def test_a_json_token_body_with_a_value_that_is_not_text_is_warned_about(mediaflow) -> None:
    creds = mediaflow.credentials
    body = {"grant_type": "refresh_token", "client_id": creds["client_id"], "client_secret": creds["client_secret"],
            "refresh_token": creds["refresh_token"], "extra": 5}
    assert not _valid("token.request.json", body)
    assert requests.post(mediaflow.base_url + "/1/oauth2/token", json=body, timeout=10).status_code == 200
    assert "not-a-string" in _codes(mediaflow)
    mediaflow.journal.clear()  # sent on purpose


def test_the_openapi_document_names_the_oauth2_token_url() -> None:
    scheme = openapi_copy("mediaflow")["components"]["securitySchemes"]["mediaflowOAuth"]
    assert scheme["type"] == "oauth2"
    assert {flow["tokenUrl"] for flow in scheme["flows"].values()} == {"/1/oauth2/token"}


# -- POST /1/file --------------------------------------------------------------------------------
def test_a_float_valued_integer_is_read_as_the_integer_with_a_warning(mediaflow, mediaflow_client) -> None:
    folder = mediaflow.credentials["upload_folder_id"]
    body = {"filename": "x.jpg", "filesize": 214.0, "toFolder": float(folder)}
    assert _valid("create-upload.request.json", body)  # JSON Schema: 214.0 is an integer
    response = mediaflow_client.post("/1/file", json=body)
    assert response.status_code == 200, response.text
    assert _codes(mediaflow) == ["float-integer", "float-integer"]  # filesize and toFolder
    slot = mediaflow.state.db["uploads"][response.json()["uploadURL"].rsplit("/", 1)[1]]
    assert slot["filesize"] == 214 and type(slot["filesize"]) is int
    refused = mediaflow_client.post("/1/file", json={"filename": "x.jpg", "filesize": 214.5, "toFolder": folder})
    assert refused.status_code == 400 and "filesize must be" in refused.json()["error"]


def test_digit_strings_in_json_are_warned_about_and_form_fields_are_not(mediaflow, mediaflow_client) -> None:
    folder = mediaflow.credentials["upload_folder_id"]
    body = {"filename": "x.jpg", "filesize": "10", "toFolder": str(folder)}
    assert not _valid("create-upload.request.json", body)
    assert mediaflow_client.post("/1/file", json=body).status_code == 200
    assert _codes(mediaflow) == ["string-number", "string-number"]  # filesize and toFolder
    assert mediaflow_client.post("/1/file", data=body).status_code == 200
    assert _codes(mediaflow) == []
    mediaflow.journal.clear()  # the JSON strings were sent on purpose


@pytest.mark.parametrize(
    ("field", "value", "status"),
    [
        ("toFolder", -5, 404), ("toFolder", 0, 400), ("toFolder", INT64_MAX + 1, 400), ("toFolder", INT64_MIN, 404),
        ("filesize", 53687091200, 200), ("filesize", 53687091201, 400), ("filesize", 0, 400),
        ("filename", "a.jpg", 200), ("filename", ".", 400), ("filename", " . ", 400), ("filename", "\x1f", 400),
        ("filename", "\ufeff", 400), ("filename", "a/b.jpg", 400), ("filename", "x" * 256, 400), ("filename", ".hidden", 200),
    ],
)
def test_announce_rules_are_the_same_in_the_contract_and_the_emulator(mediaflow, mediaflow_client, field, value, status) -> None:
    body = {"filename": "x.jpg", "filesize": 5, "toFolder": mediaflow.credentials["upload_folder_id"], field: value}
    assert _valid("create-upload.request.json", body) is (status != 400)
    assert mediaflow_client.post("/1/file", json=body).status_code == status


def test_the_filename_pattern_is_the_emulators() -> None:
    assert _schema("create-upload.request.json")["properties"]["filename"]["pattern"] == f"^{_FILENAME.pattern}$"


# -- usage reports -------------------------------------------------------------------------------
def test_the_date_pattern_is_the_emulators() -> None:
    for name in ("report-usage.request.json", "report-usages.request.json"):
        assert _schema(name)["properties"]["date"]["pattern"] == DATE_PATTERN


@settings(max_examples=300, deadline=None, database=None)
@given(st.from_regex(DATE_PATTERN, fullmatch=True))
def test_every_date_the_contract_calls_valid_is_accepted(raw: str) -> None:
    assert parse_date(raw, "2026-01-01")


@pytest.mark.parametrize("raw", ["2026-02-29", "2023-02-29", "1900-02-29", "0000-01-01", "2026-04-31", "2026-13-01",
                                 "2026-01-05T24:00", "2026-01-05T09:60", "2026-01-05T09:30:61", "2026-01-05T09:30+24:00"])
def test_impossible_dates_are_invalid_in_the_contract_and_refused(mediaflow, mediaflow_client, raw: str) -> None:
    body = {"types": ["print"], "date": raw}
    assert not _valid("report-usage.request.json", body)
    response = mediaflow_client.post(f"/1/file/{_first_file(mediaflow)}/usage", json=body)
    assert response.status_code == 400 and "date must be" in response.json()["error"]


def test_leap_days_are_valid(mediaflow, mediaflow_client) -> None:
    for raw in ("2024-02-29", "2000-02-29 10:00:00"):
        assert _valid("report-usage.request.json", {"types": ["print"], "date": raw})
        assert mediaflow_client.post(f"/1/file/{_first_file(mediaflow)}/usage", json={"types": ["print"], "date": raw}).status_code == 200


def test_blank_free_text_is_accepted_and_null_is_read_as_absent_with_a_warning(mediaflow, mediaflow_client) -> None:
    path = f"/1/file/{_first_file(mediaflow)}/usage"
    blank = {"types": ["print"], "contact": "", "project": "", "description": ""}
    assert _valid("report-usage.request.json", blank)
    answer = mediaflow_client.post(path, json=blank)
    assert answer.status_code == 200 and answer.json()["contact"] == "" and _codes(mediaflow) == []
    nulls = {"types": ["web"], "contact": None, "amount": None, "web": {"page": "https://a.example/", "pageName": None}}
    assert not _valid("report-usage.request.json", nulls)
    answer = mediaflow_client.post(path, json=nulls)
    assert answer.status_code == 200 and answer.json()["contact"] is None
    assert _codes(mediaflow) == ["null-field", "null-field", "null-field"]
    mediaflow.journal.clear()  # the nulls were sent on purpose


@pytest.mark.parametrize(
    ("patch", "status"),
    [
        ({"amount": 1000000000}, 200), ({"amount": 1000000001}, 400), ({"amount": "1000000000"}, 200),
        ({"amount": "1000000001"}, 400), ({"amount": "0001"}, 200),
        ({"types": ["\x1f"]}, 400), ({"types": ["\ufeff"]}, 400), ({"types": [" x "]}, 200),
        ({"web": {"page": "http://a.example/\x1f"}}, 400), ({"web": {"page": "http://a.example/" + "p" * 2000}}, 400),
        ({"web": {"page": "http://a.example/ä"}}, 200),
    ],
)
def test_usage_rules_are_the_same_in_the_contract_and_the_emulator(mediaflow, mediaflow_client, patch, status) -> None:
    body = {"types": ["web"], "web": {"page": "https://a.example/"}, **patch}
    assert _valid("report-usage.request.json", body) is (status == 200)
    assert _valid("report-usages.request.json", {**body, "id": [1]}) is (status == 200)
    assert mediaflow_client.post(f"/1/file/{_first_file(mediaflow)}/usage", json=body).status_code == status


def test_float_valued_numbers_in_a_usage_report_are_read_with_a_warning(mediaflow, mediaflow_client) -> None:
    body = {"id": [float(_first_file(mediaflow))], "types": ["print"], "amount": 2.0}
    answer = mediaflow_client.post("/1/files/multiple/usages", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()[0]["amount"] == 2 and answer.json()[0]["fileId"] == _first_file(mediaflow)
    assert _codes(mediaflow) == ["float-integer", "float-integer"]  # amount and the id
