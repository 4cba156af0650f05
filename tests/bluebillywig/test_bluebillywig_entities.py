"""Publication, the generic entities, lenient search filters, clip properties and mediaasset fields the SDKs use."""

from __future__ import annotations

import json

import pytest
import requests
from bluebillywig_helpers import assert_error, create_clip


def warnings_of_last(emulator, path_end: str) -> list[str]:
    journal = requests.get(emulator.base_url + "/__admin/journal", timeout=30).json()
    return [w["code"] for w in [e for e in journal["entries"] if e["path"].endswith(path_end)][-1]["warnings"]]


def test_publication_names_the_media_host(bluebillywig, bb) -> None:
    publication = bb.get("/sapi/publication").json()
    assert publication["name"] == "demo" and publication["status"] == "active" and publication["id"] == "754"
    assert publication["defaultMediaAssetPath"] == bluebillywig.base_url
    # getSourcePath: defaultMediaAssetPath + the clip's src.
    clip = bb.get("/sapi/mediaclip", params={"q": "status:published AND mediatype:video", "limit": 1}).json()["items"][0]
    source = requests.get(publication["defaultMediaAssetPath"] + "/" + clip["src"].lstrip("/"), timeout=30)
    assert source.status_code == 200 and source.content[4:8] == b"ftyp"


@pytest.mark.parametrize("name", ["playlist", "cliplist", "channel", "playout", "subtitle"])
def test_entities_are_seeded_and_stateful(bb, name) -> None:
    seeded = bb.get(f"/sapi/{name}").json()
    assert seeded["numfound"] >= 1 and seeded["items"][0]["id"].isdigit()
    body = {"title": "New one"} if name in ("playlist", "channel") else {"name": "New one"}
    if name == "subtitle":
        body["mediaclipid"] = create_clip(bb)["id"]
    created = bb.put(f"/sapi/{name}", json=body).json()
    assert bb.get(f"/sapi/{name}/{created['id']}").json() == created
    key = next(iter(body))
    updated = bb.post(f"/sapi/{name}/{created['id']}", json={key: "Renamed"}).json()
    assert updated[key] == "Renamed" and updated["createddate"] == created["createddate"]
    assert bb.get(f"/sapi/{name}").json()["numfound"] == seeded["numfound"] + 1
    assert bb.delete(f"/sapi/{name}/{created['id']}").json()["code"] == "200"
    assert_error(bb.get(f"/sapi/{name}/{created['id']}"), 404, "does not exist")
    assert bb.get(f"/sapi/{name}").json()["numfound"] == seeded["numfound"]


def test_cliplist_is_playlist_and_bad_entity_bodies(bb) -> None:
    created = bb.post("/sapi/cliplist/new", json={"title": "Alias", "items": [4471001]}).json()
    assert created["type"] == "MediaClipList" and created["items"] == ["4471001"]
    assert bb.get(f"/sapi/playlist/{created['id']}").json()["title"] == "Alias"
    assert_error(bb.put("/sapi/playlist", json={"status": "sideways"}), 400, "status")
    assert_error(bb.put("/sapi/subtitle", json={"mediaclipid": "1"}), 404, "mediaclip 1")
    assert_error(bb.put("/sapi/channel", json=[1]), 400, "JSON object")
    assert_error(bb.get("/sapi/playout/1"), 404, "playout 1")


def test_search_filters_as_the_sdks_send_them(bluebillywig, bb) -> None:
    everything = bb.get("/sapi/mediaclip", params={"limit": 1}).json()["numfound"]
    audio = bb.get("/sapi/mediaclip", params={"q": "mediatype:audio", "limit": 1}).json()["numfound"]
    assert 0 < audio < everything
    by_set = bb.get("/sapi/mediaclip", params={"filterset": json.dumps({"mediatype": "audio"}), "limit": 1}).json()
    assert by_set["numfound"] == audio
    # A repeated plain fq= is ignored (.NET SDK), an unreadable filter too (Node SDK), each with a warning.
    repeated = bb.get("/sapi/mediaclip", params=[("fq", "mediatype:audio"), ("fq", "status:draft"), ("limit", "1")])
    assert repeated.status_code == 200 and repeated.json()["numfound"] == everything
    assert warnings_of_last(bluebillywig, "/sapi/mediaclip") == ["ignored-filter"]
    unreadable = bb.get("/sapi/mediaclip", params={"fq[0]": "title:(coffee", "limit": 1})
    assert unreadable.status_code == 200 and unreadable.json()["numfound"] == everything
    assert warnings_of_last(bluebillywig, "/sapi/mediaclip") == ["unreadable-filter"]
    assert bb.get("/sapi/mediaclip", params={"fq[0]": "nosuchfield:x"}).json()["numfound"] == 0
    extra = bb.get("/sapi/mediaclip", params={"colour": "red", "limit": 1})
    assert extra.status_code == 200 and extra.json()["numfound"] == everything
    assert warnings_of_last(bluebillywig, "/sapi/mediaclip") == ["unknown-parameter"]
    assert bb.get("/sapi/mediaclip", params={"filterset": "{not json", "limit": 1}).json()["numfound"] == everything


def test_cat_as_a_string_and_playoutoverride(bb) -> None:
    clip = create_clip(bb, cat="coffee, travel", playoutoverride={"autoPlay": "true"})
    assert clip["cat"] == ["coffee", "travel"] and clip["playoutoverride"] == {"autoPlay": "true"}
    assert bb.get("/sapi/mediaclip", params={"q": "cat:travel AND id:" + clip["id"]}).json()["numfound"] == 1
    assert bb.put(f"/sapi/mediaclip/{clip['id']}", json={"cat": ["news"]}).json()["cat"] == ["news"]
    assert_error(bb.put(f"/sapi/mediaclip/{clip['id']}", json={"playoutoverride": 3}), 400, "playoutoverride")


def test_mediaasset_as_the_reference_example(bb) -> None:
    clip = create_clip(bb)
    body = {"mediaclipid": clip["id"], "mediatype": "MP4_MAIN", "src": "/demo/media/a.mp4", "status": "active",
            "filename": "a.mp4", "filesize": "1048576", "jobqid": "q-77", "exactlength": "80013.267"}
    asset = bb.put("/sapi/mediaasset", json=body).json()
    assert (asset["filename"], asset["filesize"], asset["jobqid"], asset["exactlength"], asset["length"]) == (
        "a.mp4", "1048576", "q-77", "80013.267", "80")
    assert bb.get(f"/sapi/mediaasset/{asset['id']}").json() == asset
    assert_error(bb.put("/sapi/mediaasset", json={**body, "exactlength": "eighty"}), 400, "exactlength")
