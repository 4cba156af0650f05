"""GET /v3/media/{id}: real bytes, headers, conditional and range requests, counting, public items, caps."""

from __future__ import annotations

from pathlib import Path

from vonage_helpers import assert_error, demo_items


def _private(vonage) -> dict:
    return demo_items(vonage, public=False, max_downloads_allowed=None)[0]


def test_download_is_the_real_file_with_its_headers(vonage, client) -> None:
    item = _private(vonage)
    response = client.get(f"/v3/media/{item['id']}")
    assert response.status_code == 200
    assert response.content == Path(vonage.blobs.get(item["blob_key"]).path).read_bytes()
    assert response.content[:4] in (b"RIFF", b"ID3\x03", b"ID3\x04") or response.content[:2] == b"\xff\xfb"
    assert response.headers["Content-Type"].split(";")[0] == item["mime_type"]
    assert response.headers["ETag"] == f'"{item["etag"]}"'
    assert "Last-Modified" in response.headers
    assert int(response.headers["Content-Length"]) == item["media_size"]


def test_times_downloaded_counts_full_and_range_downloads_only(vonage, client) -> None:
    item = _private(vonage)
    url = f"/v3/media/{item['id']}"
    start = item["times_downloaded"]
    client.get(url)
    client.get(url, headers={"Range": "bytes=0-9"})
    client.get(url, headers={"If-None-Match": f'"{item["etag"]}"'})
    client.head(url)
    assert client.get(f"{url}/info").json()["times_downloaded"] == start + 2


def test_conditional_requests_answer_304(vonage, client) -> None:
    item = _private(vonage)
    url = f"/v3/media/{item['id']}"
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_range_requests(vonage, client) -> None:
    item = _private(vonage)
    url = f"/v3/media/{item['id']}"
    whole = client.get(url).content
    part = client.get(url, headers={"Range": "bytes=4-11"})
    assert part.status_code == 206 and part.content == whole[4:12]
    assert part.headers["Content-Range"] == f"bytes 4-11/{len(whole)}"
    tail = client.get(url, headers={"Range": "bytes=-6"})
    assert tail.status_code == 206 and tail.content == whole[-6:]
    bad = client.get(url, headers={"Range": f"bytes={len(whole) + 10}-"})
    assert_error(bad, 416, "range-not-satisfiable")
    assert bad.headers["Content-Range"] == f"bytes */{len(whole)}"


def test_public_item_downloads_without_credentials(vonage, anonymous) -> None:
    item = demo_items(vonage, public=True, max_downloads_allowed=None)[0]
    response = anonymous.get(f"/v3/media/{item['id']}")
    assert response.status_code == 200 and len(response.content) == item["media_size"]
    # Only the content is public: its info still needs credentials.
    assert_error(anonymous.get(f"/v3/media/{item['id']}/info"), 401, "unauthorized")


def test_private_item_needs_credentials(vonage, anonymous, basic) -> None:
    item = _private(vonage)
    assert_error(anonymous.get(f"/v3/media/{item['id']}"), 401, "unauthorized")
    assert_error(anonymous.get("/v3/media/aaaaaaaa-bbbb-cccc-dddd-0123456789ab"), 401, "unauthorized")
    assert anonymous.get(f"/v3/media/{item['id']}", auth=basic).status_code == 200
    assert anonymous.get(f"/v3/media/{item['id']}", params={"jwt-token": vonage.state.mint_token()}).status_code == 200


def test_bad_credentials_on_a_public_item_are_still_refused(vonage, anonymous, basic) -> None:
    item = demo_items(vonage, public=True)[0]
    assert_error(anonymous.get(f"/v3/media/{item['id']}", auth=(basic[0], "wrong")), 401, "unauthorized")


def test_cap_limits_unauthenticated_downloads_only(vonage, client, anonymous) -> None:
    item = demo_items(vonage, public=False)[0]
    url = f"/v3/media/{item['id']}"
    assert client.put(f"{url}/info", json={"public": True, "max_downloads_allowed": item["times_downloaded"] + 2}).status_code == 204
    assert anonymous.get(url).status_code == 200
    assert anonymous.get(url).status_code == 200
    body = assert_error(anonymous.get(url), 403, "forbidden")
    assert "max_downloads_allowed" in body["detail"]
    # The account itself is never capped, and its downloads count too.
    assert client.get(url).status_code == 200
    info = client.get(f"{url}/info").json()
    assert info["times_downloaded"] == item["times_downloaded"] + 3


def test_seeded_exhausted_item_refuses_anonymous_download(vonage, client, anonymous) -> None:
    exhausted = [
        m for m in demo_items(vonage)
        if m["max_downloads_allowed"] and m["times_downloaded"] >= m["max_downloads_allowed"]
    ]
    assert exhausted
    item = exhausted[0]
    client.put(f"/v3/media/{item['id']}/info", json={"public": True})
    assert_error(anonymous.get(f"/v3/media/{item['id']}"), 403, "forbidden")
