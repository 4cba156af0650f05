"""Helpers and fixtures for the bluebillywig tests (imported by name: several conftest modules share one name)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from mockservers.core.auth.hotp import hotp_hex, window_counter
from mockservers.core.emulator import Emulator
from mockservers.core.paths import fixtures_dir

SMALL_MOV = fixtures_dir() / "media" / "small.mov"
TONE_WAV = fixtures_dir() / "media" / "tone.wav"
NOT_MEDIA = fixtures_dir() / "media" / "not_media.bin"


def rpctoken(emulator: Emulator, offset_windows: int = 0, key_id: str | None = None, secret: str | None = None) -> str:
    """An rpctoken for the emulator's virtual now (shifted by whole 120-second windows)."""
    creds = emulator.credentials
    counter = window_counter(emulator.clock.time(), 120) + offset_windows
    return f"{key_id or creds['key_id']}-{hotp_hex(secret or creds['secret'], counter)}"


class BBClient(requests.Session):
    """A requests session bound to the emulator that signs every request with a fresh rpctoken."""

    def __init__(self, emulator: Emulator, sign: bool = True) -> None:
        super().__init__()
        self.emulator = emulator
        self.base_url = emulator.base_url
        self.sign = sign

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        """Relative URLs go to the emulator; rpctoken from its virtual clock unless given."""
        if url.startswith("/"):
            url = self.base_url + url
        headers = dict(kwargs.pop("headers", None) or {})
        if self.sign and "rpctoken" not in headers and "Authorization" not in headers:
            headers["rpctoken"] = rpctoken(self.emulator)
        kwargs.setdefault("timeout", 30)
        return super().request(method, url, *args, headers=headers, **kwargs)


def assert_error(response: requests.Response, status: int, *fragments: str) -> dict[str, Any]:
    """A SAPI failure: the status, the {"error", "code"} body, and words of the message."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "code"} and body["code"] == status, body
    for fragment in fragments:
        assert fragment in body["error"], body
    return body


def last_warnings(emulator: Emulator) -> list[dict[str, str]]:
    """The fidelity warnings of the emulator's last journal entry (code, message, source)."""
    entry = emulator.journal.last()
    assert entry is not None
    return list(entry.warnings)


def warning_codes(emulator: Emulator) -> list[str]:
    """The codes of the last journal entry's fidelity warnings."""
    return [w["code"] for w in last_warnings(emulator)]


@pytest.fixture
def bb(bluebillywig: Emulator) -> BBClient:
    """A signed client of the (reset) emulator."""
    return BBClient(bluebillywig)


@pytest.fixture
def sdk(bluebillywig: Emulator) -> Any:
    """Blue Billywig's official Python SDK, unchanged, pointed at the emulator through its base_url argument."""
    from bb_sapi import SapiClient

    return SapiClient(base_url=bluebillywig.base_url, shared_secret=bluebillywig.credentials["shared_secret"])


def create_clip(client: BBClient, **fields: Any) -> dict[str, Any]:
    """PUT /sapi/mediaclip (create, as documented)."""
    response = client.put("/sapi/mediaclip", json={"title": "A clip", **fields})
    assert response.status_code == 200, response.text
    return response.json()
