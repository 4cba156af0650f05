"""Executable documentation: each feature of the pytest plugin, written as a user would.

`pip install mockservers` registers the plugin; the `pixop` fixture is a running
Pixop emulator, reset before every test.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from mockservers import EmulatorConfig, create_emulator

SMALL_MOV = Path(__file__).resolve().parents[2] / "fixtures" / "media" / "small.mov"


# --- the user's client code under test ----------------------------------------
class MyPixopClient:
    """A minimal client like the one a team would write; `wait` is injectable so tests need not sleep."""

    def __init__(self, base_url: str, email: str, password: str, wait=time.sleep) -> None:
        self.base, self.auth, self.wait = base_url, (email, password), wait
        self.session = requests.Session()

    def login(self) -> None:
        token = self.session.get(f"{self.base}/accounts/v1/token", auth=self.auth, timeout=5).json()["jwtToken"]
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, url: str, **kwargs) -> requests.Response:
        """Retries 429s (honouring Retry-After) and re-logs in once on an expired token."""
        for _ in range(5):
            response = self.session.request(method, url, timeout=5, **kwargs)
            if response.status_code == 429:
                self.wait(int(response.headers["Retry-After"]))
                continue
            if response.status_code == 401 and response.json()["exception"] == "ExpiredJWTTokenException":
                self.login()
                continue
            return response
        return response

    def upload_and_wait(self, path: Path) -> dict:
        created = self.call("PUT", f"{self.base}/videos/v1/video", json={"name": path.stem}).json()
        with open(path, "rb") as handle:
            uploaded = self.call("POST", created["uploadMediaUrl"], files={"file": (path.name, handle)}).json()
        while True:
            state = self.call("GET", uploaded["checkIngestProgressUrl"]).json()["ingestionState"]
            if state["ingestionStatus"] in ("DONE", "FAILED"):
                return state
            self.wait(5)


# --- the examples -------------------------------------------------------------
def test_fixture_gives_a_running_emulator(pixop) -> None:
    creds = pixop.credentials  # demo user of the seeded world
    response = requests.get(f"{pixop.base_url}/accounts/v1/token", auth=(creds["email"], creds["password"]), timeout=5)
    assert response.json()["teamId"] == creds["team_id"]


def test_polling_without_sleeping(pixop) -> None:
    """Advance the virtual clock instead of sleeping: the client's wait() moves time."""
    pixop.clock.freeze()
    client = MyPixopClient(pixop.base_url, pixop.credentials["email"], pixop.credentials["password"], wait=pixop.clock.advance)
    client.login()
    assert client.upload_and_wait(SMALL_MOV)["ingestionStatus"] == "DONE"


def test_token_expiry_is_handled(pixop) -> None:
    client = MyPixopClient(pixop.base_url, pixop.credentials["email"], pixop.credentials["password"])
    client.login()
    pixop.clock.advance(16 * 60)  # tokens live 15 minutes on the virtual clock
    assert client.call("GET", f"{pixop.base_url}/accounts/v1/account").status_code == 200
    logins = pixop.journal.entries(method="GET", path="/accounts/v1/token")
    assert len(logins) == 2  # the client logged in again after the 401


def test_rate_limit_fault_is_retried(pixop) -> None:
    pixop.faults.add(kind="rate_limit", path="/videos/v1/*", limit=2, window_seconds=30)
    client = MyPixopClient(pixop.base_url, pixop.credentials["email"], pixop.credentials["password"], wait=pixop.clock.advance)
    client.login()
    statuses = [client.call("GET", f"{pixop.base_url}/videos/v1/projects").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert [e.status for e in pixop.journal.entries(path="/videos/v1/projects")] == [200, 200, 429, 200]


def test_fail_the_next_two_calls(pixop) -> None:
    pixop.faults.add(kind="status", method="GET", path="/accounts/v1/token", status=503, body={"error": "maintenance"}, times=2)
    creds = (pixop.credentials["email"], pixop.credentials["password"])
    codes = [requests.get(f"{pixop.base_url}/accounts/v1/token", auth=creds, timeout=5).status_code for _ in range(3)]
    assert codes == [503, 503, 200]


def test_faults_over_http_for_non_python_clients(pixop) -> None:
    added = requests.post(f"{pixop.base_url}/__admin/faults", json={"kind": "drop", "path": "/videos/v1/projects"}, timeout=5)
    assert added.status_code == 201
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{pixop.base_url}/videos/v1/projects", timeout=5)
    requests.delete(f"{pixop.base_url}/__admin/faults", timeout=5)


def test_journal_shows_what_the_client_sent(pixop) -> None:
    client = MyPixopClient(pixop.base_url, pixop.credentials["email"], pixop.credentials["password"])
    client.login()
    client.call("PUT", f"{pixop.base_url}/videos/v1/project", json={"name": "From my client"})
    sent = pixop.journal.last(method="PUT", path="/videos/v1/project")
    assert sent.request_json == {"name": "From my client"}
    assert sent.request_headers["Authorization"].startswith("Bearer ")
    assert sent.status == 200


def test_state_can_be_inspected_and_restored(pixop) -> None:
    before = pixop.state.snapshot()
    client = MyPixopClient(pixop.base_url, pixop.credentials["email"], pixop.credentials["password"])
    client.login()
    client.call("PUT", f"{pixop.base_url}/videos/v1/project", json={"name": "Temporary"})
    assert any(p["name"] == "Temporary" for p in pixop.state.db["projects"].values())
    pixop.state.restore(before)
    assert not any(p["name"] == "Temporary" for p in pixop.state.db["projects"].values())


# A module (or conftest) can override the server fixture to use another world,
# seed, settings or address; the `pixop` fixture then hands out that emulator.
@pytest.fixture(scope="module")
def pixop_server():
    emulator = create_emulator("pixop", EmulatorConfig(seed=42, settings={"ingest_seconds": 60}))
    with emulator:  # start on a free loopback port; close afterwards
        yield emulator


def test_overridden_world_and_settings(pixop) -> None:
    assert pixop.state.seed == 42
    assert pixop.context.settings["ingest_seconds"] == 60
