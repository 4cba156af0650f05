"""The journal records every exchange in order, filters it, and summarizes large bodies."""

from __future__ import annotations

import hashlib

import pytest
import requests

from mockservers.core.clock import VirtualClock
from mockservers.core.journal import (
    DEFAULT_JOURNAL_MAX_BYTES,
    KEEP_BODY_BYTES,
    Journal,
    journal_max_bytes,
    summarize_body,
)


def _admin_journal(pixop, client, **params):
    response = client.get(f"{pixop.base_url}/__admin/journal", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_exchanges_are_recorded_in_order_with_details(pixop, pixop_client) -> None:
    pixop.journal.clear()  # drop the login exchange
    listed = pixop_client.get("/videos/v1/projects", params={"page": 0, "page-size": 5})
    created = pixop_client.put("/videos/v1/project", json={"name": "Journal"})
    missing = pixop_client.get("/videos/v1/project/does-not-exist")

    entries = pixop.journal.entries()
    assert [(e.method, e.path, e.status) for e in entries] == [
        ("GET", "/videos/v1/projects", 200),
        ("PUT", "/videos/v1/project", 200),
        ("GET", "/videos/v1/project/does-not-exist", 404),
    ]
    assert [e.seq for e in entries] == sorted(e.seq for e in entries)
    first, second, third = entries
    assert first.query == "page=0&page-size=5"
    assert first.request_headers["Authorization"] == pixop_client.headers["Authorization"]
    assert first.response_json == listed.json()
    assert first.response_body["size"] == len(listed.content)
    assert first.response_body["content_type"] == "application/json"
    assert first.admin is False and first.fault is None and first.dropped is False
    assert first.duration_ms >= 0
    assert second.request_json == {"name": "Journal"}
    assert second.request_headers["Content-Type"] == "application/json"
    assert second.response_json == created.json()
    assert third.response_json == missing.json()


def test_entry_time_is_virtual(pixop, pixop_client) -> None:
    pixop.clock.freeze()
    pixop.clock.set(1_893_456_000.0)  # 2030-01-01T00:00:00Z
    pixop_client.login()
    pixop_client.get("/accounts/v1/account")
    assert pixop.journal.last(path="/accounts/v1/account").time == "2030-01-01T00:00:00Z"


def test_filters(pixop, pixop_client) -> None:
    pixop_client.put("/videos/v1/project", json={"name": "A"})
    pixop_client.get("/videos/v1/projects")
    pixop_client.get("/videos/v1/project/nope")
    pixop_client.get("/accounts/v1/account")

    assert [e.path for e in pixop.journal.entries(method="put")] == ["/videos/v1/project"]
    assert [e.path for e in pixop.journal.entries(path="/videos/v1/project*")] == [
        "/videos/v1/project",
        "/videos/v1/projects",
        "/videos/v1/project/nope",
    ]
    assert [e.path for e in pixop.journal.entries(path="/videos/v1/project")] == ["/videos/v1/project"]
    assert [e.path for e in pixop.journal.entries(status=404)] == ["/videos/v1/project/nope"]
    assert pixop.journal.entries(method="GET", path="/videos/*", status=200)[0].path == "/videos/v1/projects"
    assert pixop.journal.last(path="/accounts/*").path == "/accounts/v1/account"
    assert pixop.journal.last(method="PATCH") is None


def test_admin_calls_are_excluded_unless_asked_for(pixop, pixop_client) -> None:
    pixop.journal.clear()
    pixop_client.get(f"{pixop.base_url}/__admin/clock")
    pixop_client.get("/accounts/v1/account")
    assert [e.path for e in pixop.journal.entries()] == ["/accounts/v1/account"]
    with_admin = pixop.journal.entries(include_admin=True)
    assert [(e.path, e.admin) for e in with_admin] == [("/__admin/clock", True), ("/accounts/v1/account", False)]
    assert len(pixop.journal) == 1


def test_large_upload_is_summarized_not_stored(pixop, pixop_client) -> None:
    video_id = pixop_client.put("/videos/v1/video", json={}).json()["videoId"]
    big = hashlib.sha256(b"x").digest() * (KEEP_BODY_BYTES // 32 + 1000)
    response = pixop_client.post(f"/media/v1/upload/{video_id}", files={"file": ("big.bin", big, "application/octet-stream")})
    entry = pixop.journal.last(path=f"/media/v1/upload/{video_id}")
    assert entry.status == response.status_code
    summary = entry.request_body
    assert summary["truncated"] is True
    assert summary["size"] > len(big)  # the whole multipart body was counted
    assert summary["content_type"].startswith("multipart/form-data")
    assert "json" not in summary and "text" not in summary
    assert entry.response_json == response.json()  # small response kept whole


def test_summarize_body_rules() -> None:
    assert summarize_body("", b"", 0) == {"size": 0, "content_type": ""}
    assert summarize_body("application/json; charset=utf-8", b'{"a": 1}', 8)["json"] == {"a": 1}
    assert summarize_body("application/problem+json", b'[1]', 3)["json"] == [1]
    assert summarize_body("application/json", b"{broken", 7)["text"] == "{broken"
    assert summarize_body("text/plain", b"hello", 5)["text"] == "hello"
    binary = summarize_body("application/octet-stream", b"\x00\x01", 2)
    assert binary == {"size": 2, "content_type": "application/octet-stream"}
    partial = summarize_body("application/json", b"{", 10)  # fewer bytes kept than sent
    assert partial["truncated"] is True and "json" not in partial


def test_admin_journal_matches_python(pixop, pixop_client) -> None:
    pixop_client.put("/videos/v1/project", json={"name": "Same"})
    pixop_client.get("/videos/v1/project/nope")
    body = _admin_journal(pixop, pixop_client)
    python = [e.to_json() for e in pixop.journal.entries()]
    assert body == {"count": len(python), "entries": python}
    assert body["count"] == 3  # login, put, get

    filtered = _admin_journal(pixop, pixop_client, method="PUT", path="/videos/*")
    assert filtered["entries"] == [e.to_json() for e in pixop.journal.entries(method="PUT", path="/videos/*")]
    assert filtered["count"] == 1
    by_status = _admin_journal(pixop, pixop_client, status="404")
    assert [e["path"] for e in by_status["entries"]] == ["/videos/v1/project/nope"]

    with_admin = _admin_journal(pixop, pixop_client, include_admin="true")
    everything = [e.to_json() for e in pixop.journal.entries(include_admin=True)]
    # The answering request is recorded as it completes, after its list was built.
    assert with_admin["entries"] == everything[:-1]
    assert everything[-1]["path"] == "/__admin/journal" and everything[-1]["admin"] is True


@pytest.mark.parametrize("status", ["teapot", "\u00b2\u00b9\u00b9"])  # superscript digits: isdigit() yes, int() no
def test_admin_journal_bad_status_filter_is_400(pixop, pixop_client, status: str) -> None:
    response = pixop_client.get(f"{pixop.base_url}/__admin/journal", params={"status": status})
    assert response.status_code == 400
    assert "status" in response.json()["error"]


def test_admin_journal_delete_clears(pixop, pixop_client) -> None:
    pixop_client.get("/accounts/v1/account")
    assert len(pixop.journal) == 2
    cleared = pixop_client.delete(f"{pixop.base_url}/__admin/journal")
    assert (cleared.status_code, cleared.json()) == (200, {"count": 0, "entries": []})
    assert len(pixop.journal) == 0


def test_journal_keeps_only_the_newest_entries() -> None:
    journal = Journal(VirtualClock(), limit=3)
    for number in range(5):
        journal.finish(journal.begin("GET", f"/{number}", "", {}, admin=False))
    assert [e.path for e in journal.entries()] == ["/2", "/3", "/4"]
    lines = journal.export_jsonl().splitlines()
    assert len(lines) == 3 and '"/4"' in lines[-1]
    journal.clear()
    assert journal.entries() == []
    assert journal.begin("GET", "/", "", {}, admin=False).seq == 1


def _fill(journal: Journal, count: int, body: bytes) -> None:
    for i in range(count):
        exchange = journal.begin("GET", f"/media/{i}", "", [("HTTP_ACCEPT", "*/*")], False)
        exchange.status = 200
        exchange.response_headers = [("Content-Type", "application/json")]
        exchange.set_raw_bodies(("", b"", 0), ("application/json", body, len(body)))
        journal.finish(exchange)


def test_journal_is_bounded_by_bytes_and_keeps_the_newest(pixop) -> None:
    body = b'{"blob": "' + b"x" * (900 * 1024) + b'"}'
    old_limit = pixop.journal.max_bytes
    pixop.journal.max_bytes = 8 * 1024 * 1024
    try:
        _fill(pixop.journal, 50, body)
        entries = pixop.journal.entries()
        assert 5 <= len(entries) <= 9  # ~8 MiB of 900 KiB bodies, oldest dropped first
        assert entries[-1].path == "/media/49"
        response = requests.get(f"{pixop.base_url}/__admin/journal", timeout=30)
        assert response.status_code == 200 and response.json()["count"] == len(entries)
    finally:
        pixop.journal.max_bytes = old_limit
        pixop.journal.clear()  # the made-up exchanges are not Pixop endpoints for the contract check


def test_bodies_over_the_summary_limit_keep_only_the_summary(pixop) -> None:
    big = b"y" * (KEEP_BODY_BYTES + 10)
    exchange = pixop.journal.begin("PUT", "/big", "", [], False)
    exchange.set_raw_bodies(("application/octet-stream", big[: KEEP_BODY_BYTES + 1], len(big)), ("text/plain", b"ok", 2))
    pixop.journal.finish(exchange)
    assert exchange.retained_bytes() < 2048  # the megabyte is not held
    assert exchange.request_body == {"size": len(big), "content_type": "application/octet-stream", "truncated": True}
    assert exchange.response_body["text"] == "ok"
    pixop.journal.clear()


def test_reading_ten_thousand_entries_needs_no_deep_copies(pixop) -> None:
    _fill(pixop.journal, 10_000, b'{"project": {"id": "p1", "videos": [1, 2, 3]}}')
    try:
        first = requests.get(f"{pixop.base_url}/__admin/journal", timeout=60)
        assert first.status_code == 200 and first.json()["count"] == 10_000
        requests.get(f"{pixop.base_url}/__admin/journal", params={"path": "/media/1*"}, timeout=60)
        second = requests.get(f"{pixop.base_url}/__admin/journal", timeout=60)
        assert second.status_code == 200 and second.json()["count"] >= 9_990  # admin reads count towards the limit
        client = pixop.app.test_client()
        assert client.get("/__admin/journal").status_code == 200
        view = pixop.journal.entries()[0].to_json()
        view["response_headers"]["X-Edited"] = "yes"
        assert "X-Edited" not in pixop.journal.entries()[0].response_headers
    finally:
        pixop.journal.clear()


@pytest.mark.parametrize(("raw", "expected"), [("4096", 4096), ("", None), ("0", None), ("lots", None), ("\u00b9\u00b2", None)])
def test_journal_byte_bound_from_the_environment(monkeypatch, raw: str, expected: int | None) -> None:
    monkeypatch.setenv("MOCKSERVERS_JOURNAL_MAX_BYTES", raw)
    assert journal_max_bytes() == (expected or DEFAULT_JOURNAL_MAX_BYTES)
