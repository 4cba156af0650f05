"""Vonage's conformance walk for `mockservers contracts check vonage`.

Credentials (the sandbox's --info-file shape): ``api_key`` and ``api_secret`` (Basic), ``application_id`` and
``private_key`` (a PEM, to mint the application JWT Vonage recommends); ``media`` may name a small audio
file to upload (default: fixtures/vonage/audio/beep.wav).
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import jwt
import requests
from cryptography.hazmat.primitives import serialization

from mockservers.conformance.check import SessionCredential, Walk
from mockservers.core.paths import fixtures_dir

# Vonage's JWT guide: RS256 with the application's private key; without exp a token lives 15 minutes,
# which is also what the official SDKs set (exp = iat + 900).
JWT_LIFETIME = 15 * 60
INFO = "/v3/media/<media_id>/info"
ITEM = "/v3/media/<media_id>"
WIDE_START = "2000-01-01T00:00:00.000Z"  # list far back: the default window is only the last week


def mint_jwt(application_id: str, private_key: str, now: float | None = None, lifetime: int = JWT_LIFETIME) -> str:
    """An application JWT as Vonage's SDKs make it: application_id, iat, exp, jti; RS256."""
    issued = int(time.time() if now is None else now)
    claims = {"application_id": application_id, "iat": issued, "exp": issued + lifetime, "jti": str(uuid.uuid4())}
    return jwt.encode(claims, _load_key(private_key), algorithm="RS256", headers={"typ": "JWT"})


@cache
def _load_key(pem: str) -> Any:
    """A parsed private key (cached: parsing a PEM costs ~70 ms, signing with it well under 1 ms)."""
    return serialization.load_pem_private_key(pem.encode(), password=None)


# Credentials Vonage takes in the query: a request naming one brings its own.
_QUERY_CREDENTIALS = ("jwt-token", "api_key", "api_secret")


def authenticate(session: requests.Session, base_url: str, credentials: dict[str, Any]) -> requests.Response | None:
    """Make the session send a JWT minted from application_id/private_key, else Basic api_key:api_secret.

    Vonage has no login call (the client signs its own tokens), so nothing is requested and None returned.
    The credential is a :class:`SessionCredential`: a request's own credential takes its place.
    """
    if credentials.get("application_id") and credentials.get("private_key"):
        token = mint_jwt(credentials["application_id"], credentials["private_key"])
        session.auth = SessionCredential(f"Bearer {token}", own_query=_QUERY_CREDENTIALS)
    else:
        basic = base64.b64encode(f"{credentials['api_key']}:{credentials['api_secret']}".encode()).decode()
        session.auth = SessionCredential(f"Basic {basic}", own_query=_QUERY_CREDENTIALS)
    return None


def anonymous(request: requests.PreparedRequest) -> requests.PreparedRequest:
    """A requests auth that sends no credentials, whatever the session would add."""
    request.headers.pop("Authorization", None)
    return request


def walk(w: Walk) -> None:
    """Auth (JWT, Basic, errors), list and paging, info, the main 400/404s; then upload..delete of one item."""
    creds = w.credentials
    key, secret = creds.get("api_key"), creds.get("api_secret")
    w.call("GET", "/v3/media", expect=401, why="no credentials", auth=anonymous, params={"start_time": WIDE_START})
    if key and secret:
        w.call("GET", "/v3/media", expect=401, why="wrong api_secret", auth=(key, secret + "-wrong"), params={"page_size": "1"})
        w.call("GET", "/v3/media", expect=(200, 404), why="list with Basic", auth=(key, secret), params={"page_size": "1"})
    authenticate(w.session, w.base_url, creds)
    w.call("GET", "/v3/media", expect=401, why="a token that is not a JWT", headers={"Authorization": "Bearer not-a-jwt"})
    listed = w.call(
        "GET", "/v3/media", expect=(200, 404), why="list (all time, 5 a page)",
        params={"start_time": WIDE_START, "page_size": "5", "order": "descending"},
    )
    w.call("GET", "/v3/media", expect=400, why="page_size 0", params={"page_size": "0"})
    w.call("GET", "/v3/media", expect=400, why="unknown order", params={"order": "sideways"})
    w.call("GET", "/v3/media", expect=400, why="start_time not a timestamp", params={"start_time": "yesterday"})
    w.call("GET", f"/v3/media/{uuid.uuid4()}/info", expect=404, why="unknown media id")
    if listed is not None and listed.status_code == 200:
        body = listed.json()
        items = body["_embedded"]["media"]
        if items:
            w.call("GET", f"/v3/media/{items[0]['id']}/info", why="info of a listed item")
            if w.read_only:
                # HEAD reads the download's headers without fetching (or counting) the file.
                w.call("HEAD", f"/v3/media/{items[0]['id']}", expect=(200, 401), why="download headers of a listed item")
        next_link = body.get("_links", {}).get("next", {}).get("href")
        if next_link:
            w.call("GET", next_link, why="follow the next link")
    if w.read_only:
        for method, rule in (("PUT", INFO), ("POST", INFO), ("PUT", ITEM), ("DELETE", ITEM)):
            w.skip(method, rule, "read-only: the walk only changes an item it uploaded itself")
    _write_walk(w)


def _write_walk(w: Walk) -> None:
    media = Path(w.credentials.get("media") or fixtures_dir() / "vonage" / "audio" / "beep.wav")
    content = media.read_bytes()
    w.call("POST", "/v3/media", expect=400, writes=True, why="upload without a file or url", data={"filename": "x.wav"})
    info = {"metadata_primary": "contracts-check", "title": "contracts check"}
    uploaded = w.call(
        "POST", "/v3/media", expect=201, writes=True, why="upload (multipart filedata)",
        files={"filedata": (media.name, content, "audio/vnd.wave" if media.suffix == ".wav" else "application/octet-stream")},
        data={"filename": media.name, "info": json.dumps(info)},
    )
    if uploaded is None or uploaded.status_code != 201:
        return
    media_id = uploaded.json()["id"]
    info_url = uploaded.headers.get("Location") or f"/v3/media/{media_id}/info"
    try:
        _item_walk(w, media_id, info_url, content)
    finally:
        w.call("DELETE", f"/v3/media/{media_id}", expect=204, why="delete the uploaded item")
    w.call("GET", f"/v3/media/{media_id}/info", expect=404, why="info after delete")
    w.call("DELETE", f"/v3/media/{media_id}", expect=404, why="delete it again")


def _item_walk(w: Walk, media_id: str, info_url: str, content: bytes) -> None:
    fetched = w.call("GET", info_url, why="follow the Location header")
    if fetched is not None and fetched.status_code == 200 and fetched.json().get("media_size") != len(content):
        w.report.violation("walk", f"media_size {fetched.json().get('media_size')} is not the uploaded {len(content)} bytes")
    w.call("PUT", f"/v3/media/{media_id}/info", expect=204, why="update info (JSON)", json={"title": "checked", "public": False})
    w.call("PUT", f"/v3/media/{media_id}/info", expect=400, why="public not a boolean", json={"public": "maybe"})
    w.call("PUT", f"/v3/media/{uuid.uuid4()}/info", expect=404, why="update an unknown item", json={"title": "x"})
    w.call("POST", f"/v3/media/{media_id}/info", expect=204, why="update info (form, the docs' example)", data={"metadata_secondary": "7"})
    w.call("PUT", f"/v3/media/{media_id}", expect=204, why="update (the SDKs' route)", json={"public": True, "max_downloads_allowed": 0})
    download = w.call("GET", f"/v3/media/{media_id}", why="download")
    if download is not None and download.status_code == 200:
        if download.content != content:
            w.report.violation("walk", "the downloaded file differs from the uploaded one")
        etag = download.headers.get("ETag")
        if etag:
            w.call("GET", f"/v3/media/{media_id}", expect=304, why="conditional download", headers={"If-None-Match": etag})
    w.call("GET", f"/v3/media/{media_id}", expect=206, why="ranged download", headers={"Range": "bytes=0-9"})
    w.call("GET", f"/v3/media/{media_id}", why="public download without credentials", auth=anonymous)
    w.call("PUT", f"/v3/media/{media_id}/info", expect=204, why="make it private again", json={"public": False})
    w.call("GET", f"/v3/media/{media_id}", expect=401, why="private download without credentials", auth=anonymous)
