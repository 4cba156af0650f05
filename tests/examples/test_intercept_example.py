"""Executable documentation: unchanged client code that talks to https://staging-api.pixop.com, tested offline.

`mockservers.intercept` (or the `mockservers_intercept` fixture) answers the
real hostnames from emulators in the same process, like moto does for AWS:
no base-URL setting to inject, no socket, and any other host is refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

import mockservers
from mockservers.intercept import HostNotAllowed

SMALL_MOV = Path(__file__).resolve().parents[2] / "fixtures" / "media" / "small.mov"


# --- the user's client code, unchanged: it knows only Pixop's real address -------------
class PixopUploader:
    """Logs in, creates a video and uploads a file, against the real Pixop staging host."""

    API = "https://staging-api.pixop.com"

    def __init__(self, email: str, password: str) -> None:
        self.session = requests.Session()
        token = self.session.get(f"{self.API}/accounts/v1/token", auth=(email, password), timeout=10).json()["jwtToken"]
        self.session.headers["Authorization"] = f"Bearer {token}"

    def upload(self, path: Path) -> str:
        video = self.session.put(f"{self.API}/videos/v1/video", json={"name": path.stem}, timeout=10).json()
        with open(path, "rb") as handle:
            self.session.post(video["uploadMediaUrl"], files={"file": (path.name, handle)}, timeout=10).raise_for_status()
        return video["videoId"]


# --- the examples ---------------------------------------------------------------------
def test_context_manager() -> None:
    with mockservers.intercept("pixop") as mocked:
        creds = mocked["pixop"].credentials  # the emulator behind the real hostname
        video_id = PixopUploader(creds["email"], creds["password"]).upload(SMALL_MOV)
        assert mocked["pixop"].journal.last(method="POST").path == f"/media/v1/upload/{video_id}"


def test_pytest_fixture(mockservers_intercept, pixop) -> None:
    """The fixture routes into the usual `pixop` fixture: reset, contract-checked, clock and faults at hand."""
    uploader = PixopUploader(pixop.credentials["email"], pixop.credentials["password"])
    pixop.faults.add(kind="drop", path="/videos/v1/video", times=1)
    with pytest.raises(requests.ConnectionError):
        uploader.upload(SMALL_MOV)
    assert uploader.upload(SMALL_MOV)  # the client's second try gets through


pixop_only = mockservers.intercept("pixop")


@pixop_only
def test_decorator() -> None:
    creds = pixop_only["pixop"].credentials
    PixopUploader(creds["email"], creds["password"]).upload(SMALL_MOV)
    with pytest.raises(HostNotAllowed, match="api.example.net"):
        requests.get("https://api.example.net/", timeout=10)  # never reaches the internet
