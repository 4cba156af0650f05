"""Shared test helpers: an authenticated Pixop session."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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



@pytest.fixture
def run_sandbox(tmp_path: Path) -> Iterator[Callable[..., tuple[subprocess.Popen[str], dict[str, Any]]]]:
    """Start `mockservers serve ARGS...` as a real process; (process, --info-file JSON). Stopped with Ctrl-C after."""
    started: list[subprocess.Popen[str]] = []

    def run(*args: str) -> tuple[subprocess.Popen[str], dict[str, Any]]:
        info_file = tmp_path / f"info-{len(started)}.json"
        command = [sys.executable, "-m", "mockservers", "serve", *args, "--info-file", str(info_file)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started.append(process)
        # The header line is printed after the sockets listen and the info file is written: no polling needed.
        header = process.stdout.readline() if process.stdout else ""
        if not header.startswith("provider"):
            raise AssertionError(process.stderr.read() if process.stderr else "sandbox exited")
        return process, json.loads(info_file.read_text())

    yield run
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=10) == 0, "the sandbox did not stop cleanly on Ctrl-C"

# -- fuzz case counts (tests/property/test_fuzz.py), gathered from xdist workers and printed at the end --
_GATHERED: dict[str, dict[str, int]] = {}


def _merge(counts: dict[str, dict[str, int]]) -> None:
    for provider, numbers in counts.items():
        into = _GATHERED.setdefault(provider, {})
        for key, value in numbers.items():
            into[key] = into.get(key, 0) + value


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On an xdist worker, hand the counts to the controller."""
    fuzz = sys.modules.get("test_fuzz")
    if fuzz is None:
        return
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["mockservers_fuzz_counts"] = fuzz.CASE_COUNTS
    else:
        _merge(fuzz.CASE_COUNTS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """On the xdist controller, collect a finished worker's counts."""
    _merge(getattr(node, "workeroutput", {}).get("mockservers_fuzz_counts", {}))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per fuzzed provider: operations, cases, and answers by status class."""
    for provider, counts in sorted(_GATHERED.items()):
        detail = ", ".join(f"{k} {v}" for k, v in counts.items())
        terminalreporter.write_line(f"fuzz {provider}: {detail}")
