"""The seed's real hosts (API, upload, preview, icon) routed in-process with mockservers.intercept."""

from __future__ import annotations

import json

import requests
from mediaflow_helpers import JPEG_960

import mockservers
from mockservers.conformance.traffic import load_traffic, provider_for_host, verify_traffic
from mockservers.validation import exchange_violations

API = "https://customerapi.mediaflowpro.com"


def test_real_hostnames_reach_the_emulator() -> None:
    with mockservers.intercept("mediaflow") as mocked:
        emulator = mocked["mediaflow"]
        creds = emulator.credentials
        token = requests.get(
            f"{API}/1/oauth2/token?grant_type=refresh_token&client_id={creds['client_id']}"
            f"&client_secret={creds['client_secret']}&refresh_token={creds['refresh_token']}", timeout=5,
        ).json()["access_token"]
        latest = requests.get(f"{API}/1/file/latest", params={"per_page": 1, "type": "image", "processed": "true",
                                                                "access_token": token}, timeout=5).json()[0]
        assert latest["smallPreview"].startswith(f"{API}/inviewer/info/")
        # The real preview and icon hosts serve the same paths without the /inviewer prefix.
        preview_path = latest["smallPreview"].split("/inviewer", 1)[1]
        preview = requests.get(f"https://im17.inviewer.se{preview_path}", timeout=5)
        assert preview.status_code == 200 and preview.headers["Content-Type"] == "image/jpeg"
        assert requests.get("https://static.mediaflowpro.com/images/icon101.gif", timeout=5).status_code == 200
        announced = requests.post(f"{API}/1/file", params={"access_token": token}, timeout=5, json={
            "filename": "Image01.jpg", "filesize": JPEG_960.stat().st_size, "toFolder": creds["upload_folder_id"]}).json()
        upload_path = announced["uploadURL"].split(API, 1)[1]
        stored = requests.put(f"https://ftp5.inviewer.se{upload_path}", data=JPEG_960.read_bytes(), timeout=5)
        assert stored.status_code == 200, stored.text
        assert exchange_violations("mediaflow", emulator.journal.entries(include_admin=True)) == []


def test_current_hosts_reach_the_emulator_and_har_traffic_is_routed(tmp_path) -> None:
    with mockservers.intercept("mediaflow") as mocked:
        emulator = mocked["mediaflow"]
        creds = emulator.credentials
        # The docs' token host takes the form post with the client credentials in HTTP Basic.
        answer = requests.post("https://accounts.mediaflow.com/1/oauth2/token", timeout=5,
                               auth=(creds["client_id"], creds["client_secret"]),
                               data={"grant_type": "password", "username": creds["username"], "password": creds["password"]})
        assert answer.status_code == 200, answer.text
        token = answer.json()["access_token"]
        folders = requests.get("https://api.mediaflow.com/1/folders", timeout=5, headers={"Authorization": f"Bearer {token}"})
        assert folders.status_code == 200 and folders.json()[0]["type"] == 0
    assert provider_for_host("api.mediaflow.com") == ("mediaflow", "")
    assert provider_for_host("accounts.mediaflow.com") == ("mediaflow", "")
    har = {"log": {"entries": [
        {"request": {"method": "GET", "url": "https://api.mediaflow.com/1/folders?access_token=x"},
         "response": {"status": 200, "content": {"mimeType": "application/json", "text": json.dumps(folders.json())}}},
        {"request": {"method": "POST", "url": "https://accounts.mediaflow.com/1/oauth2/token",
                     "postData": {"mimeType": "application/json", "text": json.dumps({"grant_type": "refresh_token", "refresh_token": "r"})}},
         "response": {"status": 200, "content": {"mimeType": "application/json", "text": json.dumps(answer.json())}}},
    ]}}
    path = tmp_path / "mediaflow.har"
    path.write_text(json.dumps(har))
    (report,) = verify_traffic(load_traffic(path))
    assert report.provider == "mediaflow" and not report.failed, report.render()
    assert report.counts()["ok"] == 2
