"""Tenancy across customers: a second customer's keys, users, folders and files never mix with the first's."""

from __future__ import annotations

import pytest

OTHER = {"client_id": "7c41aa90", "client_secret": "Rk2pLq8ZtVw4nYb6HcX1mJ3sDf9GaQe",
         "refresh_token": "Wm4TzQ8vLp2XcN6rBk1YhD7sJf3GaE"}


@pytest.fixture
def neighbour(make_mediaflow_client):
    """A client logged in with the second customer's keys."""
    client = make_mediaflow_client(login=False)
    token = client.get("/1/oauth2/token", params={"grant_type": "refresh_token", **OTHER}).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def test_each_customer_sees_only_its_own_folders_and_files(mediaflow, mediaflow_client, neighbour) -> None:
    theirs = neighbour.get("/1/foldertree").json()
    assert [f["name"] for f in theirs] == ["Bilder"] and theirs[0]["parent"] is None
    their_files = {f["id"] for f in neighbour.get("/1/file/latest", params={"per_page": 500, "fields": "id"}).json()}
    assert len(their_files) == 12
    mine = {f["id"] for f in mediaflow_client.get("/1/file/latest", params={"per_page": 500, "fields": "id"}).json()}
    assert mine and not mine & their_files
    assert theirs[0]["id"] not in {f["id"] for f in mediaflow_client.get("/1/foldertree").json()}
    some = min(their_files)
    assert mediaflow_client.get(f"/1/file/{some}").json() == []
    assert mediaflow_client.get(f"/1/folders/{theirs[0]['id']}/files").json() == []
    assert mediaflow_client.get(f"/1/files/{some}/downloads/0").status_code == 404
    assert mediaflow_client.post("/1/files/multiple/usages", json={"id": [some], "types": ["print"]}).status_code == 404
    refused = mediaflow_client.post("/1/file", json={"filename": "x.jpg", "filesize": 5, "toFolder": theirs[0]["id"]})
    assert refused.status_code == 404 and refused.json()["error"] == f"folder {theirs[0]['id']} not found"
    # ...while the owner may do all of it.
    assert neighbour.get(f"/1/files/{some}/downloads/0").status_code == 200
    assert neighbour.post("/1/files/multiple/usages", json={"id": [some], "types": ["print"]}).status_code == 200
    assert mediaflow_client.get(f"/1/file/{some}/usage").json() == []


def test_keys_do_not_cross_customers(mediaflow, make_mediaflow_client) -> None:
    creds = mediaflow.credentials
    client = make_mediaflow_client(login=False)
    mixed = client.get("/1/oauth2/token", params={"grant_type": "refresh_token", "client_id": creds["client_id"],
                                                  "client_secret": creds["client_secret"], "refresh_token": OTHER["refresh_token"]})
    assert mixed.status_code == 401 and "refresh_token is not valid" in mixed.json()["error"]
    login = client.post("/1/oauth2/token", auth=(OTHER["client_id"], OTHER["client_secret"]),
                        data={"grant_type": "password", "username": creds["username"], "password": creds["password"]})
    assert login.status_code == 401
    # A token whose idcust names the first customer but is signed for the second does not verify.
    forged = mediaflow.state.mint_token(6120, idcust=str(creds["customer_id"]))
    response = client.get("/1/folders", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401 and "signature" in response.json()["error"]
