"""The sandbox as a user runs it: a real `mockservers serve` process, driven by curl."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from mockservers.core.contracts import contract_set
from mockservers.core.journal import Exchange
from mockservers.validation import exchange_violations

ROOT = Path(__file__).resolve().parents[1]
SMALL_MOV = ROOT / "fixtures" / "media" / "small.mov"


@pytest.fixture
def sandbox(run_sandbox):
    """`mockservers serve pixop` on a free port, stopped with SIGINT (Ctrl-C) afterwards."""
    return run_sandbox("pixop", "--port", "pixop=0", "--seed", "3")


def _journal_violations(base_url: str) -> list:
    entries = requests.get(f"{base_url}/__admin/journal", params={"include_admin": "true"}, timeout=5).json()["entries"]
    exchanges = [Exchange.from_json(entry) for entry in entries]
    return exchange_violations("pixop", exchanges)


@pytest.mark.slow
def test_sandbox_info_and_shell_client(sandbox) -> None:
    process, info = sandbox
    pixop = info["pixop"]
    assert set(pixop["credentials"]) >= {"email", "password", "team_id"}
    base = pixop["base_url"]
    assert base.startswith("http://127.0.0.1:")
    if not (shutil.which("curl") and shutil.which("jq")):
        pytest.fail("curl and jq are needed for the shell-client test (Debian packages curl, jq)")
    wait = f"curl -sf -o /dev/null -X POST -H Content-Type:application/json -d {{\"advance_seconds\":5}} {base}/__admin/clock"
    result = subprocess.run(
        ["bash", str(ROOT / "tests" / "pixop" / "curl_client.sh"), base, pixop["credentials"]["email"], pixop["credentials"]["password"], str(SMALL_MOV)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "WAIT": wait},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # The processed download is a real 1080p transcode of the sample, not the sample's bytes.
    downloaded = int(lines[0].split()[1])
    assert lines[0] == f"downloaded {downloaded} bytes" and downloaded != SMALL_MOV.stat().st_size
    assert len(json.loads(lines[1])) == 2  # the original and its processed child
    assert lines[2] == "project delete 204"
    assert _journal_violations(base) == []
    # The clock moved only because the client asked the admin API to move it.
    clock = requests.get(f"{base}/__admin/clock", timeout=5).json()
    assert clock["frozen"] is False


@pytest.mark.slow
def test_sandbox_stops_cleanly_on_ctrl_c(sandbox) -> None:
    process, info = sandbox
    assert requests.get(info["pixop"]["base_url"] + "/__admin/", timeout=5).json()["provider"] == "pixop"
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0
    out = process.stdout.read() if process.stdout else ""
    assert "pixop" in out and "stopped" in out
    with pytest.raises(requests.ConnectionError):
        requests.get(info["pixop"]["base_url"] + "/__admin/", timeout=2)


def test_admin_contracts_load() -> None:
    assert contract_set("admin").endpoint_for("POST", "/__admin/clock") is not None


# -- the talking console -------------------------------------------------------------------------


class Lines:
    """A sandbox's stdout read line by line in a thread, so a missing line fails after a bound instead of hanging."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._queue: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, args=(process,), daemon=True).start()

    def _pump(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def until(self, predicate: Callable[[str], bool], what: str, timeout: float = 15.0) -> str:
        """The first further line matching ``predicate``; fails naming ``what`` when output ends or stalls."""
        while True:
            try:
                line = self._queue.get(timeout=timeout)  # bounded wait for the server's output, not a sleep
            except queue.Empty:
                raise AssertionError(f"no {what} in the console output:\n" + "\n".join(self.seen)) from None
            if line is None:
                raise AssertionError(f"the sandbox ended without {what}:\n" + "\n".join(self.seen))
            self.seen.append(line)
            if predicate(line):
                return line


def _pixop_upload(base: str, credentials: dict) -> tuple[dict, str]:
    token = requests.get(f"{base}/accounts/v1/token", auth=(credentials["email"], credentials["password"]), timeout=10).json()["jwtToken"]
    auth = {"Authorization": f"Bearer {token}"}
    project = requests.put(f"{base}/videos/v1/project", json={"name": "console"}, headers=auth, timeout=10).json()["project"]["id"]
    created = requests.put(f"{base}/videos/v1/video", json={"projectId": project}, headers=auth, timeout=10).json()
    with SMALL_MOV.open("rb") as media:
        uploaded = requests.post(created["uploadLightMediaUrl"], files={"file": media}, headers=auth, timeout=30)
    assert uploaded.status_code in (200, 201), uploaded.text
    return auth, created["videoId"]


@pytest.mark.slow
def test_console_prints_next_steps_requests_and_job_milestones(run_sandbox) -> None:
    process, info = run_sandbox("pixop", "vonage", "--port", "pixop=0", "--port", "vonage=0", "--port", "dashboard=0")
    lines = Lines(process)
    dashboard = lines.until(lambda line: line.startswith("dashboard"), "dashboard line")
    assert info["dashboard"]["base_url"] in dashboard
    lines.until(lambda line: line.strip() == "Next steps:", "next steps block")
    curls = {}
    for name in ("pixop", "vonage"):
        line = lines.until(lambda line, name=name: line.strip().startswith(name), f"{name} curl line")
        curls[name] = line.split(None, 1)[1]
    # Each printed curl line works as printed, with the real credentials it names.
    for name, command in curls.items():
        assert command.startswith("curl ")
        result = subprocess.run(["bash", "-c", command + " -sf"], capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, (name, command, result.stderr)
        json.loads(result.stdout)
    line = lines.until(lambda line: " pixop " in line and "/accounts/v1/token" in line, "pixop request line")
    assert re.match(r"^\d\d:\d\d:\d\d pixop +GET +/accounts/v1/token 200 \d+ms$", line), line
    lines.until(lambda line: " vonage " in line and "GET    /v3/media 200" in line, "vonage request line")
    # A job: the upload starts Pixop's ingest; advancing the clock finishes it, and the console says so.
    base = info["pixop"]["base_url"]
    _auth, video = _pixop_upload(base, info["pixop"]["credentials"])
    lines.until(lambda line: f"job videos/{video}" in line, "ingest milestone")
    requests.post(f"{base}/__admin/clock", json={"advance_seconds": 3600}, timeout=5).raise_for_status()
    done = lines.until(lambda line: f"job videos/{video}" in line and "DONE" in line, "ingest DONE milestone")
    assert done.endswith("DONE 100%"), done
    # A request that failed with a fault shows its status and the fault.
    requests.post(f"{base}/__admin/faults", json={"path": "/videos/v1/projects", "status": 503, "times": 1}, timeout=5).raise_for_status()
    assert requests.get(f"{base}/videos/v1/projects", headers=_auth, timeout=5).status_code == 503
    fault = lines.until(lambda line: "/videos/v1/projects 503" in line, "faulted request line")
    assert "(fault " in fault


@pytest.mark.slow
def test_console_quiet_prints_no_request_lines(run_sandbox) -> None:
    process, info = run_sandbox("pixop", "--port", "pixop=0", "--port", "dashboard=0", "--quiet")
    base = info["pixop"]["base_url"]
    assert requests.get(f"{base}/accounts/v1/token", auth=("demo@pixop.example", "demo-password"), timeout=5).status_code == 200
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0
    out = process.stdout.read() if process.stdout else ""
    assert "stopped" in out
    assert "/accounts/v1/token" not in out and "Next steps" not in out


def test_console_prints_fidelity_warnings() -> None:
    from io import StringIO

    from mockservers.console import ConsoleLog
    from mockservers.registry import create_emulator

    with create_emulator("pixop") as emulator:
        out = StringIO()
        console = ConsoleLog({"pixop": emulator}, out)
        console.print_new()  # primes: the seeded world's jobs are not printed
        assert requests.get(f"{emulator.base_url}/videos/v1/projects", timeout=5).status_code == 401
        # What mockservers.core.fidelity.warn leaves on an exchange (no Pixop route warns yet).
        emulator.journal.last().warnings.append({"code": "lenient-auth", "message": "the real API may differ", "source": "inferred"})
        console.print_new()
    printed = out.getvalue().splitlines()
    assert re.match(r"^\d\d:\d\d:\d\d pixop +GET +/videos/v1/projects 401 \d+ms$", printed[0]), printed
    assert printed[1] == "    ! fidelity lenient-auth: the real API may differ (inferred)"
