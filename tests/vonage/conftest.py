"""Vonage fixtures: clients of the demo account, the other account and without credentials."""

from __future__ import annotations

import pytest
from vonage_helpers import VonageClient

from mockservers.core.emulator import Emulator


@pytest.fixture
def basic(vonage: Emulator) -> tuple[str, str]:
    """The demo account's Basic credentials."""
    return vonage.credentials["api_key"], vonage.credentials["api_secret"]


@pytest.fixture
def client(vonage: Emulator, basic: tuple[str, str]) -> VonageClient:
    """A client of the (reset) emulator authenticated with the demo api_key:api_secret."""
    return VonageClient(vonage, basic)


@pytest.fixture
def anonymous(vonage: Emulator) -> VonageClient:
    """A client without credentials."""
    return VonageClient(vonage)


@pytest.fixture
def other_client(vonage: Emulator) -> VonageClient:
    """A client of the second seeded account."""
    creds = vonage.state.account_credentials("other")  # type: ignore[attr-defined]
    return VonageClient(vonage, (creds["api_key"], creds["api_secret"]))
