"""Shared test helpers: an authenticated Pixop session."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
import requests
from hypothesis import HealthCheck, settings

from mockservers.core.emulator import Emulator

# The suite's Hypothesis profile: derandomized (same examples every run, like everything else here),
# no example database, no per-example deadline (examples make real HTTP calls on a shared 2-core box).
settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", parent=settings.get_profile("ci"), max_examples=500, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


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
