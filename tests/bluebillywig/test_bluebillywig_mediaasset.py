"""/sapi/mediaasset: PUT creates (needs mediaclipid) or updates, GET by id."""

from __future__ import annotations

from bluebillywig_helpers import assert_error, create_clip, last_warnings, warning_codes

ASSET = {"mediatype": "MP4_HLS", "src": "/demo/media/x.m3u8", "exactlength": 30656, "width": 1280, "height": 720,
         "bandwidth": "2000", "mimetype": "application/vnd.apple.mpegurl"}


def test_create_update_get(bb) -> None:
    clip = create_clip(bb)
    response = bb.put("/sapi/mediaasset", json={**ASSET, "mediaclipid": clip["id"]})
    assert response.status_code == 200, response.text
    asset = response.json()
    assert asset["mediaclipid"] == clip["id"] and asset["length"] == "31" and asset["status"] == "active"
    assert [a["id"] for a in bb.get(f"/sapi/mediaclip/{clip['id']}").json()["assets"]] == [asset["id"]]
    updated = bb.put("/sapi/mediaasset", json={"id": asset["id"], "status": "inactive"}).json()
    assert updated["status"] == "inactive" and updated["src"] == ASSET["src"]
    assert bb.put(f"/sapi/mediaasset/{asset['id']}", json={"bandwidth": 900}).json()["bandwidth"] == "900"
    assert bb.get(f"/sapi/mediaasset/{asset['id']}").json()["bandwidth"] == "900"


def test_mediaclipid_is_required_and_must_exist(bb) -> None:
    assert_error(bb.put("/sapi/mediaasset", json=ASSET), 400, "mediaclipid is required")
    assert_error(bb.put("/sapi/mediaasset", json={**ASSET, "mediaclipid": "1"}), 404, "mediaclipid 1")


def test_bad_asset_fields(bb) -> None:
    clip = create_clip(bb)
    base = {**ASSET, "mediaclipid": clip["id"]}
    assert_error(bb.put("/sapi/mediaasset", json={**base, "width": -4}), 400, "width")
    assert_error(bb.put("/sapi/mediaasset", json={**base, "status": "gone"}), 400, "active or inactive")
    assert_error(bb.put("/sapi/mediaasset", json={**base, "mediatype": "mp4 main"}), 400, "rendition name")
    assert_error(bb.put("/sapi/mediaasset", json={**base, "mediatype": "MP4_MAIN\n"}), 400, "rendition name")
    assert_error(bb.put("/sapi/mediaasset", json={**base, "exactlength": "1" * 16}), 400, "milliseconds")
    assert_error(bb.put("/sapi/mediaasset", json={k: v for k, v in base.items() if k != "src"}), 400, "src is required")
    assert bb.get(f"/sapi/mediaclip/{clip['id']}").json()["assets"] == []


def test_unknown_asset_attributes_are_ignored_with_a_warning(bluebillywig, bb) -> None:
    # As for mediaclips: SAPI is not known to refuse them.
    clip = create_clip(bb)
    asset = bb.put("/sapi/mediaasset", json={**ASSET, "mediaclipid": clip["id"], "colour": 1}).json()
    assert "colour" not in asset and warning_codes(bluebillywig) == ["unknown-field"]
    assert "colour" in last_warnings(bluebillywig)[0]["message"]


def test_exactlength_numbers_are_kept_as_decimal_strings(bb) -> None:
    clip = create_clip(bb)
    for sent, kept in ((80013.267, "80013.267"), (1e-05, "0.00001"), (1e15, "1000000000000000.0"), ("0042", "0042")):
        assert bb.put("/sapi/mediaasset", json={**ASSET, "mediaclipid": clip["id"], "exactlength": sent}).json()["exactlength"] == kept


def test_assets_cannot_move_between_clips(bluebillywig, bb) -> None:
    # Not documented: the asset stays with its clip and the other mediaclipid is ignored, with a warning.
    first, second = create_clip(bb), create_clip(bb)
    asset = bb.put("/sapi/mediaasset", json={**ASSET, "mediaclipid": first["id"]}).json()
    moved = bb.put(f"/sapi/mediaasset/{asset['id']}", json={"mediaclipid": second["id"], "bandwidth": 7})
    assert moved.status_code == 200 and moved.json()["mediaclipid"] == first["id"] and moved.json()["bandwidth"] == "7"
    assert "cannot move" in last_warnings(bluebillywig)[0]["message"]
    assert bb.get(f"/sapi/mediaclip/{second['id']}").json()["assets"] == []
    assert bb.put(f"/sapi/mediaasset/{asset['id']}", json={"id": "999", "status": "inactive"}).json()["status"] == "inactive"
    assert warning_codes(bluebillywig) == ["id-mismatch"]


def test_unknown_asset(bb) -> None:
    assert_error(bb.get("/sapi/mediaasset/123"), 404, "mediaasset 123")
    assert_error(bb.put("/sapi/mediaasset/123", json={"status": "active"}), 404)
