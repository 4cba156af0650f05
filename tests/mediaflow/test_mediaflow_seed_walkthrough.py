"""The seed article's whole walk-through (mediaflow-api.txt), followed literally."""

from __future__ import annotations

import requests
from mediaflow_helpers import JPEG_960

SEED_FIELDS = "id,name,filename,hasPreview,icon,smallPreview,mediumPreview,width,height,type"


def test_seed_walkthrough_token_latest_images_upload_and_forbidden_folder(mediaflow) -> None:
    base = mediaflow.base_url
    creds = mediaflow.credentials
    # "Anrop för att få tillgång till API:t": GET with the keys in the query string.
    response = requests.get(
        f"{base}/1/oauth2/token?grant_type=refresh_token&client_id={creds['client_id']}"
        f"&client_secret={creds['client_secret']}&refresh_token={creds['refresh_token']}",
        timeout=10,
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 7200
    access_token = answer["access_token"]
    assert access_token.startswith("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.")  # the seed's JWT header: HS256

    # "Dataanrop till API": the latest four processed images with the seed's fields.
    response = requests.get(
        f"{base}/1/file/latest?processed=true&page=1&per_page=4&type=image&fields={SEED_FIELDS}"
        f"&access_token={access_token}",
        timeout=10,
    )
    assert response.status_code == 200
    files = response.json()
    assert isinstance(files, list) and len(files) == 4
    for item in files:
        assert list(item) == ["id", "name", "filename", "type", "width", "height", "hasPreview", "icon",
                              "smallPreview", "mediumPreview"]
        assert item["type"]["type"] == "image"
        assert set(item["type"]) == {"id", "type", "description", "extension"}
        assert item["hasPreview"] is True and item["width"] > 0 and item["height"] > 0
        preview = requests.get(item["smallPreview"], timeout=10)
        assert preview.status_code == 200 and preview.content[:3] == b"\xff\xd8\xff"
    ids = [item["id"] for item in files]
    assert ids == sorted(ids, reverse=True)  # newest first

    # "Ladda upp en fil": POST /1/file, then an XHR upload of the bytes to uploadURL.
    headers = {"Authorization": f"Bearer {access_token}"}
    body = {"filename": "Image01.jpg", "filesize": JPEG_960.stat().st_size, "toFolder": creds["upload_folder_id"]}
    response = requests.post(f"{base}/1/file", json=body, headers=headers, timeout=10)
    assert response.status_code == 200
    assert response.json()["expiresIn"] == 600
    stored = requests.put(response.json()["uploadURL"], data=JPEG_960.read_bytes(), timeout=10)
    assert stored.status_code == 200

    # The forbidden folder: the seed's 403 body, verbatim.
    body["toFolder"] = creds["readonly_folder_id"]
    response = requests.post(f"{base}/1/file", json=body, headers=headers, timeout=10)
    assert response.status_code == 403
    assert response.json() == {"status": 403, "error": "You don´t have permission to upload to this folder"}
