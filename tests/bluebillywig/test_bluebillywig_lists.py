"""Lists and search: q forms, sort, limit/offset, filters, /papi/search with className[]."""

from __future__ import annotations

import pytest
from bluebillywig_helpers import assert_error, create_clip, last_warnings, warning_codes


def all_items(bb, **params) -> list[dict]:
    body = bb.get("/sapi/mediaclip", params={"limit": 1000, **params}).json()
    assert body["numfound"] == len(body["items"]), "use a query that fits in one page"
    return body["items"]


def test_default_page_is_15_newest_first(bb) -> None:
    body = bb.get("/sapi/mediaclip").json()
    assert body["count"] == 15 and body["limit"] == 15 and body["offset"] == 0
    assert body["numfound"] > 200
    dates = [c["createddate"] for c in body["items"]]
    assert dates == sorted(dates, reverse=True)
    assert all(c["status"] != "deleted" for c in body["items"])


def test_limit_and_offset_page_through(bb) -> None:
    first = bb.get("/sapi/mediaclip", params={"limit": 10}).json()["items"]
    second = bb.get("/sapi/mediaclip", params={"limit": 5, "offset": 5}).json()["items"]
    assert [c["id"] for c in first[5:]] == [c["id"] for c in second]


@pytest.mark.parametrize("sort", ["title asc", "title ASC", "Title Asc".replace("Title", "title"), "views desc", "createddate DESC"])
def test_sort_any_case(bb, sort) -> None:
    field, direction = sort.split()
    items = bb.get("/sapi/mediaclip", params={"sort": sort, "limit": 50}).json()["items"]
    values = [c[field].lower() if isinstance(c[field], str) else c[field] for c in items]
    assert values == sorted(values, reverse=direction.lower() == "desc")


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"sort": "colour asc"}, "cannot sort on 'colour'"),
        ({"sort": "title sideways"}, "asc or desc"),
        ({"limit": "many"}, "limit must be an integer"),
        ({"limit": "2147483648"}, "limit must be an integer from 0 to 2147483647"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "9" * 5000}, "offset must be an integer from 0 to 2147483647"),
    ],
)
def test_unreadable_parameters_are_400_naming_the_problem(bb, params, fragment) -> None:
    assert_error(bb.get("/sapi/mediaclip", params=params), 400, fragment)


@pytest.mark.parametrize(
    ("q", "problem"),
    [
        ("title:(coffee", "missing ')'"),
        ('title:"coffee', "unterminated quoted phrase"),
        ("createddate:[2020-01-01 TO]", "range must read [A TO B]"),
        ("createddate:[yesterday TO NOW]", "is not a date"),
        ("views:[ten TO 20]", "is not a number"),
        ("title:", "a value is missing after 'title:'"),
        ("AND coffee", "unexpected 'AND'"),
        ("a ) b", "unbalanced ')'"),
    ],
)
def test_an_unreadable_q_is_ignored_with_a_warning_naming_the_problem(bluebillywig, bb, q, problem) -> None:
    # As SAPI ignores an unreadable filter (Node SDK); the warning says what could not be read and where.
    everything = bb.get("/sapi/mediaclip", params={"limit": 1}).json()["numfound"]
    body = bb.get("/sapi/mediaclip", params={"q": q, "limit": 1}).json()
    assert body["numfound"] == everything
    (warning,) = last_warnings(bluebillywig)
    assert warning["code"] == "unreadable-query" and problem in warning["message"]
    assert "position" in warning["message"] or "not a" in warning["message"]
    assert bb.get("/papi/search", params={"q": q}).status_code == 200
    assert warning_codes(bluebillywig) == ["unreadable-query"]


def test_a_limit_above_1000_is_read_as_1000_with_a_warning(bluebillywig, bb) -> None:
    body = bb.get("/sapi/mediaclip", params={"limit": "5000"}).json()
    assert body["limit"] == 1000 and body["count"] == min(1000, body["numfound"])
    assert warning_codes(bluebillywig) == ["limit-capped"]
    assert bb.get("/sapi/playlist", params={"limit": "0001001"}).json()["limit"] == 1000
    assert warning_codes(bluebillywig) == ["limit-capped"]
    assert bb.get("/sapi/mediaclip", params={"limit": "1000", "offset": "2147483647"}).json()["items"] == []
    assert warning_codes(bluebillywig) == []


def test_status_filter_parameter_as_the_sdk_sends_it(bb) -> None:
    published = bb.get("/sapi/mediaclip", params={"status": "published", "limit": 1000}).json()
    drafts = bb.get("/sapi/mediaclip", params={"status": "draft", "limit": 1000}).json()
    assert published["numfound"] > 0 and drafts["numfound"] > 0
    assert {c["status"] for c in published["items"]} == {"published"}
    assert {c["status"] for c in drafts["items"]} == {"draft"}
    both = bb.get("/sapi/mediaclip", params={"q": "status:(draft OR published)", "limit": 1}).json()["numfound"]
    assert both == published["numfound"] + drafts["numfound"]


def test_field_terms_phrases_and_wildcards(bb) -> None:
    create_clip(bb, title="The perfect espresso shot", description="Crema matters")
    create_clip(bb, title="Perfectly timed espresso", cat=["barista"])
    assert len(all_items(bb, q="title:espresso")) == 2
    assert [c["title"] for c in all_items(bb, q='title:"perfect espresso"')] == ["The perfect espresso shot"]
    assert len(all_items(bb, q="title:perfect* AND title:espresso")) == 2
    assert len(all_items(bb, q="title:espress?")) == 2
    assert len(all_items(bb, q="crema")) == 1  # unqualified: default text fields
    assert len(all_items(bb, q="cat:barista")) == 1
    assert len(all_items(bb, q="espresso AND NOT crema")) == 1
    assert len(all_items(bb, q="espresso -cat:barista")) == 1
    assert len(all_items(bb, q="(title:espresso OR title:zzzz) AND cat:barista")) == 1
    assert all_items(bb, q="nosuchfield:espresso") == []  # unknown fields match nothing (SDK notes)


def test_match_all_and_mediatype(bb) -> None:
    everything = bb.get("/sapi/mediaclip", params={"q": "*:*", "limit": 1}).json()["numfound"]
    video = bb.get("/sapi/mediaclip", params={"q": "mediatype:video", "limit": 1}).json()["numfound"]
    audio = bb.get("/sapi/mediaclip", params={"mediatype": "audio", "limit": 1}).json()["numfound"]
    assert video > 0 and audio > 0 and video + audio == everything


def test_date_ranges_documented_form_and_numbers(bluebillywig, bb) -> None:
    items = bb.get("/sapi/mediaclip", params={"sort": "createddate asc", "limit": 1000}).json()["items"]
    low, high = items[10]["createddate"], items[19]["createddate"]
    found = all_items(bb, q=f"createddate:[{low} TO {high}]")
    assert len(found) == 10 and all(low <= c["createddate"] <= high for c in found)
    exclusive = all_items(bb, q=f"createddate:{{{low} TO {high}}}")
    assert len(exclusive) == 8
    assert all(c["views"] >= 40000 for c in all_items(bb, q="views:[40000 TO *]"))
    assert all(10 <= c["length"] < 20 for c in all_items(bb, q="length:[10 TO 20}"))
    bluebillywig.clock.freeze()
    create_clip(bb, title="Fresh one")
    assert [c["title"] for c in all_items(bb, q="createddate:[NOW-1DAY TO NOW]")] == ["Fresh one"]


def test_indexed_filter_queries(bb) -> None:
    params = {"fq[0]": "mediatype:audio", "fq[1]": "status:published", "limit": 1000}
    items = bb.get("/sapi/mediaclip", params=params).json()["items"]
    assert items and all(c["mediatype"] == "audio" and c["status"] == "published" for c in items)


def test_fields_selects_attributes(bb) -> None:
    items = bb.get("/sapi/mediaclip", params={"fields": "title,status", "limit": 3}).json()["items"]
    assert all(set(c) == {"id", "title", "status"} for c in items)


def test_papi_search_with_classname(bb) -> None:
    create_clip(bb, title="Searchable marmalade")
    body = bb.get("/papi/search", params={"q": "title:marmalade", "className[]": "MediaClip"}).json()
    assert body["numfound"] == 1 and body["items"][0]["type"] == "MediaClip"
    assert bb.get("/papi/search", params={"q": "title:marmalade", "className[]": "Channel"}).json()["numfound"] == 0
    assert bb.get("/papi/search").json()["numfound"] > 200  # q defaults to *:*
    commercial = bb.get("/papi/search", params={"q": "NOT usetype:commercial", "sort": "views DESC", "limit": 20}).json()
    assert all(c["usetype"] == "editorial" for c in commercial["items"])
    views = [c["views"] for c in commercial["items"]]
    assert views == sorted(views, reverse=True)
    assert_error(bb.get("/papi/search", params={"className[]": "Spaceship"}), 400, "unknown className")
