"""Vonage fixtures: clients of the demo account, the other account and without credentials; a loopback file server."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from functools import partial

import pytest
from vonage_helpers import VonageClient

from mockservers.core.emulator import Emulator
from mockservers.core.paths import fixtures_dir


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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def audio_server() -> Iterator[str]:
    """A local HTTP server on 127.0.0.1 serving fixtures/vonage/audio/ (for url uploads)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(fixtures_dir() / "vonage" / "audio")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
