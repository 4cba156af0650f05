"""The sandbox as a user runs it: a real `mockservers serve` process, driven by curl."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
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
