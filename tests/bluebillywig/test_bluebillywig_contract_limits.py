"""Contracts state what the emulator enforces, and the emulator accepts what they call valid (issue 12).

Each case comes from the Schemathesis fuzz run (tests/property/test_fuzz.py): a limit the emulator
enforced that the contracts did not state, now in the contract (and so in the OpenAPI document),
or a schema-valid input the emulator refused, now accepted (with a fidelity warning where it
deviates). The patterns the emulator and the contracts share are checked to be the same text, and
values drawn from the contract patterns are checked to be accepted.
"""

from __future__ import annotations

import base64
import json
import re

import pytest
import requests
from bluebillywig_helpers import SMALL_MOV, assert_error, create_clip, last_warnings, warning_codes
from hypothesis import given, settings
from hypothesis import strategies as st

from mockservers.bluebillywig import clips, query, uploads
from mockservers.bluebillywig.routes import media as media_routes
from mockservers.core.contracts import contract_set
from mockservers.core.errors import BadRequestError
from mockservers.core.openapi import openapi_copy
from mockservers.core.paths import contracts_dir
from mockservers.validation import exchange_violations


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def schema(name: str) -> dict:
    return contract_set("bluebillywig").schema(name)


def sent_on_purpose(emulator, *pointers: str) -> None:
    """The contract calls these accepted (warned) requests invalid: check it says so where expected, then forget them."""
    found = {v.pointer for v in exchange_violations("bluebillywig", emulator.journal.entries()) if v.part in ("query", "request")}
    assert found == set(pointers)
    emulator.journal.clear()


def operation(method: str, path: str) -> dict:
    return openapi_copy("bluebillywig")["paths"][path][method]


def parameter(op: dict, name: str) -> dict:
    return next(p for p in op["parameters"] if p["name"] == name)


# -- the same pattern in the contract and in the code -------------------------------------------
def test_shared_patterns_are_the_same_text() -> None:
    assert schema("put-mediaclip.query.json")["properties"]["q"]["pattern"] == clips.SOURCEID_QUERY
    assert schema("delete-mediaclip-by-sourceid.query.json")["properties"]["q"]["pattern"] == clips.SOURCEID_QUERY
    tus = operation("post", "/sapi/tus")
    assert parameter(tus, "Upload-Metadata")["schema"]["pattern"] == uploads.TUS_METADATA
    assert parameter(tus, "Tus-Resumable")["required"] and parameter(tus, "Upload-Length")["required"]
    poster = operation("get", "/mediaclip/{clip_id}/spthumbnail/{width}/{height}")
    assert parameter(poster, "width")["schema"]["pattern"] == f"^(?:{media_routes._SIDE.pattern})$"
    assert parameter(poster, "height")["schema"]["pattern"] == f"^(?:{media_routes._SIDE.pattern})(?:\\.webp)?$"
    image = operation("get", "/image/{width}/{height}/{publication}/media/{year}/{month}/{day}/{name}")
    assert parameter(image, "height")["schema"]["pattern"] == f"^(?:{media_routes._SIDE.pattern})$"


def test_the_sort_pattern_names_exactly_the_sortable_fields() -> None:
    pattern = schema("list-mediaclips.query.json")["properties"]["sort"]["pattern"]
    named = set(re.search(r"\(\?:([a-zA-Z|]+)\)", pattern).group(1).split("|"))
    assert named == set(query.SORTABLE_FIELDS)


def test_the_overlay_states_path_parameters_and_headers_in_the_document() -> None:
    overlay = json.loads((contracts_dir() / "bluebillywig" / "openapi" / "overlay.json").read_text())
    assert set(overlay["path_parameters"]) == {"width", "height"}
    # Path parameters the overlay does not name keep the default schema.
    poster = operation("get", "/mediaclip/{clip_id}/spthumbnail/{width}/{height}")
    assert parameter(poster, "clip_id")["schema"] == {"type": "string", "minLength": 1}


# -- values the contracts call valid are accepted -------------------------------------------------
def _pattern(name: str, field: str) -> str:
    return schema(name)["properties"][field]["pattern"]


@settings(max_examples=300, deadline=None)
@given(st.from_regex(clips.SOURCEID_QUERY, fullmatch=True))
def test_every_documented_sourceid_query_is_read_without_a_warning(text: str) -> None:
    assert isinstance(clips.sourceid_of_query(text), str)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(uploads.TUS_METADATA, fullmatch=True))
def test_every_metadata_header_the_pattern_allows_is_read(header: str) -> None:
    assert uploads.parse_tus_metadata(header)["filename"]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_every_sort_the_pattern_allows_is_read(data: st.DataObject) -> None:
    text = data.draw(st.from_regex(_pattern("list-mediaclips.query.json", "sort"), fullmatch=True))
    if text.strip():
        assert query.parse_sort(text)


@pytest.mark.parametrize(
    ("file", "field", "high"),
    [("list-mediaclips.query.json", "limit", clips.SOLR_INT), ("list-entities.query.json", "offset", clips.SOLR_INT),
     ("start-upload.query.json", "filesize", uploads.MAX_UPLOAD_BYTES)],
)
def test_number_patterns_state_the_emulators_bounds(file: str, field: str, high: int) -> None:
    # Matched whole, as ECMA (OpenAPI tools, Schemathesis) reads ^...$ (Python's $ also matches before a final newline).
    compiled = re.compile(_pattern(file, field))
    assert compiled.fullmatch(str(high)) and compiled.fullmatch("000" + str(high)) and not compiled.fullmatch(str(high + 1))
    assert not compiled.fullmatch(" 1") and not compiled.fullmatch("1\n") and not compiled.fullmatch("-1")


# -- /sapi/mediaclip: q=sourceid, bodies --------------------------------------------------------
def test_sourceid_query_forms(bluebillywig, bb) -> None:
    clip = create_clip(bb, sourceid="abc-1")
    assert bb.put("/sapi/mediaclip", params={"q": 'sourceid:"abc-1"'}, json={"title": "t1"}).json()["id"] == clip["id"]
    assert warning_codes(bluebillywig) == []
    # The reference prints typographic quotes.
    assert bb.post("/sapi/mediaclip", params={"q": "sourceid:\u201cabc-1\u201d"}, json={"title": "t2"}).status_code == 200
    assert warning_codes(bluebillywig) == []
    # Another form that still names one sourceid: read, warned.
    assert bb.put("/sapi/mediaclip", params={"q": "sourceid:abc-1"}, json={"title": "t3"}).json()["title"] == "t3"
    assert warning_codes(bluebillywig) == ["query-form"]
    sent_on_purpose(bluebillywig, "/q")
    assert_error(bb.put("/sapi/mediaclip", params={"q": ""}, json={}), 400, "empty")
    assert_error(bb.delete("/sapi/mediaclip", params={"q": ""}), 400, "empty")
    assert_error(bb.delete("/sapi/mediaclip", params={"q": "title:x"}), 400, 'exactly sourceid:"<sourceid>"')
    assert_error(bb.delete("/sapi/mediaclip", params={"q": 'sourceid:"abc-1"', "purge": "perhaps"}), 400, "purge")
    assert bb.delete("/sapi/mediaclip", params={"q": 'sourceid:"abc-1"', "purge": " TRUE "}).status_code == 200


def test_a_q_longer_than_the_limit_is_refused(bb) -> None:
    assert_error(bb.get("/sapi/mediaclip", params={"q": "a" * 4097}), 400, "longer than 4096")
    assert bb.get("/sapi/mediaclip", params={"q": "a" * 4096, "limit": 1}).status_code == 200


def test_dates_any_rfc3339_year_and_other_iso_forms(bluebillywig, bb) -> None:
    clip = create_clip(bb, date="0307-02-05t02:45:29z")
    assert clip["date"] == "0307-02-05T02:45:29Z" and warning_codes(bluebillywig) == []
    updated = bb.put(f"/sapi/mediaclip/{clip['id']}", json={"date": "2021-11-29"}).json()
    assert updated["date"] == "2021-11-29T00:00:00Z" and warning_codes(bluebillywig) == ["date-format"]
    assert_error(bb.put(f"/sapi/mediaclip/{clip['id']}", json={"date": "tomorrow"}), 400, "ISO 8601")


def test_enum_values_in_another_letter_case_are_read_with_a_warning(bluebillywig, bb) -> None:
    clip = create_clip(bb, status="DRAFT", usetype="Editorial")
    assert clip["status"] == "draft" and clip["usetype"] == "editorial"
    assert warning_codes(bluebillywig) == ["letter-case", "letter-case"]
    assert {w["message"].split()[0] for w in last_warnings(bluebillywig)} == {"status", "usetype"}
    sent_on_purpose(bluebillywig, "/status", "/usetype")


def test_deeplink_must_be_a_whole_url(bb) -> None:
    assert_error(bb.put("/sapi/mediaclip", json={"deeplink": "https://example.com/a\n"}), 400, "deeplink")
    assert create_clip(bb, deeplink="https://example.com/a")["deeplink"] == "https://example.com/a"


def test_without_a_main_thumbnail_the_first_is_main_and_one_stated_main_wins(bb) -> None:
    first = create_clip(bb, thumbnails=[{"src": "/a.jpg"}, {"src": "/b.jpg"}])["thumbnails"]
    assert [t["main"] for t in first] == [True, False]
    stated = create_clip(bb, thumbnails=[{"src": "/a.jpg"}, {"src": "/b.jpg", "main": True}])["thumbnails"]
    assert [t["main"] for t in stated] == [False, True]
    assert_error(bb.put("/sapi/mediaclip", json={"thumbnails": [{"src": "/a", "main": True}, {"src": "/b", "main": True}]}),
                 400, "only one thumbnail")


def test_mediaasset_update_names_its_asset_by_the_body_id(bb) -> None:
    clip = create_clip(bb)
    asset = bb.put("/sapi/mediaasset", json={"mediaclipid": clip["id"], "mediatype": "MP4_MAIN", "src": "/x.mp4"}).json()
    # id "" is no id: creating then needs mediaclipid (the contract's second form), updating needs a real id.
    assert_error(bb.put("/sapi/mediaasset", json={"id": ""}), 400, "mediaclipid is required")
    assert bb.put("/sapi/mediaasset", json={"id": int(asset["id"]), "width": "7"}).json()["width"] == "7"


# -- entities -------------------------------------------------------------------------------------
def test_entity_bodies_and_filters(bluebillywig, bb) -> None:
    playlist = bb.put("/sapi/playlist", json={"title": "p", "type": "MediaClipList"}).json()
    assert_error(bb.put("/sapi/cliplist", json={"title": "p", "type": "Channel"}), 400, "type must be MediaClipList")
    renamed = bb.put(f"/sapi/playlist/{playlist['id']}", json={"id": "1", "title": "q"})
    assert renamed.status_code == 200 and renamed.json()["id"] == playlist["id"]
    assert warning_codes(bluebillywig) == ["id-mismatch"]
    assert bb.get("/sapi/playlist", params={"colour": "red"}).json()["numfound"] == 0
    assert warning_codes(bluebillywig) == ["unknown-parameter"]
    assert bb.get("/sapi/playlist", params={"title": "q"}).json()["numfound"] == 1
    assert warning_codes(bluebillywig) == []


# -- uploads --------------------------------------------------------------------------------------
def test_upload_start_parameters(bluebillywig, bb) -> None:
    start = "/sapi/mediaclip/0/upload"
    assert_error(bb.get(start, params={"filename": " \u3000", "filesize": "10"}), 400, "not blank")
    assert_error(bb.get(start, params={"filename": "a.mp4", "filesize": "000"}), 400, "positive integer")
    assert_error(bb.get(start, params={"filename": "a.mp4", "filesize": " 10"}), 400, "positive integer")
    assert_error(bb.get(start, params={"filename": "a.mp4", "filesize": "9" * 5000}), 413, "exceeds")
    assert_error(bb.get(start, params={"filename": "a.mp4", "filesize": "10", "clipid": " 12"}), 400, "clipid")
    assert bb.get(start, params={"filename": "a.mp4", "filesize": "0010", "clipid": "0"}).json()["chunks"] == 1
    assert warning_codes(bluebillywig) == []
    assert bb.get(start, params={"filename": "a.mp4", "filesize": "10", "colour": "red"}).status_code == 200
    assert warning_codes(bluebillywig) == ["unknown-parameter"]


def test_aws_upload_parameters(bluebillywig, bb) -> None:
    assert bb.get("/sapi/awsupload", params={"type": "", "mediaclipId": ""}).status_code == 200
    assert warning_codes(bluebillywig) == []
    assert bb.get("/sapi/awsupload", params={"": "null"}).status_code == 200
    assert warning_codes(bluebillywig) == ["unknown-parameter"]
    assert_error(bb.get("/sapi/awsupload", params={"mediaclipId": "12 "}), 400, "mediaclipId")


def test_tus_metadata_forms(bluebillywig, bb) -> None:
    ok = {"Tus-Resumable": "1.0.0", "Upload-Length": "10"}
    # The Python SDK's form, spaces and tabs around the commas, a key without a value.
    for metadata in (f"filename {b64('a.mp4')},filetype {b64('video/mp4')}", f"flag ,\tfilename {b64('a.mp4')} , filetype"):
        assert bb.post("/sapi/tus", headers={**ok, "Upload-Metadata": metadata}).status_code == 201
        assert warning_codes(bluebillywig) == []
    latin = base64.b64encode("é.mp4".encode("latin-1")).decode()
    assert bb.post("/sapi/tus", headers={**ok, "Upload-Metadata": f"filename {latin}"}).status_code == 201
    assert warning_codes(bluebillywig) == ["tus-metadata"]
    twice = f"filename {b64('a.mp4')},filename"
    assert bb.post("/sapi/tus", headers={**ok, "Upload-Metadata": twice}).status_code == 201
    assert "more than once" in last_warnings(bluebillywig)[0]["message"]
    for bad in ("filename", f"filename  {b64('a')}", f"filename {b64('a')[:-1]}", f"filetype {b64('x')}", f"a b,filename {b64('a')}"):
        assert_error(bb.post("/sapi/tus", headers={**ok, "Upload-Metadata": bad}), 400, "Upload-Metadata")


def test_upload_metadata_parser_refuses_what_the_pattern_refuses() -> None:
    for bad in ("filename QQ==\x0b", "\x1cfilename QQ==", "filename QQ=,x"):
        with pytest.raises(BadRequestError):
            uploads.parse_tus_metadata(bad)


def test_many_open_uploads_cost_one_s3_listing_per_look(bluebillywig, bb, monkeypatch) -> None:
    # Found by the fuzz run: a check per open single-PUT upload, each a HEAD every 2 s, made the scheduler's work
    # grow with the uploads until every request waited on it. Now one sweep lists the upload prefix once.
    bluebillywig.clock.freeze()
    clip = create_clip(bb)
    for index in range(40):
        assert bb.get("/sapi/mediaclip/0/upload", params={"filename": f"a{index}.mp4", "filesize": "10"}).status_code == 200
        assert bb.get("/sapi/awsupload").status_code == 200
    single = bb.get("/sapi/mediaclip/0/upload", params={"filename": "small.mov", "filesize": SMALL_MOV.stat().st_size,
                                                         "clipid": clip["id"]}).json()
    assert bluebillywig.scheduler.pending() == 1
    s3 = bluebillywig.state.ctx.s3
    calls: list[str] = []
    for name in ("iter_objects", "head"):
        original = getattr(s3, name)
        monkeypatch.setattr(s3, name, lambda *a, _name=name, _original=original, **k: calls.append(_name) or _original(*a, **k))
    bluebillywig.clock.advance(2)
    assert calls == ["iter_objects"] and bluebillywig.scheduler.pending() == 1
    assert requests.put(single["presignedUrls"][0]["presignedUrl"], data=SMALL_MOV.read_bytes(), timeout=30).status_code == 200
    bluebillywig.clock.advance(2)
    assert bb.get(f"/sapi/mediaclip/{clip['id']}").json()["originalfilename"] == "small.mov"
    assert calls.count("iter_objects") == 2 and "head" not in calls


def test_whole_numbers_sent_as_json_floats_are_read_as_integers_with_a_warning(bluebillywig, bb) -> None:
    # JSON Schema counts 537.0 as an integer (the fuzz run sends such values for integer fields).
    clip = create_clip(bb, length=537.0, assets=[{"mediatype": "MP4_MAIN", "src": "/a.mp4", "width": 1188.0}])
    assert clip["length"] == 537 and clip["assets"][0]["width"] == "1188"
    assert warning_codes(bluebillywig) == ["float-integer", "float-integer"]
    assert_error(bb.put("/sapi/mediaclip", json={"length": 5.5}), 400, "length must be an integer")
