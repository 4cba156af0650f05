"""Helpers and fixtures for the mediabank tests (imported by name: several conftest modules share one name)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from mockservers.core.emulator import Emulator

MEDIA = Path(__file__).resolve().parents[2] / "fixtures" / "media"
APPLICATION = "mockservers-tests"


class MediabankClient(requests.Session):
    """A requests session bound to one emulator; relative URLs resolve against it."""

    def __init__(self, emulator: Emulator) -> None:
        super().__init__()
        self.emulator = emulator
        self.base_url = emulator.base_url
        self.headers["MAP-Application"] = APPLICATION

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Relative URLs are resolved against the emulator."""
        if url.startswith("/"):
            url = self.base_url + url
        kwargs.setdefault("timeout", 10)
        return super().request(method, url, *args, **kwargs)

    def login(self, email: str | None = None, password: str | None = None) -> str:
        """Get a token from the JWT service (form fields, as the public integration does) and use it."""
        creds = self.emulator.credentials
        response = self.post("/jwt/login", data={"email": email or creds["email"], "password": password or creds["password"]})
        assert response.status_code == 200, response.text
        token = response.json()["token"]
        self.headers["Authorization"] = f"Bearer {token}"
        return token

    def create_asset(self, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
        """A new asset (JSON body)."""
        response = self.post("/asset/", json={"metadata": metadata or {"Title": "Test asset"}})
        assert response.status_code == 200, response.text
        return response.json()["asset"]

    def ingest(self, asset_id: int, key: str, **fields: Any) -> dict[str, Any]:
        """Request an ingest; the accepted ingest document."""
        response = self.post("/ingest/", json={"asset_id": asset_id, "key": key, **fields})
        assert response.status_code == 200, response.text
        return response.json()["ingest"]


def s3_client(credentials: dict[str, Any]) -> Any:
    """A boto3 client built only from the emulator's credentials, as a user would."""
    return boto3.client(
        "s3",
        endpoint_url=credentials["s3_endpoint_url"],
        region_name=credentials["s3_region"],
        aws_access_key_id=credentials["s3_access_key_id"],
        aws_secret_access_key=credentials["s3_secret_access_key"],
    )


def assert_error(response: requests.Response, status: int, error: str | None = None) -> dict[str, Any]:
    """A Mediabank failure: the status and the {"code", "error", "description"} body."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "error", "description"}
    assert body["code"] == status and body["description"]
    if error is not None:
        assert body["error"] == error, body
    return body


@pytest.fixture
def mb_client(mediabank: Emulator) -> MediabankClient:
    """The demo user, logged in, with the clock frozen so tests move time explicitly."""
    mediabank.clock.freeze()
    client = MediabankClient(mediabank)
    client.login()
    return client


@pytest.fixture
def make_mb_client(mediabank: Emulator) -> Callable[..., MediabankClient]:
    """Clients of other seeded users: make_mb_client("editor@mediabank.example", "editor-password")."""

    def make(email: str | None = None, password: str | None = None, login: bool = True) -> MediabankClient:
        client = MediabankClient(mediabank)
        if login:
            client.login(email, password)
        return client

    return make


@pytest.fixture
def upload(mediabank: Emulator) -> Callable[[str, str], str]:
    """Put a fixture media file (or raw bytes) into the demo storage's bucket with boto3; returns the key."""
    client = s3_client(mediabank.credentials)

    def put(key: str, source: str | bytes) -> str:
        body = source if isinstance(source, bytes) else (MEDIA / source).read_bytes()
        client.put_object(Bucket=mediabank.credentials["bucket"], Key=key, Body=body)
        return key

    return put
