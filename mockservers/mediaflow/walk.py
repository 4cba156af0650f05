"""Mediaflow's conformance walk for `mockservers contracts check mediaflow`.

Credentials (the sandbox's --info-file shape): ``client_id``, ``client_secret``, ``refresh_token``;
``upload_folder_id`` / ``readonly_folder_id`` enable the upload calls; ``media`` may name a small
image to upload (default: fixtures/mediaflow/media/landscape-640x427.jpg).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from mockservers.conformance.check import SessionCredential, Walk
from mockservers.core.paths import fixtures_dir

SEED_FIELDS = "id,name,filename,hasPreview,icon,smallPreview,mediumPreview,width,height,type"
UPLOAD = "/up/<token>"


def token_params(credentials: dict[str, Any], **overrides: str) -> dict[str, str]:
    """The seed's token query: grant_type=refresh_token with the three keys."""
    params = {
        "grant_type": "refresh_token",
        "client_id": credentials["client_id"],
        "client_secret": credentials["client_secret"],
        "refresh_token": credentials["refresh_token"],
    }
    params.update(overrides)
    return params


def authenticate(session: requests.Session, base_url: str, credentials: dict[str, Any]) -> requests.Response:
    """Get an access token and make the session send it as Bearer (the fuzz run reuses this).

    A request's own Authorization header of another form is sent as it is (see SessionCredential): a
    fuzz case's broken header must reach the emulator as generated, not be replaced by this login.
    """
    answer = session.get(base_url + "/1/oauth2/token", params=token_params(credentials), timeout=30)
    if answer.status_code == 200:
        session.auth = SessionCredential(f"Bearer {answer.json()['access_token']}", replace_schemes=("bearer",))
    return answer


def walk(w: Walk) -> None:
    """Token (and its errors), files, folders, usage, then an upload and its processing."""
    creds = w.credentials
    w.call("GET", "/1/oauth2/token", expect=401, why="wrong client_secret", params=token_params(creds, client_secret="wrong"))
    w.call("GET", "/1/oauth2/token", expect=400, why="wrong grant_type", params=token_params(creds, grant_type="client_credentials"))
    w.call("POST", "/1/oauth2/token", why="token by form post", data=token_params(creds))
    if creds.get("username") and creds.get("password"):
        w.call("POST", "/1/oauth2/token", why="password grant, client credentials in HTTP Basic",
               auth=(creds["client_id"], creds["client_secret"]),
               data={"grant_type": "password", "username": creds["username"], "password": creds["password"]})
    w.call("GET", "/1/oauth2/authorize", expect=302, why="authorize step (approved without a browser)", allow_redirects=False,
           params={"response_type": "code", "client_id": creds["client_id"], "redirect_uri": "https://example.com/cb"})
    answer = w.call("GET", "/1/oauth2/token", why="token (the seed's call)", params=token_params(creds))
    if answer is None or answer.status_code != 200:
        return
    w.session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    w.call("GET", "/1/folders", expect=401, why="a token that is not a JWT", headers={"Authorization": "Bearer nope"})
    latest = w.call("GET", "/1/file/latest", why="latest four images (the seed's fields)",
                    params={"processed": "true", "page": "1", "per_page": "4", "type": "image", "fields": SEED_FIELDS})
    w.call("GET", "/1/file/latest", why="an unknown field is left out", params={"fields": "id,nope", "per_page": "1"})
    w.call("GET", "/1/format", why="download formats")
    files = latest.json() if latest is not None and latest.status_code == 200 else []
    if files:
        first = files[0]
        w.call("GET", f"/1/file/{first['id']}", why="one file")
        if first.get("smallPreview"):
            w.call("GET", first["smallPreview"], why="small preview")
        w.call("GET", first["icon"], why="type icon")
        w.call("GET", f"/1/file/{first['id']}", why="every field", params={"fields": "any"})
        w.call("GET", f"/1/files/{first['id']}/downloads", why="a file's download formats")
        w.call("GET", f"/1/files/{first['id']}/downloads/0", why="the original bytes")
        w.call("GET", f"/1/file/{first['id']}/usage", why="usages of a file")
        w.call("GET", f"/1/files/{first['id']}/usages", why="usages of a file (plural path)")
        w.call("POST", "/1/files/multiple/usages", writes=True, why="report a usage of several files",
               json={"id": [first["id"]], "types": ["web"], "amount": 1, "removed": False, "date": "2026-01-05 10:00:00",
                     "web": {"page": "https://example.com/", "pageName": "Check"}})
        w.call("POST", f"/1/file/{first['id']}/usage", writes=True, why="report a usage",
               json={"contact": "contracts check", "types": ["web"], "web": {"page": "https://example.com/", "pageName": "Check"}})
    w.call("GET", "/1/file/1", why="an unknown file is []")
    w.call("POST", "/1/file/1/usage", expect=404, writes=True, why="usage of an unknown file", json={"types": ["print"]})
    top = w.call("GET", "/1/folders", why="top folders")
    w.call("GET", "/1/foldertree", why="folder tree")
    folders = top.json() if top is not None and top.status_code == 200 else []
    if folders:
        w.call("GET", f"/1/folders/{folders[0]['id']}", why="one folder")
        w.call("GET", f"/1/folders/{folders[0]['id']}/children", why="child folders")
        w.call("GET", f"/1/folders/{folders[0]['id']}/files", why="files of a folder", params={"per_page": "5"})
        w.call("GET", f"/1/folder/{folders[0]['id']}/files", why="files of a folder (the docs guide's path)",
               params={"per_page": "5", "type": "any"})
    _upload_walk(w)


def _upload_walk(w: Walk) -> None:
    creds = w.credentials
    media = Path(creds.get("media") or fixtures_dir() / "mediaflow" / "media" / "landscape-640x427.jpg")
    content = media.read_bytes()
    body = {"filename": media.name, "filesize": len(content)}
    w.call("POST", "/1/file", expect=400, writes=True, why="announce without toFolder", json=body)
    if creds.get("readonly_folder_id"):
        w.call("POST", "/1/file", expect=403, writes=True, why="a folder without upload rights",
               json={**body, "toFolder": creds["readonly_folder_id"]})
    if not creds.get("upload_folder_id"):
        for method in ("PUT", "POST", "OPTIONS"):
            w.skip(method, UPLOAD, "no upload_folder_id in the credentials")
        return
    announced = w.call("POST", "/1/file", writes=True, why="announce an upload", json={**body, "toFolder": creds["upload_folder_id"]})
    if announced is None or announced.status_code != 200:
        return
    url = announced.json()["uploadURL"]
    w.call("OPTIONS", url, expect=204, why="CORS preflight")
    w.call("PUT", url, expect=400, why="wrong size", data=content[:-1])
    stored = w.call("PUT", url, why="upload the bytes", data=content)
    w.call("POST", url, expect=410, why="the URL works once", files={"file": (media.name, content)})
    if stored is None or stored.status_code != 200:
        return
    file_id = stored.json()["id"]

    def processed() -> bool:
        answer = w.session.get(w.url(f"/1/file/{file_id}"), params={"fields": "processed"}, timeout=w.timeout)
        return answer.status_code == 200 and bool(answer.json()) and answer.json()[0].get("processed") is True

    if not w.wait_until(processed, seconds=60):
        w.report.violation("walk", f"uploaded file {file_id} was not processed within 60 s")
    w.call("GET", f"/1/file/{file_id}", why="the uploaded file, processed")
