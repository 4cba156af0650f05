"""The seeded world: determinism, credentials, admin reseed/snapshot, world validation."""

from __future__ import annotations

import requests

from mockservers.core.state import StateContext
from mockservers.mediaflow.state import MediaflowState


def test_world_has_a_few_hundred_files_with_real_geometry(mediaflow) -> None:
    files = list(mediaflow.state.db["files"].values())
    assert 250 <= len(files) <= 400
    images = [f for f in files if f["type"]["type"] == "image" and f["processed"]]
    assert {(f["width"], f["height"]) for f in images} >= {(960, 540), (400, 600), (320, 320)}


def test_credentials_name_folders_with_the_promised_rights(mediaflow) -> None:
    creds = mediaflow.credentials
    demo = str(creds["user_id"])
    folders = mediaflow.state.db["folders"]
    assert folders[str(creds["upload_folder_id"])]["rights"][demo] == "upload"
    assert folders[str(creds["readonly_folder_id"])]["rights"][demo] == "read"
    assert demo not in folders[str(creds["hidden_folder_id"])]["rights"]
    assert {"client_id", "client_secret", "refresh_token"} <= set(creds)


def test_same_seed_same_world_other_seed_other_files(mediaflow) -> None:
    ctx = mediaflow.context
    first = MediaflowState(StateContext(ctx.clock, ctx.scheduler, ctx.blobs, ctx.settings), seed=3)
    again = MediaflowState(StateContext(ctx.clock, ctx.scheduler, ctx.blobs, ctx.settings), seed=3)
    other = MediaflowState(StateContext(ctx.clock, ctx.scheduler, ctx.blobs, ctx.settings), seed=4)
    assert first.db["files"] == again.db["files"]
    assert first.db["files"] != other.db["files"]
    assert first.credentials()["client_id"] == other.credentials()["client_id"]  # keys come from the world file


def test_admin_reseed_and_bad_world(mediaflow) -> None:
    base = mediaflow.base_url
    before = mediaflow.credentials
    response = requests.post(f"{base}/__admin/seed", json={"world": {"folders": []}}, timeout=10)
    assert response.status_code == 400
    assert mediaflow.credentials == before
    response = requests.post(f"{base}/__admin/seed", json={"seed": 11}, timeout=10)
    assert response.status_code == 200
    assert response.json()["credentials"]["refresh_token"] == before["refresh_token"]


def test_admin_snapshot_round_trip(mediaflow, mediaflow_client) -> None:
    base = mediaflow.base_url
    snapshot = requests.get(f"{base}/__admin/state", timeout=10).json()
    stored = mediaflow_client.upload(mediaflow.credentials["upload_folder_id"])
    assert mediaflow_client.get(f"/1/file/{stored['id']}").json()
    assert requests.put(f"{base}/__admin/state", json=snapshot, timeout=10).status_code == 200
    assert mediaflow_client.get(f"/1/file/{stored['id']}").json() == []


def test_faults_apply_to_mediaflow_routes(mediaflow, mediaflow_client) -> None:
    mediaflow.faults.add(kind="status", path="/1/file/latest", status=503, times=1,
                         body={"status": 503, "error": "Service Unavailable"})
    assert mediaflow_client.get("/1/file/latest").status_code == 503
    assert mediaflow_client.get("/1/file/latest").status_code == 200
