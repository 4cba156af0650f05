"""Ingest: pick an S3 object up, probe it, link it to the asset on the virtual clock; failures leave the asset as it was."""

from __future__ import annotations

import hashlib

import pytest
from mediabank_helpers import MEDIA, assert_error


def test_ingest_links_the_probed_file_when_done(mediabank, mb_client, upload) -> None:
    asset = mb_client.create_asset({"Title": "Clip"})
    assert asset["metadata"]["FileStatus"] == "empty"
    key = upload("incoming/clip.mov", "small.mov")
    ingest = mb_client.ingest(asset["id"], key)
    assert (ingest["status"], ingest["percent"], ingest["file"], ingest["finished_at"]) == ("queued", 0.0, None, None)
    assert ingest["bucket"] == mediabank.credentials["bucket"]
    assert ingest["storage_id"] == mediabank.credentials["storage_id"]
    mediabank.clock.advance(2.5)
    halfway = mb_client.get(f"/ingest/{ingest['id']}").json()["ingest"]
    assert (halfway["status"], halfway["percent"]) == ("running", 50.0)
    assert mb_client.get(f"/asset/{asset['id']}").json()["asset"]["file"] is None  # not linked before the end
    mediabank.clock.advance(2.5)
    done = mb_client.get(f"/ingest/{ingest['id']}").json()["ingest"]
    assert (done["status"], done["percent"], done["reason"]) == ("completed", 100.0, None)
    linked = mb_client.get(f"/asset/{asset['id']}").json()["asset"]
    assert linked["status"] == "ready" and linked["revision"] == 2
    data = (MEDIA / "small.mov").read_bytes()
    file = linked["file"]
    assert file == done["file"]
    assert file["size"] == len(data)
    assert file["checksum"] == {"md5": hashlib.md5(data).hexdigest(), "sha256": hashlib.sha256(data).hexdigest()}
    assert (file["bucket"], file["key"], file["filename"], file["ingest_id"]) == (ingest["bucket"], key, "clip.mov", ingest["id"])
    video = file["media"]["video"]
    assert (video["codec"], video["width"], video["height"], video["frame_rate"]) == ("h264", 560, 320, 25.0)
    assert file["media"]["duration_ms"] == 1000 and file["mime_type"] == "video/quicktime"
    # The system keys, as strings, from the probed file.
    metadata = linked["metadata"]
    assert metadata["Title"] == "Clip"
    assert (metadata["FileStatus"], metadata["MimeTypeFull"], metadata["MimeType"]) == ("ready", "video/quicktime", "video")
    assert (metadata["VideoWidth"], metadata["VideoHeight"], metadata["Duration"]) == ("560", "320", "1.000")
    assert metadata["FileName"] == "clip.mov" and metadata["FileSize"] == str(len(data))
    assert all(isinstance(v, str) for v in metadata.values())


def test_audio_ingest_with_bucket_named(mediabank, mb_client, upload) -> None:
    asset = mb_client.create_asset()
    key = upload("audio/tone.wav", "tone.wav")
    ingest = mb_client.ingest(asset["id"], key, bucket=mediabank.credentials["bucket"])
    mediabank.clock.advance(5)
    linked = mb_client.get(f"/asset/{asset['id']}").json()["asset"]
    file = linked["file"]
    assert file["media"]["video"] is None and file["media"]["audio"]["codec"].startswith("pcm")
    assert linked["metadata"]["FileStatus"] == "ready" and "VideoWidth" not in linked["metadata"]
    assert linked["metadata"]["AudioChannels"] == str(file["media"]["audio"]["channels"])
    assert mb_client.get("/ingest/", params={"asset_id": asset["id"]}).json()["ingests"][0]["id"] == ingest["id"]


@pytest.mark.parametrize(
    ("setup", "reason_part"),
    [
        ("missing", "could not be read"),
        ("not_media", "not a readable media file"),
        ("empty", "is empty"),
        ("unknown_asset", "not found"),
    ],
)
def test_failed_ingest_has_a_reason_and_leaves_the_asset(mediabank, mb_client, upload, setup, reason_part) -> None:
    asset = mb_client.create_asset({"title": "Untouched"})
    key = "incoming/x.bin"
    if setup == "not_media":
        upload(key, "not_media.bin")
    elif setup == "empty":
        upload(key, b"")
    elif setup == "unknown_asset":
        upload(key, "small.mov")
    asset_id = 99999999004 if setup == "unknown_asset" else asset["id"]
    ingest = mb_client.ingest(asset_id, key)
    assert ingest["status"] == "queued"
    mediabank.clock.advance(1)  # failures show after a fifth of the run
    failed = mb_client.get(f"/ingest/{ingest['id']}").json()["ingest"]
    assert (failed["status"], failed["percent"], failed["file"]) == ("failed", 20.0, None)
    assert reason_part in failed["reason"]
    mediabank.clock.advance(60)
    assert mb_client.get(f"/asset/{asset['id']}").json()["asset"] == asset


def test_asset_deleted_during_ingest_fails_it(mediabank, mb_client, upload) -> None:
    asset = mb_client.create_asset()
    ingest = mb_client.ingest(asset["id"], upload("incoming/clip.mov", "small.mov"))
    assert mb_client.delete(f"/asset/{asset['id']}").status_code == 200
    mediabank.clock.advance(5)
    failed = mb_client.get(f"/ingest/{ingest['id']}").json()["ingest"]
    assert (failed["status"], failed["percent"]) == ("failed", 100.0)
    assert "deleted" in failed["reason"]


def test_user_without_ingest_rights_gets_403(mediabank, make_mb_client, upload) -> None:
    editor = make_mb_client("editor@mediabank.example", "editor-password")
    asset = editor.create_asset({"title": "Editors may edit"})
    response = editor.post("/ingest/", json={"asset_id": asset["id"], "key": upload("k.mov", "small.mov")})
    body = assert_error(response, 403, "forbidden")
    assert "ingest" in body["description"]
    assert editor.get("/ingest/").json()["ingests"] == []


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"key": "a.mov"}, 400, "asset_id"),
        ({"asset_id": "1"}, 400, "key"),
        ({"asset_id": "1", "key": ""}, 400, "key"),
        ({"asset_id": "1", "key": "a", "callback_url": "ftp://host/x"}, 400, "callback_url"),
        ({"asset_id": "1", "key": "a", "callback_url": 5}, 400, "callback_url"),
        ({"asset_id": "1", "key": "a", "storage_id": "nope"}, 404, "nope"),
        ({"asset_id": "1", "key": "a", "bucket": "mediabank-other-ingest"}, 404, "mediabank-other-ingest"),
        ({"asset_id": "1", "key": "a", "priority": 1}, 400, "priority"),
        ({"asset_id": "x", "key": "a"}, 400, "asset_id"),
    ],
)
def test_bad_ingest_requests_are_refused(mb_client, body, status, field) -> None:
    response = mb_client.post("/ingest/", json=body)
    assert field in assert_error(response, status)["description"]
    assert mb_client.get("/ingest/").json()["ingests"] == []


def test_bucket_must_match_the_storage(mediabank, mb_client) -> None:
    storage_id = mediabank.credentials["storage_id"]
    response = mb_client.post("/ingest/", json={"asset_id": "1", "key": "a", "storage_id": storage_id, "bucket": "elsewhere"})
    assert_error(response, 400, "bad_request")


def test_ingests_and_storages_are_scoped(mediabank, mb_client, make_mb_client, upload) -> None:
    asset = mb_client.create_asset()
    ingest = mb_client.ingest(asset["id"], upload("k.mov", "small.mov"))
    other = make_mb_client("other@mediabank.example", "other-password")
    assert_error(other.get(f"/ingest/{ingest['id']}"), 404, "ingest_not_found")
    assert other.get("/ingest/").json()["ingests"] == []
    mine = mb_client.get("/storage/").json()["storages"]
    theirs = other.get("/storage/").json()["storages"]
    assert [s["bucket"] for s in mine] == [mediabank.credentials["bucket"]]
    assert [s["bucket"] for s in theirs] == ["mediabank-other-ingest"]
    assert mine[0]["endpoint_url"] == mediabank.credentials["s3_endpoint_url"]


def test_reset_empties_the_bucket(mediabank, mb_client, upload) -> None:
    upload("left-over.mov", "small.mov")
    mediabank.reset()
    assert list(mediabank.s3.iter_objects(mediabank.credentials["bucket"])) == []


def test_snapshot_restore_keeps_a_pending_ingest(mediabank, mb_client, upload) -> None:
    asset = mb_client.create_asset()
    ingest = mb_client.ingest(asset["id"], upload("clip.mov", "small.mov"))
    snapshot = mediabank.state.snapshot()
    mediabank.clock.advance(5)
    assert mb_client.get(f"/asset/{asset['id']}").json()["asset"]["file"] is not None
    mediabank.state.restore(snapshot)  # back to before the end: the ingest runs again on the clock
    assert mb_client.get(f"/ingest/{ingest['id']}").json()["ingest"]["status"] == "completed"
    assert mb_client.get(f"/asset/{asset['id']}").json()["asset"]["file"]["ingest_id"] == ingest["id"]
