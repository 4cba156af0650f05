"""File listing, fields selection, single files, previews, icons and usage reports."""

from __future__ import annotations

import hashlib
import io

import pytest
from mediaflow_helpers import JPEG_960
from PIL import Image

from mockservers.mediaflow.serializers import DEFAULT_FIELDS, FILE_FIELDS


def test_latest_defaults_to_a_few_selected_fields_newest_first(mediaflow_client) -> None:
    files = mediaflow_client.get("/1/file/latest").json()
    assert len(files) == 20  # default per_page
    assert all(list(f) == list(DEFAULT_FIELDS) for f in files)
    every = mediaflow_client.get("/1/file/latest", params={"fields": "any"}).json()
    keys = [(f["uploaded"], f["id"]) for f in every]
    assert keys == sorted(keys, reverse=True) and [f["id"] for f in every] == [f["id"] for f in files]


def test_fields_any_lower_case_names_and_id_always(mediaflow, mediaflow_client) -> None:
    assert list(mediaflow_client.get("/1/file/latest", params={"fields": "any"}).json()[0]) == list(FILE_FIELDS)
    first = mediaflow_client.get("/1/file/latest", params={"fields": "filename,width,haspreview"}).json()[0]
    assert list(first) == ["id", "filename", "width", "hasPreview"]
    assert mediaflow.journal.entries()[-1].warnings == []
    # Not lower case, as the docs require: matched anyway, with a warning.
    mixed = mediaflow_client.get("/1/file/latest", params={"fields": "filename,WIDTH,hasPreview"}).json()[0]
    assert list(mixed) == ["id", "filename", "width", "hasPreview"]
    assert {w["code"] for w in mediaflow.journal.entries()[-1].warnings} == {"field-case"}


def test_unknown_field_is_left_out_with_a_warning(mediaflow, mediaflow_client) -> None:
    # The docs guide asks for fields this emulator does not know (gdprstatus, alttext): not an error.
    response = mediaflow_client.get("/1/file/latest", params={"fields": "id,name,gdprstatus,alttext", "per_page": 1})
    assert response.status_code == 200 and list(response.json()[0]) == ["id", "name"]
    warnings = mediaflow.journal.entries()[-1].warnings
    assert [w["code"] for w in warnings] == ["unknown-field", "unknown-field"] and "gdprstatus" in warnings[0]["message"]


def test_full_field_list_has_real_values_from_the_stored_file(mediaflow, mediaflow_client) -> None:
    user = mediaflow.state.user_by_key("demo")
    tagged = next(f for f in mediaflow.state.files(user, processed=True, kinds=["image"])
                  if f["blobKey"] == "fixture:landscape-960x540.jpg")
    body = mediaflow_client.get(f"/1/file/{tagged['id']}", params={"fields": "any"}).json()[0]
    assert list(body) == list(FILE_FIELDS)
    assert body["checksum"] == hashlib.md5(JPEG_960.read_bytes()).hexdigest()
    assert (body["width"], body["height"], body["dpi"]) == (960, 540, 300)  # written by make_images.py
    assert body["iccprofile"] == "sRGB built-in" and body["photographer"] == "Anna Fotograf"
    assert body["geodata"] == {"lat": 59.327333, "lng": 18.054667} and body["length"] is None
    assert [p["name"] for p in body["previews"]] == ["small", "medium", "thumb"]
    thumb = Image.open(io.BytesIO(mediaflow_client.get(body["thumbPreview"]).content))
    assert max(thumb.size) == 100
    by_name = mediaflow_client.get(f"/1/file/{tagged['id']}", params={"fields": "dpi,geodata,checksum"}).json()[0]
    assert by_name == {"id": tagged["id"], "dpi": 300, "geodata": body["geodata"], "checksum": body["checksum"]}
    video = next(f for f in mediaflow.state.files(user, processed=True, kinds=["video"]))
    clip = mediaflow_client.get(f"/1/file/{video['id']}", params={"fields": "length,dpi"}).json()[0]
    assert clip["length"] == 1.0 and clip["dpi"] is None  # fixtures/media/small.mov lasts one second


def test_pages_do_not_overlap_and_run_out(mediaflow_client) -> None:
    first = mediaflow_client.get("/1/file/latest", params={"per_page": 50, "page": 1, "fields": "id"}).json()
    second = mediaflow_client.get("/1/file/latest", params={"per_page": 50, "page": 2, "fields": "id"}).json()
    assert len(first) == len(second) == 50
    assert not {f["id"] for f in first} & {f["id"] for f in second}
    assert mediaflow_client.get("/1/file/latest", params={"per_page": 500, "page": 9}).json() == []


@pytest.mark.parametrize(
    ("params", "name"),
    [({"page": "0"}, "page"), ({"per_page": "501"}, "per_page"), ({"per_page": "x"}, "per_page"),
     ({"processed": "maybe"}, "processed"), ({"type": "picture"}, "type")],
)
def test_bad_list_parameters_are_400(mediaflow_client, params, name) -> None:
    response = mediaflow_client.get("/1/file/latest", params=params)
    assert response.status_code == 400
    assert response.json()["error"].startswith(name) or name in response.json()["error"]


def test_type_and_processed_filters(mediaflow_client) -> None:
    videos = mediaflow_client.get("/1/file/latest", params={"type": "video", "per_page": 500, "fields": "type,processed"}).json()
    assert videos and all(f["type"]["type"] == "video" for f in videos)
    mixed = mediaflow_client.get("/1/file/latest", params={"type": "video,document", "per_page": 500, "fields": "type"}).json()
    assert {f["type"]["type"] for f in mixed} == {"video", "document"}
    pending = mediaflow_client.get("/1/file/latest", params={"processed": "false", "per_page": 500, "fields": "any"}).json()
    assert pending and all(f["processed"] is False and f["hasPreview"] is False and f["width"] is None for f in pending)
    done = mediaflow_client.get("/1/file/latest", params={"processed": "true", "per_page": 500, "fields": "processed"}).json()
    assert done and all(f["processed"] for f in done)
    everything = mediaflow_client.get("/1/file/latest", params={"per_page": 500, "fields": "id"}).json()
    assert len(everything) == len(pending) + len(done)


def test_latest_lists_only_readable_folders(mediaflow, mediaflow_client, make_mediaflow_client) -> None:
    hidden = mediaflow.credentials["hidden_folder_id"]
    folder_of = {f["id"]: f["folderId"] for f in mediaflow.state.db["files"].values()}
    mine = mediaflow_client.get("/1/file/latest", params={"per_page": 500, "fields": "id"}).json()
    assert hidden not in {folder_of[f["id"]] for f in mine}
    editor = make_mediaflow_client(mediaflow.state.user_by_key("editor")["refresh_token"])
    theirs = editor.get("/1/file/latest", params={"per_page": 500, "fields": "id"}).json()
    assert hidden in {folder_of[f["id"]] for f in theirs}


def test_get_file_is_a_one_element_array_or_empty(mediaflow, mediaflow_client) -> None:
    some = mediaflow_client.get("/1/file/latest", params={"per_page": 1}).json()[0]
    assert mediaflow_client.get(f"/1/file/{some['id']}").json() == [some]
    assert mediaflow_client.get(f"/1/file/{some['id']}", params={"fields": "name"}).json() == [{"id": some["id"], "name": some["name"]}]
    assert mediaflow_client.get("/1/file/1").json() == []
    hidden_file = next(f for f in mediaflow.state.db["files"].values() if f["folderId"] == mediaflow.credentials["hidden_folder_id"])
    assert mediaflow_client.get(f"/1/file/{hidden_file['id']}").json() == []


@pytest.mark.parametrize("bad", ["abc", "1.5", "--5", "1e3"])
def test_non_numeric_file_id_is_400(mediaflow_client, bad) -> None:
    response = mediaflow_client.get(f"/1/file/{bad}")
    assert response.status_code == 400
    assert "file id must be an integer" in response.json()["error"]


def test_negative_ids_are_ids(mediaflow, mediaflow_client) -> None:
    # FACTS: ids can be negative; a file stored under a negative id is served like any other.
    some = mediaflow_client.get("/1/file/latest", params={"per_page": 1, "fields": "id,name"}).json()[0]
    record = dict(mediaflow.state.db["files"][str(some["id"])], id=-17)
    mediaflow.state.db["files"]["-17"] = record
    assert mediaflow_client.get("/1/file/-17", params={"fields": "id,name"}).json() == [{"id": -17, "name": some["name"]}]
    assert mediaflow_client.get("/1/file/-18").json() == []


def test_previews_are_real_jpegs_of_the_file(mediaflow_client) -> None:
    image = mediaflow_client.get("/1/file/latest", params={"type": "image", "processed": "true", "per_page": 1, "fields": "any"}).json()[0]
    small = mediaflow_client.get(image["smallPreview"])
    medium = mediaflow_client.get(image["mediumPreview"])
    assert small.headers["Content-Type"] == "image/jpeg" and medium.headers["Content-Type"] == "image/jpeg"
    small_image, medium_image = Image.open(io.BytesIO(small.content)), Image.open(io.BytesIO(medium.content))
    assert max(small_image.size) <= 200 and max(medium_image.size) <= 600
    ratio = image["width"] / image["height"]
    assert abs(small_image.size[0] / small_image.size[1] - ratio) < 0.05
    again = mediaflow_client.get(image["smallPreview"], headers={"If-None-Match": small.headers["ETag"]})
    assert again.status_code == 304


def test_video_files_have_a_preview_of_their_first_frame(mediaflow_client) -> None:
    video = mediaflow_client.get("/1/file/latest", params={"type": "video", "processed": "true", "per_page": 1, "fields": "any"}).json()[0]
    assert (video["width"], video["height"]) == (560, 320)  # fixtures/media/small.mov
    preview = mediaflow_client.get(video["mediumPreview"])
    assert preview.status_code == 200
    assert Image.open(io.BytesIO(preview.content)).size == (560, 320)


def test_documents_have_no_preview(mediaflow_client) -> None:
    document = mediaflow_client.get("/1/file/latest", params={"type": "document", "per_page": 1, "fields": "any"}).json()[0]
    assert document["hasPreview"] is False and document["smallPreview"] is None and document["width"] is None
    assert document["type"] == {"id": 401, "type": "document", "description": "PDF-dokument", "extension": "pdf"}


def test_unknown_preview_and_icon(mediaflow_client) -> None:
    assert mediaflow_client.get("/inviewer/info/AB/ABCDEFGHIJ.jpg").status_code == 404
    assert mediaflow_client.get("/inviewer/huge/AB/ABCDEFGHIJ.jpg").status_code == 404
    icon = mediaflow_client.get("/images/icon101.gif")
    assert icon.status_code == 200 and icon.content[:4] == b"GIF8"


def test_malformed_json_is_400(mediaflow_client) -> None:
    response = mediaflow_client.post("/1/file/539000/usage", data="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error"] == "the request body is not valid JSON"
