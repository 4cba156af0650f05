"""Downloads: the format list, a file's formats, the original bytes and real converted images."""

from __future__ import annotations

import io
from urllib.parse import quote

from mediaflow_helpers import JPEG_960, SMALL_MOV
from PIL import Image


def _file(mediaflow, sample: str) -> dict:
    user = mediaflow.state.user_by_key("demo")
    return next(f for f in mediaflow.state.files(user, processed=True) if f["blobKey"] == f"fixture:{sample}")


def test_format_list_starts_with_the_original(mediaflow_client) -> None:
    formats = mediaflow_client.get("/1/format").json()
    assert formats[0] == {"id": 0, "name": "Original", "extension": None, "maxSize": None}
    assert len({f["id"] for f in formats}) == len(formats) > 1


def test_format_0_is_the_original_bytes_and_counts_downloads(mediaflow, mediaflow_client) -> None:
    record = _file(mediaflow, "landscape-960x540.jpg")
    response = mediaflow_client.get(f"/1/files/{record['id']}/downloads/0")
    assert response.status_code == 200 and response.content == JPEG_960.read_bytes()
    assert response.headers["Content-Type"] == "image/jpeg"
    assert f"filename*=UTF-8''{quote(record['filename'])}" in response.headers["Content-Disposition"]
    again = mediaflow_client.get(f"/1/files/{record['id']}/downloads/0", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    counted = mediaflow_client.get(f"/1/file/{record['id']}", params={"fields": "nrdownloads"}).json()[0]
    assert counted["nrDownloads"] == 2


def test_other_formats_are_real_converted_images(mediaflow, mediaflow_client) -> None:
    record = _file(mediaflow, "landscape-960x540.jpg")
    listed = {d["id"]: d for d in mediaflow_client.get(f"/1/files/{record['id']}/downloads").json()}
    assert (listed[0]["width"], listed[0]["height"]) == (960, 540)
    assert (listed[1]["width"], listed[1]["height"]) == (640, 360)  # fitted into 640 px
    assert (listed[2]["width"], listed[2]["height"]) == (960, 540)  # never upscaled
    expected_format = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
    for format_id, entry in listed.items():
        if format_id == 0:
            continue
        body = mediaflow_client.get(entry["url"])
        assert body.status_code == 200, body.text
        image = Image.open(io.BytesIO(body.content))
        assert image.format == expected_format[entry["extension"]]
        assert image.size == (entry["width"], entry["height"])


def test_video_and_documents_only_have_the_original(mediaflow, mediaflow_client) -> None:
    video = _file(mediaflow, "media/small.mov")
    assert [d["id"] for d in mediaflow_client.get(f"/1/files/{video['id']}/downloads").json()] == [0]
    assert mediaflow_client.get(f"/1/files/{video['id']}/downloads/0").content == SMALL_MOV.read_bytes()
    refused = mediaflow_client.get(f"/1/files/{video['id']}/downloads/1")
    assert refused.status_code == 404 and "only the original" in refused.json()["error"]


def test_download_errors(mediaflow, mediaflow_client) -> None:
    record = _file(mediaflow, "landscape-960x540.jpg")
    assert mediaflow_client.get(f"/1/files/{record['id']}/downloads/99").json() == {
        "status": 404, "error": "format 99 not found; GET /1/format lists them"}
    assert mediaflow_client.get("/1/files/1/downloads/0").status_code == 404
    assert mediaflow_client.get("/1/files/1/downloads").json() == []
    assert mediaflow_client.get(f"/1/files/{record['id']}/downloads/x").status_code == 400
    hidden = next(f for f in mediaflow.state.db["files"].values() if f["folderId"] == mediaflow.credentials["hidden_folder_id"])
    assert mediaflow_client.get(f"/1/files/{hidden['id']}/downloads/0").status_code == 404
