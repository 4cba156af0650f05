"""Announcing uploads, the upload URL (once, 600 s, exact size), and processing on the virtual clock."""

from __future__ import annotations

import hashlib
import io

import pytest
from mediaflow_helpers import BROCHURE, JPEG_960, SMALL_MOV
from PIL import Image

from mockservers.pytest_plugin import check_contracts

FORBIDDEN = {"status": 403, "error": "You don´t have permission to upload to this folder"}


def _files_in(client, folder_id: int) -> list[dict]:
    return client.get(f"/1/folders/{folder_id}/files", params={"per_page": 500}).json()


def test_announce_answers_a_ten_minute_upload_url(mediaflow, mediaflow_client) -> None:
    response = mediaflow_client.announce(mediaflow.credentials["upload_folder_id"])
    assert response.status_code == 200
    body = response.json()
    assert body["expiresIn"] == 600
    assert body["uploadURL"].startswith(f"{mediaflow.base_url}/up/")


def test_announce_with_form_fields(mediaflow, mediaflow_client) -> None:
    data = {"filename": "a.jpg", "filesize": "10", "toFolder": str(mediaflow.credentials["upload_folder_id"])}
    assert mediaflow_client.post("/1/file", data=data).status_code == 200


def test_readonly_and_hidden_folders_get_the_seeds_403(mediaflow, mediaflow_client) -> None:
    for folder in ("readonly_folder_id", "hidden_folder_id"):
        response = mediaflow_client.announce(mediaflow.credentials[folder])
        assert response.status_code == 403
        assert response.json() == FORBIDDEN


def test_archived_folder_refuses_uploads(mediaflow, mediaflow_client, make_mediaflow_client) -> None:
    archive = mediaflow.state.folder_by_key("archive")
    assert mediaflow_client.announce(archive["id"]).json() == FORBIDDEN


def test_unknown_folder_is_404(mediaflow_client) -> None:
    response = mediaflow_client.announce(1)
    assert response.status_code == 404
    assert response.json() == {"status": 404, "error": "folder 1 not found"}


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"filesize": 5, "toFolder": 1}, "filename is required"),
        ({"filename": "", "filesize": 5, "toFolder": 1}, "filename must be"),
        ({"filename": "../x.jpg", "filesize": 5, "toFolder": 1}, "plain file name"),
        ({"filename": "x.jpg", "toFolder": 1}, "filesize is required"),
        ({"filename": "x.jpg", "filesize": "big", "toFolder": 1}, "filesize must be"),
        ({"filename": "x.jpg", "filesize": 0, "toFolder": 1}, "filesize must be"),
        ({"filename": "x.jpg", "filesize": True, "toFolder": 1}, "filesize must be"),
        ({"filename": "x.jpg", "filesize": 5}, "toFolder is required"),
        ({"filename": "x.jpg", "filesize": 5, "toFolder": "Bilder"}, "toFolder must be"),
    ],
)
def test_announce_validation_is_400(mediaflow_client, body, needle) -> None:
    response = mediaflow_client.post("/1/file", json=body)
    assert response.status_code == 400
    assert needle in response.json()["error"]


def test_announce_needs_a_body(mediaflow_client) -> None:
    assert mediaflow_client.post("/1/file").status_code == 400
    assert mediaflow_client.post("/1/file", json=[1]).json()["error"] == "the upload announcement must be a JSON object, not an array"


def test_announce_with_an_unknown_field_is_accepted_with_a_warning(mediaflow, mediaflow_client) -> None:
    body = {"filename": "x.jpg", "filesize": 5, "toFolder": mediaflow.credentials["upload_folder_id"], "extra": 1}
    assert mediaflow_client.post("/1/file", json=body).status_code == 200
    assert [w["code"] for w in mediaflow.journal.entries()[-1].warnings] == ["unknown-field"]
    # The request contract names it as outside the documented API, so a client test would fail on it.
    violations = [str(v) for v in check_contracts(mediaflow)]
    assert len(violations) == 1 and "'extra' was unexpected" in violations[0]
    mediaflow.journal.clear()  # this test sent it on purpose


def test_raw_put_upload_then_processing_job(mediaflow, mediaflow_client) -> None:
    mediaflow.clock.freeze()
    folder = mediaflow.credentials["upload_folder_id"]
    stored = mediaflow_client.upload(folder)
    assert stored["processed"] is False and stored["filesize"] == JPEG_960.stat().st_size
    (record,) = mediaflow_client.get(f"/1/file/{stored['id']}", params={"fields": "any"}).json()
    assert record["processed"] is False and record["hasPreview"] is False and record["width"] is None
    assert record["name"] == "landscape-960x540" and record["type"]["id"] == 101
    assert stored["folderId"] == folder and mediaflow.state.db["files"][str(stored["id"])]["folderId"] == folder
    assert stored["id"] in [f["id"] for f in mediaflow_client.get("/1/file/latest", params={"processed": "false"}).json()]
    assert stored["id"] not in [f["id"] for f in mediaflow_client.get("/1/file/latest", params={"processed": "true"}).json()]
    mediaflow.clock.advance(mediaflow.context.settings["process_seconds"])
    (record,) = mediaflow_client.get(f"/1/file/{stored['id']}", params={"fields": "any"}).json()
    assert record["processed"] is True and record["hasPreview"] is True
    assert (record["width"], record["height"], record["dpi"], record["photographer"]) == (960, 540, 300, "Anna Fotograf")
    assert record["checksum"] == hashlib.md5(JPEG_960.read_bytes()).hexdigest()
    latest = mediaflow_client.get("/1/file/latest", params={"processed": "true", "per_page": 1}).json()[0]
    assert latest["id"] == stored["id"]  # the newest file
    small = Image.open(io.BytesIO(mediaflow_client.get(record["smallPreview"]).content))
    medium = Image.open(io.BytesIO(mediaflow_client.get(record["mediumPreview"]).content))
    assert small.format == medium.format == "JPEG"
    assert small.size == (200, 113) and medium.size == (600, 338)  # 540 * 200 / 960 = 112.5, rounded


def test_multipart_post_upload_like_browser_formdata(mediaflow, mediaflow_client) -> None:
    mediaflow.clock.freeze()
    announced = mediaflow_client.announce(mediaflow.credentials["upload_folder_id"], SMALL_MOV, filename="film.mov").json()
    with open(SMALL_MOV, "rb") as handle:
        response = mediaflow_client.post(announced["uploadURL"], files={"file": ("blob", handle, "video/quicktime")})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    mediaflow.clock.advance(10)
    (record,) = mediaflow_client.get(f"/1/file/{response.json()['id']}", params={"fields": "any"}).json()
    assert record["filename"] == "film.mov" and record["type"]["type"] == "video"
    assert (record["width"], record["height"]) == (560, 320) and record["hasPreview"] is True
    frame = Image.open(io.BytesIO(mediaflow_client.get(record["smallPreview"]).content))
    assert frame.size == (200, 114)


def test_document_upload_is_processed_without_preview(mediaflow, mediaflow_client) -> None:
    stored = mediaflow_client.upload(mediaflow.credentials["upload_folder_id"], BROCHURE)
    mediaflow.clock.advance(10)
    (record,) = mediaflow_client.get(f"/1/file/{stored['id']}", params={"fields": "any"}).json()
    assert record["processed"] is True and record["hasPreview"] is False and record["width"] is None


def test_bytes_that_are_not_an_image_get_no_preview(mediaflow, mediaflow_client) -> None:
    folder = mediaflow.credentials["upload_folder_id"]
    announced = mediaflow_client.post("/1/file", json={"filename": "fake.jpg", "filesize": 9, "toFolder": folder}).json()
    stored = mediaflow_client.put(announced["uploadURL"], data=b"not a jpg").json()
    mediaflow.clock.advance(10)
    (record,) = mediaflow_client.get(f"/1/file/{stored['id']}", params={"fields": "any"}).json()
    assert record["processed"] is True and record["hasPreview"] is False and record["smallPreview"] is None


def test_upload_url_works_once(mediaflow, mediaflow_client) -> None:
    announced = mediaflow_client.announce(mediaflow.credentials["upload_folder_id"]).json()
    assert mediaflow_client.put(announced["uploadURL"], data=JPEG_960.read_bytes()).status_code == 200
    again = mediaflow_client.put(announced["uploadURL"], data=JPEG_960.read_bytes())
    assert again.status_code == 410
    assert "already been used" in again.json()["error"]


def test_upload_url_expires_after_600_seconds(mediaflow, mediaflow_client) -> None:
    mediaflow.clock.freeze()
    folder = mediaflow.credentials["upload_folder_id"]
    before = len(_files_in(mediaflow_client, folder))
    announced = mediaflow_client.announce(folder).json()
    mediaflow.clock.advance(600)
    late = mediaflow_client.put(announced["uploadURL"], data=JPEG_960.read_bytes())
    assert late.status_code == 403
    assert "expired" in late.json()["error"] and late.json()["status"] == 403
    assert len(_files_in(mediaflow_client, folder)) == before


def test_upload_just_inside_the_window_works(mediaflow, mediaflow_client) -> None:
    mediaflow.clock.freeze()
    announced = mediaflow_client.announce(mediaflow.credentials["upload_folder_id"]).json()
    mediaflow.clock.advance(599)
    assert mediaflow_client.put(announced["uploadURL"], data=JPEG_960.read_bytes()).status_code == 200


@pytest.mark.parametrize("delta", [-1, 1, 5000])
def test_wrong_size_is_refused_and_nothing_is_stored(mediaflow, mediaflow_client, delta) -> None:
    folder = mediaflow.credentials["upload_folder_id"]
    blobs_before = set(mediaflow.blobs.keys())
    files_before = len(mediaflow.state.db["files"])
    size = JPEG_960.stat().st_size
    announced = mediaflow_client.announce(folder).json()
    data = JPEG_960.read_bytes()[:size + delta] if delta < 0 else JPEG_960.read_bytes() + b"\0" * delta
    response = mediaflow_client.put(announced["uploadURL"], data=data)
    assert response.status_code == 400
    assert response.json()["error"] == (
        f"the upload has {size + delta} bytes but {size} were announced (filesize); nothing was stored"
    )
    assert len(mediaflow.state.db["files"]) == files_before
    assert set(mediaflow.blobs.keys()) == blobs_before
    # The URL is still good for the right bytes.
    assert mediaflow_client.put(announced["uploadURL"], data=JPEG_960.read_bytes()).status_code == 200


def test_multipart_with_wrong_size_or_no_file_is_refused(mediaflow, mediaflow_client) -> None:
    blobs_before = set(mediaflow.blobs.keys())
    announced = mediaflow_client.announce(mediaflow.credentials["upload_folder_id"]).json()
    response = mediaflow_client.post(announced["uploadURL"], files={"file": ("x.jpg", b"short", "image/jpeg")})
    assert response.status_code == 400 and "nothing was stored" in response.json()["error"]
    response = mediaflow_client.post(announced["uploadURL"], files={"note": (None, "text only")})
    assert response.status_code == 400 and "exactly one file part" in response.json()["error"]
    assert set(mediaflow.blobs.keys()) == blobs_before


def test_unknown_upload_url_is_404(mediaflow_client) -> None:
    response = mediaflow_client.put("/up/0123456789abcdef", data=b"abc")
    assert response.status_code == 404 and "unknown upload URL" in response.json()["error"]


def test_cors_preflight_for_browser_uploads(mediaflow, mediaflow_client) -> None:
    announced = mediaflow_client.announce(mediaflow.credentials["upload_folder_id"]).json()
    response = mediaflow_client.options(announced["uploadURL"], headers={"Origin": "https://cms.example", "Access-Control-Request-Method": "PUT"})
    assert response.status_code == 204
    assert "PUT" in response.headers["Access-Control-Allow-Methods"]


def test_processing_survives_a_snapshot_restore(mediaflow, mediaflow_client) -> None:
    mediaflow.clock.freeze()
    stored = mediaflow_client.upload(mediaflow.credentials["upload_folder_id"])
    snapshot = mediaflow.state.snapshot()
    mediaflow.scheduler.clear()
    mediaflow.state.restore(snapshot)  # re-queues the pending processing
    mediaflow.clock.advance(10)
    assert mediaflow_client.get(f"/1/file/{stored['id']}", params={"fields": "any"}).json()[0]["processed"] is True


def test_reset_forgets_uploads(mediaflow, mediaflow_client) -> None:
    stored = mediaflow_client.upload(mediaflow.credentials["upload_folder_id"])
    mediaflow.reset()
    assert mediaflow_client.get(f"/1/file/{stored['id']}").json() == []
