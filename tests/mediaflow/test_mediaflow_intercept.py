"""The seed's real hosts (API, upload, preview, icon) routed in-process with mockservers.intercept."""

from __future__ import annotations

import requests
from mediaflow_helpers import JPEG_960

import mockservers
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
