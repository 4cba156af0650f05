"""Mediaflow test helpers: sample files and a client bound to the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from mockservers.core.emulator import Emulator

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
JPEG_960 = FIXTURES / "mediaflow" / "media" / "landscape-960x540.jpg"
SMALL_MOV = FIXTURES / "media" / "small.mov"
BROCHURE = FIXTURES / "mediaflow" / "media" / "brochure.pdf"


class MediaflowClient(requests.Session):
    """A requests session bound to one emulator's base URL."""

    def __init__(self, emulator: Emulator) -> None:
        super().__init__()
        self.base_url = emulator.base_url
        self.emulator = emulator

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Relative URLs are resolved against the emulator."""
        if url.startswith("/"):
            url = self.base_url + url
        kwargs.setdefault("timeout", 10)
        return super().request(method, url, *args, **kwargs)

    def token(self, refresh_token: str | None = None) -> str:
        """An access token for the demo keys (or another user's refresh token)."""
        creds = self.emulator.credentials
        response = self.get("/1/oauth2/token", params={
            "grant_type": "refresh_token", "client_id": creds["client_id"], "client_secret": creds["client_secret"],
            "refresh_token": refresh_token or creds["refresh_token"],
        })
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def login(self, refresh_token: str | None = None) -> str:
        """Get a token and send it as a Bearer header from now on."""
        token = self.token(refresh_token)
        self.headers["Authorization"] = f"Bearer {token}"
        return token

    def announce(self, folder_id: int, path: Path = JPEG_960, filename: str | None = None, size: int | None = None) -> requests.Response:
        """POST /1/file for a local file."""
        body = {"filename": filename or path.name, "filesize": size if size is not None else path.stat().st_size, "toFolder": folder_id}
        return self.post("/1/file", json=body)

    def upload(self, folder_id: int, path: Path = JPEG_960) -> dict[str, Any]:
        """Announce and PUT a file; the upload host's answer."""
        announced = self.announce(folder_id, path)
        assert announced.status_code == 200, announced.text
        stored = self.put(announced.json()["uploadURL"], data=path.read_bytes())
        assert stored.status_code == 200, stored.text
        return stored.json()
