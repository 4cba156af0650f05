"""`mockservers contracts proxy`: forwards unchanged, checks both directions, records, --strict."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask, jsonify

from mockservers.cli import main
from mockservers.conformance.proxy import Recorder, ValidationProxy
from mockservers.core.emulator import Emulator
from mockservers.core.server import ServerThread


def _start(proxy: ValidationProxy) -> Iterator[str]:
    server = ServerThread(proxy, "127.0.0.1", 0).start()
    try:
        yield server.base_url
    finally:
        server.stop()


def _session(base: str, pixop: Emulator) -> requests.Session:
    """A client of the proxy, logged in through it (as a user's client would be)."""
    session = requests.Session()
    creds = pixop.credentials
    token = session.get(base + "/accounts/v1/token", auth=(creds["email"], creds["password"]), timeout=10)
    assert token.status_code == 200, token.text
    session.headers["Authorization"] = f"Bearer {token.json()['jwtToken']}"
    return session


@pytest.fixture
def drifting_upstream() -> Iterator[str]:
    """A small server whose account answer breaks Pixop's contract (``user.email`` a number)."""
    app = Flask("drift")

    @app.get("/accounts/v1/account")
    def account():  # type: ignore[no-untyped-def]
        return jsonify({"user": {"id": "u1", "email": 42, "name": "Drift", "roles": []}})

    server = ServerThread(app, "127.0.0.1", 0).start()
    yield server.base_url
    server.stop()


def test_faithful_upstream_reports_nothing_and_recording_verifies(pixop: Emulator, tmp_path: Path, capsys) -> None:
    out = io.StringIO()
    record = tmp_path / "traffic.har"
    proxy = ValidationProxy("pixop", pixop.base_url, recorder=Recorder(record, pixop.base_url), out=out)
    for base in _start(proxy):
        session = _session(base, pixop)
        assert session.get(base + "/accounts/v1/account", timeout=10).status_code == 200
        created = session.put(base + "/videos/v1/project", json={"name": "through the proxy"}, timeout=10)
        assert created.status_code == 200
        assert created.json()["project"]["name"] == "through the proxy"  # forwarded unchanged
        missing = session.get(base + "/videos/v1/video/nope", timeout=10)
        assert missing.status_code == 404  # the upstream's own answer, passed on
    assert [e.violations for e in proxy.exchanges] == [[], [], [], []], out.getvalue()
    assert "violation" not in out.getvalue()
    # The upstream saw the same requests the client sent.
    seen = [(e.method, e.path) for e in pixop.journal.entries()]
    assert ("PUT", "/videos/v1/project") in seen
    code = main(["contracts", "verify-journal", str(record)])
    assert code == 0, capsys.readouterr().out


def test_drifting_upstream_is_reported_naming_the_field(pixop: Emulator, drifting_upstream: str, tmp_path: Path) -> None:
    out = io.StringIO()
    record = tmp_path / "traffic.jsonl"
    proxy = ValidationProxy("pixop", drifting_upstream, recorder=Recorder(record, drifting_upstream), out=out)
    for base in _start(proxy):
        answer = requests.get(base + "/accounts/v1/account", headers={"Authorization": "Bearer x"}, timeout=10)
        assert answer.status_code == 200 and answer.json()["user"]["email"] == 42  # passed on unchanged
    report = out.getvalue()
    assert "GET /accounts/v1/account -> 200: " in report and "violation" in report
    assert "/user/email" in report and "42 is not of type 'string'" in report
    line = json.loads(record.read_text().splitlines()[0])
    assert line["response_body"]["json"]["user"]["email"] == 42


def test_strict_answers_a_violating_exchange_with_an_error(pixop: Emulator, drifting_upstream: str) -> None:
    proxy = ValidationProxy("pixop", drifting_upstream, strict=True, out=io.StringIO())
    for base in _start(proxy):
        answer = requests.get(base + "/accounts/v1/account", timeout=10)
    assert answer.status_code == 502
    body = answer.json()
    assert "breaks the contract" in body["error"] and any("/user/email" in v for v in body["violations"])


def test_strict_does_not_forward_a_request_that_breaks_its_contract(pixop: Emulator) -> None:
    proxy = ValidationProxy("pixop", pixop.base_url, strict=True, out=io.StringIO())
    for base in _start(proxy):
        session = _session(base, pixop)
        refused = session.put(base + "/videos/v1/project", json={"name": 5}, timeout=10)
    assert refused.status_code == 400
    assert any("request /name" in v for v in refused.json()["violations"])
    assert not [e for e in pixop.journal.entries() if e.method == "PUT"]  # never reached the upstream


def test_proxy_command_runs_and_stops(pixop: Emulator, tmp_path: Path, capsys) -> None:
    from mockservers.conformance import proxy as proxy_module

    stop = threading.Event()
    args = type("Args", (), {"provider": "pixop", "upstream": pixop.base_url, "host": "127.0.0.1", "port": 0,
                             "record": tmp_path / "r.jsonl", "strict": False})()
    stop.set()  # serve, then stop at once: the command's own start/stop path and exit code
    assert proxy_module.serve_proxy(args, stop) == 0
    printed = capsys.readouterr().out
    assert "validation proxy for pixop: http://127.0.0.1:" in printed and "0 exchange(s)" in printed
    assert main(["contracts", "proxy", "pixop", "--upstream", "ftp://nope"]) == 2
