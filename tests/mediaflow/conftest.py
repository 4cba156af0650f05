"""Mediaflow fixtures: clients logged in with the demo API keys."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from mediaflow_helpers import MediaflowClient

from mockservers.core.emulator import Emulator


@pytest.fixture
def mediaflow_client(mediaflow: Emulator) -> MediaflowClient:
    """A client of the (reset) emulator, logged in as the demo user."""
    client = MediaflowClient(mediaflow)
    client.login()
    return client


@pytest.fixture
def make_mediaflow_client(mediaflow: Emulator) -> Callable[..., MediaflowClient]:
    """Factory for further clients (not logged in, or as another user)."""

    def make(refresh_token: str | None = None, login: bool = True) -> MediaflowClient:
        client = MediaflowClient(mediaflow)
        if login:
            client.login(refresh_token)
        return client

    return make
