"""Assets: create, get, update (the evidence's PUT /asset/ form), list/search with paging, delete, scoping."""

from __future__ import annotations

import json

import pytest
import requests
from mediabank_helpers import assert_error


def test_create_with_json_and_with_form(mb_client) -> None:
    created = mb_client.create_asset({"Title": "Evening news", "Tags": "news, evening"})
    assert created["status"] == "empty" and created["file"] is None and created["revision"] == 1
    assert created["metadata"] == {"Title": "Evening news", "Tags": "news, evening", "FileStatus": "empty"}
    assert isinstance(created["id"], int) and str(created["id"]).endswith("004")
    form = mb_client.post("/asset/", data={"metadata": json.dumps({"Title": "Form made"}), "notify": "false"})
    assert form.status_code == 200, form.text
    assert form.json()["asset"]["metadata"] == {"Title": "Form made", "FileStatus": "empty"}
    assert form.json()["asset"]["id"] == created["id"] + 1000
    fetched = mb_client.get(f"/asset/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json()["asset"] == created


def test_update_with_the_evidence_form(mediabank, mb_client) -> None:
    asset = mb_client.create_asset({"Title": "Old", "Category": "News", "Keep": "yes"})
    mediabank.clock.advance(60)
    response = mb_client.put(
        "/asset/", data={"id": str(asset["id"]), "metadata": json.dumps({"Title": "New", "Category": None}), "notify": "1"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["notified"] is True
    updated = body["asset"]
    assert updated["metadata"] == {"Title": "New", "Keep": "yes", "FileStatus": "empty"}  # merged; null removes a key
    assert updated["revision"] == 2
    assert updated["updated_at"] > updated["created_at"]
    again = mb_client.put("/asset/", json={"id": asset["id"], "metadata": {"Extra": "1"}})
    assert again.json()["notified"] is False
    assert mb_client.get(f"/asset/{asset['id']}").json()["asset"]["metadata"] == {
        "Title": "New", "Keep": "yes", "Extra": "1", "FileStatus": "empty",
    }


def test_the_public_integrations_update_works_unchanged(mediabank, mb_client) -> None:
    """sugarfixx/AssetUpdater: PUT asset/ with form id, metadata (JSON text), notify 0, MAP-Application: library."""
    asset = mb_client.create_asset({"Title": "Match 1", "ExternalMatchId": "sr:match:1"})
    token = mb_client.headers["Authorization"]
    response = requests.put(
        f"{mediabank.base_url}/asset/",
        headers={"Authorization": token, "MAP-Application": "library"},
        data={"id": asset["id"], "metadata": json.dumps({"ExternalMatchId": ""}), "notify": 0},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    updated = response.json()["asset"]
    assert updated["metadata"]["ExternalMatchId"] == "" and updated["metadata"]["Title"] == "Match 1"
    assert updated["application"] == "library"
    entry = mediabank.journal.last(path="/asset/")
    assert entry.request_headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded")
    assert entry.warnings == []


def test_non_string_metadata_is_stored_as_text_with_a_warning(mediabank, mb_client) -> None:
    created = mb_client.create_asset({"Title": "Typed", "Duration": 30, "Tags": ["news", "sport"], "Live": True})
    assert created["metadata"] == {
        "Title": "Typed", "Duration": "30", "Tags": '["news","sport"]', "Live": "true", "FileStatus": "empty",
    }
    warnings = mediabank.journal.last(path="/asset/").warnings
    assert {w["code"] for w in warnings} == {"metadata-not-string"}
    assert len(warnings) == 3 and all(w["source"] == "inferred" for w in warnings)
    assert all(isinstance(v, str) for v in mb_client.get(f"/asset/{created['id']}").json()["asset"]["metadata"].values())
    with_null = mb_client.create_asset({"Title": "Nulls", "Gone": None})
    assert with_null["metadata"] == {"Title": "Nulls", "FileStatus": "empty"}
    assert [w["code"] for w in mediabank.journal.last(path="/asset/").warnings] == ["metadata-null-on-create"]


@pytest.mark.parametrize(
    ("method", "kwargs", "field"),
    [
        ("post", {"json": {}}, "metadata"),
        ("post", {"json": {"metadata": ["a"]}}, "metadata"),
        ("post", {"json": {"metadata": {"": 1}}}, "metadata"),
        ("post", {"data": {"metadata": "{not json"}}, "metadata"),
        ("post", {"data": {"metadata": "{}", "notify": "maybe"}}, "notify"),
        ("post", {"json": {"metadata": {}, "colour": "red"}}, "colour"),
        ("put", {"data": {"metadata": "{}"}}, "id"),
        ("put", {"data": {"id": "1", "metadata": "[1]"}}, "metadata"),
        ("put", {"json": {"id": "asset-7", "metadata": {}}}, "id"),
        ("put", {"json": {"id": True, "metadata": {}}}, "id"),
    ],
)
def test_bad_asset_input_is_a_400_naming_the_field(mb_client, method, kwargs, field) -> None:
    body = assert_error(getattr(mb_client, method)("/asset/", **kwargs), 400, "bad_request")
    assert field in body["description"]


def test_bad_input_changes_nothing(mb_client) -> None:
    asset = mb_client.create_asset({"Title": "Stable"})
    assert_error(mb_client.put("/asset/", data={"id": asset["id"], "metadata": "{\"title\": "}), 400)
    assert mb_client.get(f"/asset/{asset['id']}").json()["asset"] == asset


def test_list_pages_and_search(mb_client) -> None:
    everything = mb_client.get("/asset/", params={"per_page": 100}).json()
    total = everything["total"]
    assert total == len(everything["assets"]) == 8  # world.json: 2 listed + 6 generated for the demo company
    first = mb_client.get("/asset/", params={"page": 1, "per_page": 3}).json()
    last = mb_client.get("/asset/", params={"page": 3, "per_page": 3}).json()
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 3, total, 3)
    assert [a["id"] for a in first["assets"]] == [a["id"] for a in everything["assets"][:3]]
    assert [a["id"] for a in last["assets"]] == [a["id"] for a in everything["assets"][6:]]
    assert mb_client.get("/asset/", params={"page": 9}).json()["assets"] == []
    mb_client.create_asset({"Title": "Needle in the HAYSTACK"})
    found = mb_client.get("/asset/", params={"q": "haystack"}).json()
    assert [a["metadata"]["Title"] for a in found["assets"]] == ["Needle in the HAYSTACK"]
    assert found["total"] == 1
    newest = mb_client.get("/asset/", params={"per_page": 1}).json()["assets"][0]
    assert newest["metadata"]["Title"] == "Needle in the HAYSTACK"


@pytest.mark.parametrize("params", [{"page": "0"}, {"page": "x"}, {"per_page": "101"}, {"per_page": "-1"}, {"q": "q" * 257}])
def test_bad_paging_is_a_400(mb_client, params) -> None:
    assert_error(mb_client.get("/asset/", params=params), 400, "bad_request")


def test_delete(mb_client) -> None:
    asset = mb_client.create_asset()
    response = mb_client.delete(f"/asset/{asset['id']}")
    assert response.status_code == 200 and response.json() == {"deleted": True, "id": asset["id"]}
    assert_error(mb_client.get(f"/asset/{asset['id']}"), 404, "asset_not_found")
    assert_error(mb_client.delete(f"/asset/{asset['id']}"), 404, "asset_not_found")


def test_data_is_scoped_to_the_company(mb_client, make_mb_client) -> None:
    mine = mb_client.create_asset({"Title": "Demo company only"})
    other = make_mb_client("other@mediabank.example", "other-password")
    assert_error(other.get(f"/asset/{mine['id']}"), 404, "asset_not_found")
    assert_error(other.put("/asset/", data={"id": mine["id"], "metadata": "{}"}), 404)
    assert_error(other.delete(f"/asset/{mine['id']}"), 404)
    listed = other.get("/asset/", params={"per_page": 100}).json()["assets"]
    assert mine["id"] not in {a["id"] for a in listed}
    assert len({a["company_id"] for a in listed}) == 1
    assert listed[0]["company_id"] != mine["company_id"]
    assert mb_client.get(f"/asset/{mine['id']}").status_code == 200


def test_seeded_assets_are_deterministic(mediabank, mb_client) -> None:
    assets = mb_client.get("/asset/", params={"per_page": 100}).json()["assets"]
    with_file = [a for a in assets if a["file"]]
    assert {a["file"]["filename"] for a in with_file} == {"small.mov", "tone.wav"}
    wav = next(a for a in with_file if a["file"]["filename"] == "tone.wav")
    assert wav["file"]["media"]["video"] is None and wav["file"]["media"]["audio"]["channels"] >= 1
    assert wav["metadata"]["MimeTypeFull"] == wav["file"]["mime_type"] and "VideoWidth" not in wav["metadata"]
    mov = next(a for a in with_file if a["file"]["filename"] == "small.mov")
    assert mov["metadata"]["FileStatus"] == "ready"
    assert mov["metadata"]["VideoWidth"] == str(mov["file"]["media"]["video"]["width"])
    assert {a["metadata"]["FileStatus"] for a in assets if not a["file"]} == {"empty"}
    ids = [a["id"] for a in assets]
    assert all(isinstance(i, int) and i > 10_000_000_000 and i % 1000 == 4 for i in ids)
    titles = [a["metadata"]["Title"] for a in assets]
    mediabank.reset()
    mb_client.login()
    again = mb_client.get("/asset/", params={"per_page": 100}).json()["assets"]
    assert [a["metadata"]["Title"] for a in again] == titles and [a["id"] for a in again] == ids


def test_unknown_route_and_method_use_the_error_shape(mb_client) -> None:
    assert_error(mb_client.get("/assets/nope"), 404, "not_found")
    assert_error(mb_client.patch("/asset/"), 405, "method_not_allowed")
    assert_error(mb_client.post("/asset/", data=b"<x/>", headers={"Content-Type": "application/xml"}), 415)


def _scan_search(state, user, query) -> list[int]:
    """What search_assets answered before its index: filter every asset, sort newest first."""
    found = [a for a in state.db["assets"].values() if a["company_id"] == user["company_id"]]
    if query:
        needle = query.casefold()
        found = [a for a in found if any(needle in v.casefold() for v in a["metadata"].values())]
    return [a["id"] for a in sorted(found, key=lambda a: (-a["created"], -a["id"]))]


def test_search_from_the_index_equals_a_scan_before_and_after_writes(mediabank, mb_client) -> None:
    state = mediabank.state
    values = sorted({v for a in state.db["assets"].values() for v in a["metadata"].values()})
    needles = [None, "", "a", "Ne", "zzz", "HAYSTACK", "stack", "ß", "SS", "STRASSE", "asse"] + [v[1:5] for v in values] + [v[-3:] for v in values]

    def check() -> None:
        for key in ("demo", "other"):
            user = state.user_by_key(key)
            for needle in needles:
                assert [a["id"] for a in state.search_assets(user, needle)] == _scan_search(state, user, needle), (key, needle)

    check()
    made = mb_client.create_asset({"Title": "Needle in the HAYSTACK"})
    mediabank.clock.advance(5)
    mb_client.create_asset({"Title": "A second haystack", "Note": "Straße"})  # casefolds to "strasse"
    assets = state.db["assets"]
    first = next(iter(assets))
    assets[first]["metadata"]["Title"] = "Renamed in place: stacks"
    assets[first]["created"] += 10**6
    assert mb_client.delete(f"/asset/{made['id']}").status_code == 200
    check()
