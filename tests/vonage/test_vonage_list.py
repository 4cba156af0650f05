"""GET /v3/media: the one-week default window, order, pages and links, time filters, 404 when empty, 400s."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from vonage_helpers import assert_error, demo_items

from mockservers.vonage.serializers import vonage_time


def _iso(epoch: float) -> str:
    return vonage_time(epoch)


def test_default_window_is_the_last_week_newest_first(vonage, client) -> None:
    vonage.clock.freeze()
    now = vonage.clock.time()
    expected = [m["id"] for m in demo_items(vonage) if m["time_created"] >= now - 7 * 86400]
    assert 20 < len(expected) < len(demo_items(vonage))
    body = client.get("/v3/media", params={"page_size": 1000}).json()
    assert body["count"] == len(expected)
    assert [m["id"] for m in body["_embedded"]["media"]] == expected
    assert body["page_size"] == 1000 and body["page_index"] == 0


def test_defaults_page_size_20_and_links(vonage, client) -> None:
    body = client.get("/v3/media").json()
    assert body["page_size"] == 20 and body["page_index"] == 0
    assert len(body["_embedded"]["media"]) == 20
    links = body["_links"]
    assert set(links) == {"self", "first", "last", "next"}
    query = parse_qs(urlsplit(links["next"]["href"]).query)
    assert query == {"page_size": ["20"], "account_id": [vonage.credentials["api_key"]], "order": ["descending"], "page_index": ["1"]}
    last_index = (body["count"] - 1) // 20
    assert parse_qs(urlsplit(links["last"]["href"]).query)["page_index"] == [str(last_index)]


def test_walking_next_links_visits_every_item_once(vonage, client) -> None:
    seen: list[str] = []
    href = "/v3/media?page_size=7&order=ascending"
    pages = 0
    while href:
        body = client.get(href).json()
        seen += [m["id"] for m in body["_embedded"]["media"]]
        href = body["_links"].get("next", {}).get("href")
        pages += 1
        if pages > 1:
            assert "prev" in body["_links"]
    assert len(seen) == len(set(seen)) == body["count"]
    created = [vonage.state.db["media"][i]["time_created"] for i in seen]
    assert created == sorted(created)


def test_order_ascending_and_descending(client) -> None:
    asc = client.get("/v3/media", params={"order": "ascending", "page_size": 1000}).json()["_embedded"]["media"]
    desc = client.get("/v3/media", params={"order": "descending", "page_size": 1000}).json()["_embedded"]["media"]
    assert [m["id"] for m in asc] == [m["id"] for m in reversed(desc)]


def test_start_and_end_time(vonage, client) -> None:
    vonage.clock.freeze()
    now = vonage.clock.time()
    start, end = now - 20 * 86400, now - 10 * 86400
    expected = {m["id"] for m in demo_items(vonage) if start <= m["time_created"] <= end}
    body = client.get("/v3/media", params={"start_time": _iso(start), "end_time": _iso(end), "page_size": 1000}).json()
    assert {m["id"] for m in body["_embedded"]["media"]} == expected and body["count"] == len(expected)
    assert "start_time" in body["_links"]["self"]["href"]
    # Plain ISO forms without milliseconds or with an offset are read too.
    offset = datetime.fromtimestamp(start, tz=timezone(timedelta(hours=2))).isoformat(timespec="seconds")
    assert client.get("/v3/media", params={"start_time": offset}).status_code == 200


def test_nothing_matching_answers_404(vonage, client) -> None:
    future = _iso(vonage.clock.time() + 86400)
    body = assert_error(client.get("/v3/media", params={"start_time": future}), 404, "not-found")
    assert "start_time" in body["detail"]
    vonage.clock.advance(60 * 86400)  # the whole world is now older than the default week
    assert_error(client.get("/v3/media"), 404, "not-found")


def test_page_beyond_the_last_is_empty(client) -> None:
    body = client.get("/v3/media", params={"page_index": 500}).json()
    assert body["_embedded"]["media"] == [] and body["count"] > 0 and "next" not in body["_links"]


def test_trailing_slash_and_head(client) -> None:
    assert client.get("/v3/media/").json()["count"] == client.get("/v3/media").json()["count"]
    head = client.head("/v3/media")
    assert head.status_code == 200 and head.content == b""


def test_jwt_token_is_not_echoed_into_links(vonage, anonymous) -> None:
    body = anonymous.get("/v3/media", params={"jwt-token": vonage.state.mint_token()}).json()
    assert all("jwt-token" not in link["href"] for link in body["_links"].values())


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"order": "newest"}, "order"),
        ({"page_index": "-1"}, "page_index"),
        ({"page_index": "one"}, "page_index"),
        ({"page_index": "9" * 30}, "page_index"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "-5"}, "page_size"),
        ({"page_size": "1001"}, "page_size"),
        ({"page_size": "2.5"}, "page_size"),
        ({"start_time": "yesterday"}, "start_time"),
        ({"end_time": "2020-13-45T99:00:00Z"}, "end_time"),
    ],
)
def test_bad_parameters_answer_400_naming_the_field(client, params, field) -> None:
    body = assert_error(client.get("/v3/media", params=params), 400, "invalid-params")
    assert field in body["detail"]


def test_an_end_time_before_the_start_is_an_empty_window_404(client) -> None:
    """Was a 400; the docs answer 404 when nothing meets the criteria, and both bounds are valid timestamps."""
    response = client.get("/v3/media", params={"start_time": "2020-02-01T00:00:00Z", "end_time": "2020-01-01T00:00:00Z"})
    body = assert_error(response, 404, "not-found")
    assert "2020-02-01T00:00:00.000Z .. 2020-01-01T00:00:00.000Z" in body["detail"]
