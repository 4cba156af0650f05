"""/sapi/mediaclip over HTTP: create, get, update, read-only rules, publish, delete/purge, versions."""

from __future__ import annotations

import pytest
from bluebillywig_helpers import assert_error, create_clip, last_warnings, warning_codes

SEED_KEYS = {
    "id", "type", "mediatype", "fitmode", "usetype", "sourcetype", "originalfilename", "length", "sourceid", "title",
    "description", "deeplink", "gendeeplink", "copyright", "author", "status", "publicationid", "chapters",
    "createddate", "updateddate", "publisheddate", "views", "width", "height", "dar", "originalWidth", "originalHeight",
    "createdBy", "updatedBy", "date", "src", "cat", "thumbnails", "assets", "hasJobs", "subtitles", "transcript",
    "exports", "timelines", "audiotracks",
}

DOC_CREATE = {
    "type": "MediaClip", "mediatype": "video", "fitmode": "", "usetype": "editorial", "sourcetype": "on_demand",
    "originalfilename": "The perfect cup.mp4", "sourceid": "my-unique-sourceid", "title": "The perfect coffee",
    "description": "Coffee, the most appreciated drink in the world.", "deeplink": "", "copyright": "Blue Billywig",
    "author": "Billy", "status": "published",
}


def test_create_with_the_seeds_payload_answers_the_whole_object(bluebillywig, bb) -> None:
    bluebillywig.clock.freeze()
    clip = create_clip(bb, **DOC_CREATE)
    assert set(clip) >= SEED_KEYS
    assert clip["type"] == "MediaClip" and clip["id"].isdigit()
    assert clip["title"] == "The perfect coffee" and clip["sourceid"] == "my-unique-sourceid"
    assert clip["status"] == "published" and clip["publisheddate"] == clip["createddate"]
    assert clip["hasJobs"] == "false" and clip["transcodingFinished"] is False and clip["assets"] == []
    assert bb.get(f"/sapi/mediaclip/{clip['id']}").json() == clip


def test_post_new_creates_as_the_python_sdk_does(bb) -> None:
    response = bb.post("/sapi/mediaclip/new", json={"title": "Via SDK", "mediatype": "audio", "tags": ["a", "b"]})
    assert response.status_code == 200, response.text
    clip = response.json()
    assert clip["mediatype"] == "audio" and clip["tags"] == ["a", "b"] and clip["status"] == "draft"
    assert clip["publisheddate"] is None


def test_update_by_id_by_body_id_and_by_sourceid(bb) -> None:
    clip = create_clip(bb, sourceid="ext-1")
    assert bb.put(f"/sapi/mediaclip/{clip['id']}", json={"title": "By path"}).json()["title"] == "By path"
    assert bb.put("/sapi/mediaclip", json={"id": clip["id"], "title": "By body id"}).json()["title"] == "By body id"
    response = bb.put("/sapi/mediaclip", params={"q": 'sourceid:"ext-1"'}, json={"description": "By sourceid"})
    assert response.status_code == 200 and response.json()["id"] == clip["id"]
    fresh = bb.get(f"/sapi/mediaclip/{clip['id']}").json()
    assert fresh["title"] == "By body id" and fresh["description"] == "By sourceid"
    assert_error(bb.put("/sapi/mediaclip", params={"q": 'sourceid:"nope"'}, json={"title": "x"}), 404, "nope")
    assert_error(bb.put("/sapi/mediaclip", params={"q": "title:x"}, json={"title": "x"}), 400, "sourceid")


def test_get_by_sourceid_query(bb) -> None:
    clip = create_clip(bb, sourceid="lookup-me")
    # The seed prints the query with typographic quotes; both forms work.
    for q in ('sourceid:"lookup-me"', "sourceid:\u201dlookup-me\u201d"):
        body = bb.get("/sapi/mediaclip", params={"q": q}).json()
        assert body["numfound"] == 1 and body["items"][0]["id"] == clip["id"]


def test_round_trip_of_a_whole_object_is_accepted(bb) -> None:
    clip = create_clip(bb, title="Round trip")
    clip["title"] = "Changed"
    response = bb.put(f"/sapi/mediaclip/{clip['id']}", json=clip)
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "Changed"


@pytest.mark.parametrize(
    ("field", "value"),
    [("createddate", "2020-01-01T00:00:00Z"), ("views", 5), ("hasJobs", "true"), ("src", "/x.mp4"), ("publicationid", "1")],
)
def test_read_only_attributes_are_kept_when_sent_changed(bluebillywig, bb, field, value) -> None:
    # Read-only per the reference, which does not say SAPI refuses another value: ignored, with a warning.
    clip = create_clip(bb)
    bluebillywig.clock.freeze()
    response = bb.put(f"/sapi/mediaclip/{clip['id']}", json={field: value, "title": "still updated"})
    assert response.status_code == 200, response.text
    assert response.json()[field] == clip[field] and response.json()["title"] == "still updated"
    warning = next(w for w in last_warnings(bluebillywig) if w["code"] == "read-only")
    assert field in warning["message"] and "ignored" in warning["message"]
    assert bb.get(f"/sapi/mediaclip/{clip['id']}").json()[field] == clip[field]


def test_type_must_be_mediaclip(bb) -> None:
    clip = create_clip(bb)
    assert_error(bb.put(f"/sapi/mediaclip/{clip['id']}", json={"type": "Playlist"}), 400, "type must be MediaClip")
    assert_error(bb.put("/sapi/mediaclip", json={"type": "Playlist"}), 400, "type must be MediaClip")
    assert bb.get(f"/sapi/mediaclip/{clip['id']}").json() == clip


def test_assets_only_on_creation(bluebillywig, bb) -> None:
    asset = {"mediatype": "MP4_MAIN", "src": "/demo/media/a.mp4", "width": "1280", "height": 720, "length": 30}
    clip = create_clip(bb, assets=[asset])
    assert len(clip["assets"]) == 1 and clip["assets"][0]["width"] == "1280" and clip["assets"][0]["exactlength"] == "30000"
    response = bb.put(f"/sapi/mediaclip/{clip['id']}", json={"assets": [asset, asset]})
    assert response.status_code == 200 and response.json()["assets"] == clip["assets"]
    message = next(w["message"] for w in last_warnings(bluebillywig) if w["code"] == "read-only")
    assert "assets can only be set when the mediaclip is created" in message and "/sapi/mediaasset" in message
    assert bb.put(f"/sapi/mediaclip/{clip['id']}", json={"mediatype": "audio"}).json()["mediatype"] == "video"
    assert warning_codes(bluebillywig) == ["read-only"]
    # Echoing the stored values back (a whole object read and PUT) needs no warning.
    bluebillywig.clock.freeze()
    current = bb.get(f"/sapi/mediaclip/{clip['id']}").json()
    assert bb.put(f"/sapi/mediaclip/{clip['id']}", json=current).status_code == 200
    assert warning_codes(bluebillywig) == []
    assert bb.get(f"/sapi/mediaclip/{clip['id']}").json()["assets"] == clip["assets"]


def test_sourceid_read_only_after_ingest(bluebillywig, bb) -> None:
    seeded = bb.get("/sapi/mediaclip", params={"q": "sourceid:* AND originalfilename:*", "limit": 1}).json()["items"][0]
    response = bb.put(f"/sapi/mediaclip/{seeded['id']}", json={"sourceid": "other"})
    assert response.status_code == 200 and response.json()["sourceid"] == seeded["sourceid"]
    assert "after the initial ingest" in next(w["message"] for w in last_warnings(bluebillywig) if w["code"] == "read-only")


def test_a_body_id_other_than_the_path_updates_the_addressed_clip(bluebillywig, bb) -> None:
    first, second = create_clip(bb, title="first"), create_clip(bb, title="second")
    response = bb.put(f"/sapi/mediaclip/{first['id']}", json={"id": second["id"], "title": "renamed"})
    assert response.status_code == 200 and response.json()["id"] == first["id"] and response.json()["title"] == "renamed"
    assert warning_codes(bluebillywig) == ["id-mismatch"]
    assert bb.get(f"/sapi/mediaclip/{second['id']}").json()["title"] == "second"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"title": 5}, "title must be a string"),
        ({"status": "live"}, "status must be one of draft, published"),
        ({"usetype": "ads"}, "usetype"),
        ({"length": -1}, "length"),
        ({"length": "ten"}, "length"),
        ({"cat": 7}, "cat must be a list"),
        ({"deeplink": "not a url"}, "deeplink"),
        ({"date": "yesterday"}, "ISO 8601"),
        ({"chapters": [{"title": "x", "timeOffset": -3}]}, "chapters[0].timeOffset"),
        ({"mediatype": "hologram"}, "mediatype"),
        ({"thumbnails": [{"src": "/a.jpg", "main": True}, {"src": "/b.jpg", "main": True}]}, "only one thumbnail"),
        ({"assets": [{"src": "/a.mp4"}]}, "assets[0].mediatype is required"),
    ],
)
def test_bad_fields_are_400_and_nothing_is_stored(bb, body, fragment) -> None:
    before = bb.get("/sapi/mediaclip", params={"limit": 1}).json()["numfound"]
    assert_error(bb.put("/sapi/mediaclip", json=body), 400, fragment)
    assert bb.get("/sapi/mediaclip", params={"limit": 1}).json()["numfound"] == before


def test_body_must_be_a_json_object(bb) -> None:
    assert_error(bb.put("/sapi/mediaclip", data="{not json"), 400, "not valid JSON")
    assert_error(bb.put("/sapi/mediaclip", json=[1, 2]), 400, "JSON object")
    assert_error(bb.put("/sapi/mediaclip"), 400, "body is required")


def test_sourceid_must_be_unique(bb) -> None:
    create_clip(bb, sourceid="dup")
    assert_error(bb.put("/sapi/mediaclip", json={"sourceid": "dup"}), 409, "already used")


def test_publisheddate_is_set_when_first_published(bluebillywig, bb) -> None:
    bluebillywig.clock.freeze()
    clip = create_clip(bb)
    assert clip["publisheddate"] is None
    bluebillywig.clock.advance(60)
    first = bb.put(f"/sapi/mediaclip/{clip['id']}/publish").json()
    assert first["status"] == "published" and first["publisheddate"] is not None
    bluebillywig.clock.advance(60)
    assert bb.put(f"/sapi/mediaclip/{clip['id']}/unpublish").json()["status"] == "draft"
    bluebillywig.clock.advance(60)
    again = bb.put(f"/sapi/mediaclip/{clip['id']}", json={"status": "published"}).json()
    assert again["publisheddate"] == first["publisheddate"] and again["updateddate"] > first["updateddate"]


def test_soft_delete_then_purge(bb) -> None:
    clip = create_clip(bb, title="Zyzzyva unique")
    response = bb.delete(f"/sapi/mediaclip/{clip['id']}")
    assert response.status_code == 200 and response.json() == {"code": "200", "body": "mediaclip was succesfully removed"}
    assert bb.get(f"/sapi/mediaclip/{clip['id']}").json()["status"] == "deleted"
    assert bb.get("/sapi/mediaclip", params={"q": "zyzzyva"}).json()["numfound"] == 0
    assert bb.get("/sapi/mediaclip", params={"q": "zyzzyva AND status:deleted"}).json()["numfound"] == 1
    assert bb.delete(f"/sapi/mediaclip/{clip['id']}", params={"purge": "true"}).json()["code"] == "200"
    assert_error(bb.get(f"/sapi/mediaclip/{clip['id']}"), 404, clip["id"])
    assert_error(bb.delete(f"/sapi/mediaclip/{clip['id']}"), 404)


def test_delete_by_sourceid_with_purge(bb) -> None:
    clip = create_clip(bb, sourceid="to-purge")
    response = bb.delete("/sapi/mediaclip", params={"q": 'sourceid:"to-purge"', "purge": "true"})
    assert response.status_code == 200 and response.json()["body"] == "mediaclip was succesfully removed"
    assert_error(bb.get(f"/sapi/mediaclip/{clip['id']}"), 404)
    assert_error(bb.delete("/sapi/mediaclip"), 400, "sourceid")
    other = create_clip(bb)
    assert_error(bb.delete(f"/sapi/mediaclip/{other['id']}", params={"purge": "maybe"}), 400, "purge")
    assert bb.get(f"/sapi/mediaclip/{other['id']}").json()["status"] == "draft"


def test_versions_newest_first_and_readable(bluebillywig, bb) -> None:
    bluebillywig.clock.freeze()
    clip = create_clip(bb, title="v1")
    bluebillywig.clock.advance(10)
    bb.put(f"/sapi/mediaclip/{clip['id']}", json={"title": "v2"})
    bluebillywig.clock.advance(10)
    bb.put(f"/sapi/mediaclip/{clip['id']}/publish")
    body = bb.get(f"/sapi/mediaclip/{clip['id']}/versions").json()
    items = body["items"]
    assert [v["action"] for v in items] == ["publish", "update", "create"]
    assert [v["isLatest"] for v in items] == [True, False, False]
    assert items[0]["date"] > items[1]["date"] > items[2]["date"]
    old = bb.get(f"/sapi/mediaclip/{clip['id']}", params={"versionId": items[2]["id"]}).json()
    assert old["title"] == "v1" and old["status"] == "draft"
    assert_error(bb.get(f"/sapi/mediaclip/{clip['id']}", params={"versionId": "1"}), 404, "no version")


def test_unknown_clip_and_route(bb) -> None:
    assert_error(bb.get("/sapi/mediaclip/1"), 404, "mediaclip 1 does not exist")
    assert_error(bb.put("/sapi/mediaclip/1/publish"), 404)
    assert_error(bb.get("/sapi/nothing"), 404, "no such endpoint")
    assert_error(bb.patch("/sapi/mediaclip/1"), 405)
