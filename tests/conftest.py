"""Shared test helpers: an authenticated Pixop session."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests

from mockservers.core.emulator import Emulator


class PixopClient(requests.Session):
    """A requests session bound to one emulator's base URL."""

    def __init__(self, emulator: Emulator) -> None:
        super().__init__()
        self.base_url = emulator.base_url
        self.emulator = emulator

    def request(self, method: str, url: str, *args, **kwargs):  # type: ignore[override]
        """Relative URLs are resolved against the emulator."""
        if url.startswith("/"):
            url = self.base_url + url
        kwargs.setdefault("timeout", 10)
        return super().request(method, url, *args, **kwargs)

    def login(self, email: str | None = None, password: str | None = None, team_id: str | None = None) -> str:
        """Get a token with Basic auth and use it for the following requests."""
        creds = self.emulator.credentials
        params = {"team-id": team_id} if team_id else None
        response = self.get("/accounts/v1/token", auth=(email or creds["email"], password or creds["password"]), params=params)
        assert response.status_code == 200, response.text
        token = response.json()["jwtToken"]
        self.headers["Authorization"] = f"Bearer {token}"
        return token


@pytest.fixture
def pixop_client(pixop: Emulator) -> PixopClient:
    """A logged-in client of the (reset) Pixop emulator."""
    client = PixopClient(pixop)
    client.login()
    return client


@pytest.fixture
def make_pixop_client(pixop: Emulator) -> Callable[..., PixopClient]:
    """Factory for further clients (other users, other teams)."""

    def make(email: str | None = None, password: str | None = None, team_id: str | None = None, login: bool = True) -> PixopClient:
        client = PixopClient(pixop)
        if login:
            client.login(email, password, team_id)
        return client

    return make
