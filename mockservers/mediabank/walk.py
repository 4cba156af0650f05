"""Mediabank's conformance walk for `mockservers contracts check mediabank`.

Credentials: ``email``, ``password``, ``jwt_url`` (the sandbox's --info-file shape), and for the
upload/ingest part ``bucket`` plus ``s3_endpoint_url``/``s3_region``/``s3_access_key_id``/
``s3_secret_access_key`` (without them it is skipped). ``map_application`` names the application.
"""

from __future__ import annotations

import json
from typing import Any

import requests

from mockservers.conformance.check import Walk
from mockservers.core.paths import fixtures_dir

APPLICATION = "mockservers-contracts-check"


def _jwt_url(base_url: str, credentials: dict[str, Any]) -> str:
    return str(credentials.get("jwt_url") or f"{base_url.rstrip('/')}/jwt").rstrip("/")


def authenticate(session: requests.Session, base_url: str, credentials: dict[str, Any]) -> requests.Response:
    """Log in at the JWT service (form fields) and make the session send the token and MAP-Application."""
    answer = session.post(
        _jwt_url(base_url, credentials) + "/login",
        data={"email": credentials["email"], "password": credentials["password"]},
        timeout=30,
    )
    session.headers["MAP-Application"] = str(credentials.get("map_application") or APPLICATION)
    if answer.status_code == 200:
        session.headers["Authorization"] = f"Bearer {answer.json()['token']}"
    return answer


def walk(w: Walk) -> None:
    """Token, refresh, assets (create, get, update form, list, delete), storage, upload + ingest, main errors."""
    jwt = _jwt_url(w.base_url, w.credentials)
    email, password = w.credentials["email"], w.credentials["password"]
    w.call("POST", jwt + "/login", expect=401, why="wrong password", data={"email": email, "password": password + "-wrong"})
    answer = w.call("POST", jwt + "/login", why="log in", data={"email": email, "password": password})
    if answer is None or answer.status_code != 200:
        return
    w.session.headers["Authorization"] = f"Bearer {answer.json()['token']}"
    w.session.headers["MAP-Application"] = str(w.credentials.get("map_application") or APPLICATION)
    refreshed = w.call("POST", jwt + "/refresh", why="refresh the token")
    if refreshed is not None and refreshed.status_code == 200:
        w.session.headers["Authorization"] = f"Bearer {refreshed.json()['token']}"
    assets = w.call("GET", "/asset/", why="list assets", params={"page": "1", "per_page": "5"})
    if assets is not None and assets.status_code == 200 and assets.json().get("assets"):
        w.call("GET", f"/asset/{assets.json()['assets'][0]['id']}", why="get a listed asset")
    w.call("GET", "/asset/", expect=401, why="bad token", headers={"Authorization": "Bearer not-a-jwt"})
    w.call("GET", "/asset/", expect=400, why="no MAP-Application", headers={"MAP-Application": ""})
    w.call("GET", "/asset/does-not-exist", expect=404, why="unknown asset")
    storages = w.call("GET", "/storage/", why="storage configurations")
    ingests = w.call("GET", "/ingest/", why="list ingests")
    if ingests is not None and ingests.status_code == 200 and ingests.json().get("ingests"):
        w.call("GET", f"/ingest/{ingests.json()['ingests'][0]['id']}", why="get a listed ingest")
    created = w.call("POST", "/asset/", writes=True, why="create an asset", json={"metadata": {"Title": "contracts check"}})
    if created is None or created.status_code != 200:
        for method, rule in (("PUT", "/asset/"), ("POST", "/ingest/"), ("DELETE", "/asset/<asset_id>")):
            w.skip(method, rule, "no asset was created")
        return
    asset_id = created.json()["asset"]["id"]
    w.call("GET", f"/asset/{asset_id}", why="get the asset")
    w.call("PUT", "/asset/", why="update (form: id, metadata JSON text, notify)",
           data={"id": asset_id, "metadata": json.dumps({"Title": "contracts check (updated)"}), "notify": "false"})
    w.call("POST", "/asset/", expect=400, writes=True, why="asset without metadata", json={})
    _ingest_walk(w, asset_id, storages)
    w.call("DELETE", f"/asset/{asset_id}", why="delete the asset")


def _ingest_walk(w: Walk, asset_id: str, storages: requests.Response | None) -> None:
    creds = w.credentials
    needed = ("bucket", "s3_endpoint_url", "s3_access_key_id", "s3_secret_access_key")
    if not all(creds.get(k) for k in needed):
        w.skip("POST", "/ingest/", "no S3 credentials to upload with")
        w.skip("GET", "/ingest/<ingest_id>", "no ingest was requested")
        return
    import boto3

    s3 = boto3.client(
        "s3", endpoint_url=creds["s3_endpoint_url"], region_name=creds.get("s3_region") or "us-east-1",
        aws_access_key_id=creds["s3_access_key_id"], aws_secret_access_key=creds["s3_secret_access_key"],
    )
    key = f"contracts-check/{asset_id}/small.mov"
    s3.upload_file(str(fixtures_dir() / "media" / "small.mov"), creds["bucket"], key)
    ingest = w.call("POST", "/ingest/", writes=True, why="ingest the upload", json={"asset_id": asset_id, "key": key, "bucket": creds["bucket"]})
    if ingest is None or ingest.status_code != 200:
        w.skip("GET", "/ingest/<ingest_id>", "the ingest request failed")
        return
    ingest_id = ingest.json()["ingest"]["id"]

    def done() -> bool:
        answer = w.session.get(w.url(f"/ingest/{ingest_id}"), timeout=w.timeout)
        return answer.status_code == 200 and answer.json()["ingest"]["status"] in ("completed", "failed")

    w.wait_until(done, seconds=60)
    w.call("GET", f"/ingest/{ingest_id}", why="the ingest's outcome")
