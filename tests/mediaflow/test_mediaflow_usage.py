"""Usage reports: the per-file form, POST /1/files/multiple/usages, dates, read-back, and the plugins' exact calls."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import pytest
import requests

import mockservers
from mockservers.pytest_plugin import check_contracts
from mockservers.validation import exchange_violations


def _some_file(client, **params) -> int:
    return client.get("/1/file/latest", params={"per_page": 1, "fields": "id", **params}).json()[0]["id"]


def test_usage_report_is_stored(mediaflow, mediaflow_client) -> None:
    file_id = _some_file(mediaflow_client)
    body = {"contact": "Anna Andersson", "types": ["web"], "web": {"page": "https://example.se/nyheter/1", "pageName": "Nyheter"},
            "project": "Webben", "date": "2026-02-01", "amount": 2, "description": "Startsidan", "removed": False}
    response = mediaflow_client.post(f"/1/file/{file_id}/usage", json=body)
    assert response.status_code == 200, response.text
    usage = response.json()
    assert usage["fileId"] == file_id and usage["web"] == body["web"] and usage["date"] == "2026-02-01"
    assert (usage["amount"], usage["description"], usage["removed"]) == (2, "Startsidan", False)
    assert mediaflow_client.get(f"/1/file/{file_id}/usage").json() == [usage]
    assert mediaflow_client.get(f"/1/files/{file_id}/usages").json() == [usage]
    minimal = mediaflow_client.post(f"/1/file/{file_id}/usage", json={"types": ["print"]}).json()
    assert minimal["date"] == mediaflow.clock.now().date().isoformat() and minimal["removed"] is False


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("2026-02-01", "2026-02-01"), ("2026-02-01 14:30:05", "2026-02-01T14:30:05"),
     ("2026-02-01T14:30:05+01:00", "2026-02-01T14:30:05+01:00"), ("2026-02-01T14:30:05Z", "2026-02-01T14:30:05+00:00"),
     ("2026-02-01 14:30:05.123456+00:00", "2026-02-01T14:30:05+00:00"), ("2026-02-01T14:30", "2026-02-01T14:30:00")],
)
def test_usage_dates_with_or_without_time_and_offset(mediaflow_client, sent, stored) -> None:
    file_id = _some_file(mediaflow_client)
    response = mediaflow_client.post(f"/1/file/{file_id}/usage", json={"types": ["print"], "date": sent})
    assert response.status_code == 200, response.text
    assert response.json()["date"] == stored


@pytest.mark.parametrize(
    ("body", "needle"),
    [({}, "types is required"), ({"types": "web"}, "types must be"), ({"types": ["web"]}, "web {page, pageName} is required"),
     ({"types": ["web"], "web": {"page": "not a url"}}, "web.page"), ({"types": ["x"], "date": "2026-13-01"}, "date must be"),
     ({"types": ["x"], "date": "yesterday"}, "date must be"), ({"types": ["x"], "contact": 5}, "contact must be"),
     ({"types": ["x"], "amount": -1}, "amount must be"), ({"types": ["x"], "removed": "maybe"}, "removed must be")],
)
def test_usage_validation(mediaflow_client, body, needle) -> None:
    file_id = _some_file(mediaflow_client)
    response = mediaflow_client.post(f"/1/file/{file_id}/usage", json=body)
    assert response.status_code == 400
    assert needle in response.json()["error"]
    assert mediaflow_client.get(f"/1/file/{file_id}/usage").json() == []


def test_unknown_usage_field_is_accepted_with_a_warning(mediaflow, mediaflow_client) -> None:
    file_id = _some_file(mediaflow_client)
    response = mediaflow_client.post(f"/1/file/{file_id}/usage", json={"types": ["x"], "colour": 1})
    assert response.status_code == 200
    assert [w["code"] for w in mediaflow.journal.entries()[-1].warnings] == ["unknown-field"]
    violations = [str(v) for v in check_contracts(mediaflow)]
    assert len(violations) == 1 and "'colour' was unexpected" in violations[0]
    mediaflow.journal.clear()  # this test sent it on purpose


def test_usage_of_unknown_file_is_404(mediaflow_client) -> None:
    response = mediaflow_client.post("/1/file/1/usage", json={"types": ["print"]})
    assert response.status_code == 404 and response.json() == {"status": 404, "error": "file 1 not found"}


def test_multiple_files_usage_is_stored_per_file(mediaflow_client) -> None:
    ids = [f["id"] for f in mediaflow_client.get("/1/file/latest", params={"per_page": 3, "fields": "id"}).json()]
    body = {"id": ids, "types": ["web"], "date": "2026-02-01 10:00:00", "contact": "Redaktör", "amount": 1,
            "project": "WordPress", "web": {"page": "https://kommun.example/a", "pageName": "A"}, "removed": True}
    response = mediaflow_client.post("/1/files/multiple/usages", json=body)
    assert response.status_code == 200, response.text
    stored = response.json()
    assert [u["fileId"] for u in stored] == ids and all(u["removed"] is True for u in stored)
    for file_id, usage in zip(ids, stored, strict=True):
        assert mediaflow_client.get(f"/1/file/{file_id}/usage").json() == [usage]


def test_multiple_usage_is_all_or_nothing(mediaflow_client) -> None:
    file_id = _some_file(mediaflow_client)
    response = mediaflow_client.post("/1/files/multiple/usages", json={"id": [file_id, 1], "types": ["print"]})
    assert response.status_code == 404 and response.json()["error"] == "file 1 not found"
    assert mediaflow_client.get(f"/1/file/{file_id}/usage").json() == []
    missing = mediaflow_client.post("/1/files/multiple/usages", json={"types": ["print"]})
    assert missing.status_code == 400 and "id is required" in missing.json()["error"]


def test_usage_is_per_customer(mediaflow, mediaflow_client, make_mediaflow_client) -> None:
    # A file of a folder the demo user cannot read: reporting on it is a 404, as for an unknown file.
    hidden = next(f for f in mediaflow.state.db["files"].values() if f["folderId"] == mediaflow.credentials["hidden_folder_id"])
    response = mediaflow_client.post("/1/files/multiple/usages", json={"id": [hidden["id"]], "types": ["print"]})
    assert response.status_code == 404


def test_plugins_report_usage_exactly_as_they_do() -> None:
    """Token and usage calls shaped as Mediaflow's WordPress plugin (2.0.28, and 2.0.22) and Wagtail plugins send them."""
    with mockservers.intercept("mediaflow") as mocked:
        emulator = mocked["mediaflow"]
        creds = emulator.credentials
        image_id, video_id = _first_of(emulator, "image"), _first_of(emulator, "video")
        # Wagtail (mediaflowimage 1.0.6 / mediaflowvideo 1.0.2): token by a GET on api.mediaflow.com with the
        # query string concatenated by hand, then POST /1/file/{id}/usage?access_token=... with json= and Accept.
        for file_id in (image_id, video_id):
            token = requests.get(
                "https://api.mediaflow.com/1/oauth2/token?client_id=" + creds["client_id"] + "&client_secret="
                + creds["client_secret"] + "&grant_type=refresh_token&refresh_token=" + creds["refresh_token"],
                headers={"Accept": "application/json"}, timeout=5,
            ).json()["access_token"]
            published = datetime(2026, 1, 5, 9, 30, 12, 345678, tzinfo=timezone.utc)
            post_data = {"contact": "admin", "types": ["web"], "web": {"page": "http://localhost/nyheter/", "pageName": "Nyheter"},
                         "project": "localhost [default]", "date": str(published)}
            answer = requests.post("https://api.mediaflow.com/1/file/" + str(file_id) + "/usage?access_token=" + token,
                                   json=post_data, headers={"Accept": "application/json"}, timeout=5)
            assert answer.status_code == 200, answer.text
            assert answer.json()["date"] == "2026-01-05T09:30:12+00:00"
        # WordPress 2.0.28: wp_remote_get of the token on api.mediaflow.com (http_build_query), then wp_remote_post
        # of json_encode(...) (slashes escaped; amount "1" and removed "true"/"false" as strings; local
        # 'Y-m-d H:i:s') to /1/file/{intval id}/usage with Bearer and JSON headers.
        query = urlencode({"grant_type": "refresh_token", "client_id": creds["client_id"],
                           "client_secret": creds["client_secret"], "refresh_token": creds["refresh_token"]})
        wp_headers = {"User-Agent": "WordPress/6.7.1; https://kommun.example", "Accept": "*/*"}
        token = requests.get(f"https://api.mediaflow.com/1/oauth2/token?{query}", headers=wp_headers,
                             timeout=5).json()["access_token"]
        when = datetime(2026, 1, 6, 10, 0, tzinfo=timezone(timedelta(hours=1))).strftime("%Y-%m-%d %H:%M:%S")
        for removed in ("false", "true"):
            body = json.dumps({"amount": "1", "date": when, "project": "WordPress", "contact": "Anna Redaktör",
                               "removed": removed, "types": ["web"],
                               "web": {"page": "https://kommun.example/?p=42", "pageName": "Nyheter"}}).replace("/", "\\/")
            answer = requests.post(f"https://api.mediaflow.com/1/file/{image_id}/usage", data=body, timeout=5,
                                   headers={**wp_headers, "Authorization": "Bearer " + token, "Content-Type": "application/json"})
            assert answer.status_code == 200, answer.text
            assert emulator.journal.entries()[-1].warnings == []  # the plugin's forms are the service's own
        # WordPress 2.0.22: the same token call on the legacy host, then the multiple-files form with JSON
        # numbers and booleans, 'Y-m-d', and the REST parameter's id as a string.
        token = requests.get(f"https://customerapi.mediaflowpro.com/1/oauth2/token?{query}", headers=wp_headers,
                             timeout=5).json()["access_token"]
        body = json.dumps({"amount": 1, "date": "2026-01-07", "id": [str(image_id)], "project": "WordPress",
                           "contact": "Anna Redaktör", "removed": True, "types": ["web"],
                           "web": {"page": "https://kommun.example/?p=42", "pageName": "Nyheter"}}).replace("/", "\\/")
        answer = requests.post("https://customerapi.mediaflowpro.com/1/files/multiple/usages", data=body, timeout=5,
                               headers={**wp_headers, "Authorization": "Bearer " + token, "Content-Type": "application/json"})
        assert answer.status_code == 200, answer.text
        # The reports read back, on either host.
        token = requests.get(f"https://api.mediaflow.com/1/oauth2/token?{query}", timeout=5).json()["access_token"]
        reports = requests.get(f"https://api.mediaflow.com/1/file/{image_id}/usage", timeout=5,
                               headers={"Authorization": f"Bearer {token}"}).json()
        assert [(r["project"], r["removed"], r["date"], r["web"]["page"]) for r in reports] == [
            ("localhost [default]", False, "2026-01-05T09:30:12+00:00", "http://localhost/nyheter/"),
            ("WordPress", False, "2026-01-06T10:00:00", "https://kommun.example/?p=42"),
            ("WordPress", True, "2026-01-06T10:00:00", "https://kommun.example/?p=42"),
            ("WordPress", True, "2026-01-07", "https://kommun.example/?p=42"),
        ]
        assert reports[1]["amount"] == 1 and reports[1]["contact"] == "Anna Redaktör"
        assert exchange_violations("mediaflow", emulator.journal.entries(), check_requests=True) == []


def _first_of(emulator, kind: str) -> int:
    """A processed file of a kind in a folder the demo user may read."""
    user = emulator.state.user_by_key("demo")
    return next(f["id"] for f in emulator.state.files(user, processed=True, kinds=[kind]))
