"""The shared view helpers: bodies, flags, integers, page links, committed uploads."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from mockservers.core.blobs import BlobStore
from mockservers.core.emulator import Emulator, Provider
from mockservers.core.errors import BadRequestError
from mockservers.core.state import BaseState
from mockservers.core.views import (
    PAGE_DASH_SIZE,
    PAGE_INDEX,
    blob_kept_on_success,
    committed_upload,
    flag,
    int_value,
    json_object,
    pagination_links,
    query_flag,
    query_int,
    request_fields,
    request_json,
    state,
    whole_number,
)

app = Flask(__name__)


# -- json_object ------------------------------------------------------------------
def test_json_object_returns_a_copy_of_any_mapping() -> None:
    form = MultiDict([("name", "a"), ("kind", "b")])
    found = json_object(form, required=("name",), optional=("kind",), unknown="refuse")
    assert found == {"name": "a", "kind": "b"} and isinstance(found, dict)
    source = {"name": "x"}
    json_object(source, required=("name",))["name"] = "changed"
    assert source == {"name": "x"}


@pytest.mark.parametrize(
    ("data", "words"),
    [([1, 2], "must be a JSON object, not an array"), ("text", "not a string"), (3, "not a number"), (None, "is required")],
)
def test_json_object_refuses_non_objects_naming_the_problem(data: Any, words: str) -> None:
    with pytest.raises(BadRequestError) as caught:
        json_object(data, name="video")
    assert "video" in caught.value.message and words in caught.value.message


def test_json_object_requires_fields_present_and_not_null() -> None:
    with pytest.raises(BadRequestError) as caught:
        json_object({"name": None}, required=("name",))
    assert caught.value.field == "name" and caught.value.message == "name is required"


def test_json_object_refuses_unknown_fields_when_asked() -> None:
    with pytest.raises(BadRequestError) as caught:
        json_object({"name": "a", "colour": 1}, required=("name",), optional=("kind",), unknown="refuse")
    assert caught.value.field == "colour"
    assert caught.value.message == "colour is not a known field; allowed: kind, name"


class _State(BaseState):
    provider = "views-demo"


def _routes(flask_app: Flask) -> None:
    @flask_app.post("/things")
    def things() -> dict[str, Any]:
        body = json_object(request_json(), required=("name",), unknown="warn", name="thing")
        return {"name": body["name"], "state": type(state()).__name__}

    @flask_app.post("/count")
    def count() -> dict[str, Any]:
        return {"n": int_value(whole_number(request_json()["n"], "n"), "n", 0, 10)}


DEMO = Provider("views-demo", "demo", 0, _State, _routes, lambda e: Flask.response_class(e.message, e.status))


def test_unknown_fields_are_accepted_with_a_warning_on_the_journal_entry() -> None:
    emulator = Emulator(DEMO)
    try:
        answer = emulator.app.test_client().post("/things", json={"name": "a", "colour": "red"})
        assert answer.get_json() == {"name": "a", "state": "_State"}  # the answer carries no diagnostics
        (warning,) = emulator.journal.last().warnings
        assert warning["code"] == "unknown-field" and "'colour'" in warning["message"] and warning["source"] == "inferred"
        assert emulator.app.test_client().post("/things", data="[1]").status_code == 400
        assert emulator.app.test_client().post("/things", data="").status_code == 400
    finally:
        emulator.close()


def test_request_json_reads_json_whatever_the_content_type() -> None:
    with app.test_request_context("/", method="POST", data='{"a": 1}', content_type="text/plain"):
        assert request_json() == {"a": 1}
    with app.test_request_context("/", method="POST", data=""):
        assert request_json(optional=True) == {}
    with app.test_request_context("/", method="POST", data="{nope"), pytest.raises(BadRequestError, match="not valid JSON"):
        request_json()


# -- flag ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), (1, True), (0, False), ("true", True), ("TRUE", True), ("False", False),
     ("1", True), ("0", False), ("yes", True), ("No", False), (" yes ", True), (None, None), ("", None)],
)
def test_flag_accepts_the_documented_spellings(value: Any, expected: bool | None) -> None:
    assert flag(value, "public", default=None) is expected


@pytest.mark.parametrize("value", ["on", "y", "2", 2, -1, 1.0, [], "truth"])
def test_flag_refuses_anything_else_naming_the_input(value: Any) -> None:
    with pytest.raises(BadRequestError) as caught:
        flag(value, "public")
    assert caught.value.field == "public" and "public must be true or false" in caught.value.message


def test_query_flag_reads_the_query() -> None:
    with app.test_request_context("/?deep=YES"):
        assert query_flag("deep") is True and query_flag("absent") is False


# -- integers --------------------------------------------------------------------
def test_int_value_bounds_json_and_text() -> None:
    assert int_value(5, "n", 0, 10) == 5 and int_value("7", "n", 0, 10) == 7
    for bad in (11, -1, True, "1.5", "x", 2.0):
        with pytest.raises(BadRequestError, match="n must be an integer from 0 to 10"):
            int_value(bad, "n", 0, 10)


def test_int_value_refuses_a_very_long_digit_string_as_out_of_range() -> None:
    # int() refuses more than 4300 digits (ValueError, a 500 if it escaped); leading zeros still count as nothing.
    assert int_value("0" * 5000 + "7", "n", 0, 10) == 7
    with pytest.raises(BadRequestError) as caught:
        int_value("9" * 5000, "n", 0, 10)
    assert caught.value.field == "n" and "n must be an integer from 0 to 10" in caught.value.message
    assert len(caught.value.message) < 120  # the value is cut in the message


def test_whole_number_reads_a_float_valued_integer_with_a_warning() -> None:
    with app.test_request_context("/"):
        assert whole_number(5, "n") == 5 and whole_number("5", "n") == "5" and whole_number(2.5, "n") == 2.5
        assert whole_number(float("inf"), "n") == float("inf") and whole_number(True, "n") is True
        value = whole_number(214.0, "filesize")
        assert value == 214 and type(value) is int


def test_whole_number_warns_on_the_journal_entry() -> None:
    emulator = Emulator(DEMO)
    try:
        emulator.app.test_client().post("/things", json={"name": "a"})
        assert emulator.journal.last().warnings == []
        emulator.app.test_client().post("/count", json={"n": 3.0})
        (warning,) = emulator.journal.last().warnings
        assert warning["code"] == "float-integer" and "3.0" in warning["message"] and warning["source"] == "inferred"
    finally:
        emulator.close()


def test_query_int_is_the_same_helper_as_core_params() -> None:
    from mockservers.core import params

    assert params.query_int is query_int
    with app.test_request_context("/?page=3"):
        assert query_int("page", 0, 0, 9) == 3


# -- pagination links ------------------------------------------------------------
def test_pagination_links_page_dash_size_style() -> None:
    links = pagination_links("http://h/videos/v1/videos", 1, 2, 5, PAGE_DASH_SIZE, {"projectId": "p"})
    href = "http://h/videos/v1/videos?projectId=p&page={}&page-size=2"
    assert links == {
        "self": {"href": href.format(1)},
        "first": {"href": href.format(0)},
        "last": {"href": href.format(2)},
        "next": {"href": href.format(2)},
        "previous": {"href": href.format(0)},
    }


def test_pagination_links_page_index_style_keeps_the_documented_order() -> None:
    query = {"page_size": 10, "account_id": "a", "order": "descending", "page_index": 0, "start_time": "t"}
    links = pagination_links("/v3/media", 0, 10, 25, PAGE_INDEX, query)
    assert links["self"] == {"href": "/v3/media?page_size=10&account_id=a&order=descending&page_index=0&start_time=t"}
    assert set(links) == {"self", "first", "last", "next"}
    assert links["last"]["href"].count("page_index=2") == 1
    past_end = pagination_links("/v3/media", 7, 10, 25, PAGE_INDEX, query)
    assert "next" not in past_end and "page_index=2" in past_end["prev"]["href"]


def test_pagination_links_of_an_empty_list() -> None:
    links = pagination_links("/x", 0, 10, 0)
    assert set(links) == {"self", "first", "last"} and links["last"] == links["first"]


# -- committed uploads -----------------------------------------------------------
def test_committed_upload_commits_on_success(tmp_path: Any) -> None:
    store = BlobStore(str(tmp_path))
    with committed_upload(store.writer(), store) as upload:
        upload.write(b"hello")
    assert upload.blob is not None and upload.blob.size == 5 and store.keys() == [upload.blob.key]


def test_committed_upload_discards_on_error(tmp_path: Any) -> None:
    store = BlobStore(str(tmp_path))
    with pytest.raises(BadRequestError), committed_upload(store.writer(), store) as upload:
        upload.write(b"partial")
        raise BadRequestError("too short")
    assert store.keys() == [] and [p.name for p in tmp_path.iterdir()] == []


def test_committed_upload_deletes_a_blob_committed_inside_a_failed_block(tmp_path: Any) -> None:
    store = BlobStore(str(tmp_path))
    with pytest.raises(BadRequestError), committed_upload(store.writer(), store) as upload:
        upload.write(b"whole")
        blob = upload.commit()
        assert store.keys() == [blob.key]
        raise BadRequestError("the state refused it")
    assert store.keys() == []


def test_request_fields_reads_forms_and_json() -> None:
    with app.test_request_context("/", method="POST", data={"name": "a", "public": "yes"}):
        fields = request_fields()
        assert fields == {"name": "a", "public": "yes"} and flag(fields["public"], "public") is True
    with app.test_request_context("/", method="POST", json={"name": "b"}):
        assert request_fields() == {"name": "b"}


def test_blob_kept_on_success_deletes_the_blob_when_the_block_fails(tmp_path: Any) -> None:
    store = BlobStore(str(tmp_path))
    kept = store.put_bytes(b"kept")
    with blob_kept_on_success(kept, store):
        pass
    assert store.keys() == [kept.key]
    doomed = store.put_bytes(b"doomed")
    with pytest.raises(BadRequestError), blob_kept_on_success(doomed, store):
        raise BadRequestError("refused")
    assert store.keys() == [kept.key]
