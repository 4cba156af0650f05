"""Item info, updates (JSON, form, multipart; /{id}/info and /{id}), delete, wrong verbs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vonage_helpers import assert_error, demo_items

from mockservers.core.paths import fixtures_dir

AUDIO = fixtures_dir() / "vonage" / "audio"


@pytest.fixture
def item(vonage) -> dict:
    """A seeded demo item, newest first."""
    return demo_items(vonage)[0]


def test_get_info(vonage, client, item) -> None:
    body = client.get(f"/v3/media/{item['id']}/info").json()
    assert body["id"] == item["id"] and body["etag"] == item["etag"] and body["media_size"] == item["media_size"]
    assert body["account_id"] == vonage.credentials["api_key"] and body["store_id"] == "s3"
    assert body["time_created"].endswith("Z") and len(body["time_created"]) == 24


def test_unknown_item_is_404(client) -> None:
    assert_error(client.get("/v3/media/aaaaaaaa-bbbb-cccc-dddd-0123456789ab/info"), 404, "not-found")


UPDATES = {
    "json": lambda c, url: c.put(url, json={"public": True, "metadata_primary": "foo,bar", "max_downloads_allowed": 100, "title": "T"}),
    "form": lambda c, url: c.put(url, data={"public": "true", "metadata_primary": "foo,bar", "max_downloads_allowed": "100", "title": "T"}),
    "multipart": lambda c, url: c.put(
        url, files={k: (None, v) for k, v in {"public": "true", "metadata_primary": "foo,bar", "max_downloads_allowed": "100", "title": "T"}.items()}
    ),
}


@pytest.mark.parametrize("suffix", ["/info", ""])
@pytest.mark.parametrize("kind", sorted(UPDATES))
def test_update_with_every_body_on_both_paths(vonage, client, item, kind, suffix) -> None:
    vonage.clock.freeze()
    before = client.get(f"/v3/media/{item['id']}/info").json()
    vonage.clock.advance(90)
    response = UPDATES[kind](client, f"/v3/media/{item['id']}{suffix}")
    assert response.status_code == 204, response.text
    assert response.content == b""
    after = client.get(f"/v3/media/{item['id']}/info").json()
    assert (after["public"], after["metadata_primary"], after["max_downloads_allowed"], after["title"]) == (True, "foo,bar", 100, "T")
    assert after["time_last_updated"] > before["time_last_updated"]
    assert after["etag"] == before["etag"] and after["time_created"] == before["time_created"]


def test_update_by_post_as_in_the_docs_example(client, item) -> None:
    body = "public=true&metadata_primary=foo,bar&metadata_secondary=123&title=Very+important+recording&mime_type=audio/vnd.wave&max_downloads_allowed=100"
    response = client.post(f"/v3/media/{item['id']}/info", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 204
    after = client.get(f"/v3/media/{item['id']}/info").json()
    assert after["title"] == "Very important recording" and after["metadata_secondary"] == "123"


def test_put_back_a_fetched_item_ignores_read_only_fields(client, item) -> None:
    fetched = client.get(f"/v3/media/{item['id']}/info").json()
    fetched.update({"metadata_secondary": "edited", "times_downloaded": 9999, "etag": "0" * 32})
    assert client.put(f"/v3/media/{item['id']}", json=fetched).status_code == 204
    after = client.get(f"/v3/media/{item['id']}/info").json()
    assert after["metadata_secondary"] == "edited" and after["times_downloaded"] == item["times_downloaded"] and after["etag"] == item["etag"]


def test_cap_can_be_cleared(client, item) -> None:
    client.put(f"/v3/media/{item['id']}/info", json={"max_downloads_allowed": 3})
    assert client.get(f"/v3/media/{item['id']}/info").json()["max_downloads_allowed"] == 3
    client.put(f"/v3/media/{item['id']}/info", json={"max_downloads_allowed": None})
    assert client.get(f"/v3/media/{item['id']}/info").json()["max_downloads_allowed"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"public": "yes please"}, "public"),
        ({"public": 1}, "public"),
        ({"max_downloads_allowed": -1}, "max_downloads_allowed"),
        ({"max_downloads_allowed": "ten"}, "max_downloads_allowed"),
        ({"max_downloads_allowed": True}, "max_downloads_allowed"),
        ({"metadata_primary": 5}, "metadata_primary"),
        ({"title": "x" * 1025}, "title"),
        ({"mime_type": "not a mime"}, "mime_type"),
        ({"colour": "blue"}, "colour"),
        ({}, "nothing to update"),
    ],
)
def test_bad_update_fields_are_400_and_change_nothing(client, item, body, field) -> None:
    before = client.get(f"/v3/media/{item['id']}/info").json()
    detail = assert_error(client.put(f"/v3/media/{item['id']}/info", json=body), 400, "invalid-params")["detail"]
    assert field in detail
    assert client.get(f"/v3/media/{item['id']}/info").json() == before


def test_bad_form_values_are_400(client, item) -> None:
    assert_error(client.put(f"/v3/media/{item['id']}/info", data={"public": "maybe"}), 400, "invalid-params")
    assert_error(client.put(f"/v3/media/{item['id']}/info", data={"max_downloads_allowed": "-3"}), 400, "invalid-params")


def test_malformed_json_is_400_invalid_json(client, item) -> None:
    headers = {"Content-Type": "application/json"}
    assert_error(client.put(f"/v3/media/{item['id']}/info", data="{not json", headers=headers), 400, "invalid-json")
    assert_error(client.put(f"/v3/media/{item['id']}/info", data="[1, 2]", headers=headers), 400, "invalid-json")
    assert_error(client.put(f"/v3/media/{item['id']}/info", data="", headers=headers), 400, "invalid-json")


def test_unsupported_body_type_is_415(client, item) -> None:
    response = client.put(f"/v3/media/{item['id']}/info", data=b"public=true", headers={"Content-Type": "text/plain"})
    assert_error(response, 415, "unsupported-media-type")


def test_new_content_changes_etag_size_and_type(vonage, client, item) -> None:
    vonage.clock.freeze()
    vonage.clock.advance(5)
    data = (AUDIO / "announcement.mp3").read_bytes()
    response = client.put(f"/v3/media/{item['id']}", files={"filedata": ("new.mp3", data)}, data={"metadata_primary": "v2"})
    assert response.status_code == 204, response.text
    after = client.get(f"/v3/media/{item['id']}/info").json()
    assert after["etag"] != item["etag"] and after["media_size"] == len(data) and after["mime_type"] == "audio/mpeg"
    assert after["metadata_primary"] == "v2"
    assert client.get(f"/v3/media/{item['id']}").content == data


def test_delete_then_gone(vonage, client, item) -> None:
    response = client.delete(f"/v3/media/{item['id']}")
    assert response.status_code == 204 and response.content == b""
    assert_error(client.get(f"/v3/media/{item['id']}/info"), 404, "not-found")
    assert_error(client.delete(f"/v3/media/{item['id']}"), 404, "not-found")
    assert item["id"] not in vonage.state.db["media"]
    # Another item with the same shipped audio still downloads.
    same = next(m for m in demo_items(vonage) if m["blob_key"] == item["blob_key"])
    assert client.get(f"/v3/media/{same['id']}").status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [("PATCH", "/v3/media/{id}"), ("OPTIONS", "/v3/media"), ("OPTIONS", "/v3/media/{id}"), ("POST", "/v3/media/{id}"), ("DELETE", "/v3/media/{id}/info"), ("DELETE", "/v3/media"), ("PUT", "/v3/media")],
)
def test_wrong_verb_is_405_in_vonage_shape(client, item, method, path) -> None:
    response = client.request(method, path.format(id=item["id"]))
    body = assert_error(response, 405, "wrong-verb")
    assert method in body["detail"]
    assert "Allow" in response.headers


def test_unknown_path_is_404_in_vonage_shape(client) -> None:
    assert_error(client.get("/v3/media/a/b/c"), 404, "not-found")


def test_errors_carry_distinct_trace_ids(client) -> None:
    first = client.get("/v3/media/nope/info").json()["instance"]
    second = client.get("/v3/media/nope/info").json()["instance"]
    assert first != second and len(first) == 32


def test_seed_world_is_deterministic_and_mostly_audio(vonage) -> None:
    items = list(vonage.state.db["media"].values())
    assert len(items) >= 200
    assert sum(m["mime_type"].startswith("audio/") for m in items) == len(items)
    assert any(m["public"] for m in items) and any(m["max_downloads_allowed"] for m in items)
    fingerprint = json.dumps(sorted((m["id"], m["etag"], m["original_file_name"], m["public"]) for m in items))
    vonage.state.db["media"].clear()
    vonage.reset()
    again = vonage.state.db["media"].values()
    assert json.dumps(sorted((m["id"], m["etag"], m["original_file_name"], m["public"]) for m in again)) == fingerprint
    assert Path(vonage.blobs.get(items[0]["blob_key"]).path).is_file()
