"""`mockservers contracts check vonage` against the emulator: read-write and read-only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockservers.cli import main
from mockservers.core.emulator import Emulator

ENDPOINTS = {
    "GET /v3/media", "POST /v3/media", "GET /v3/media/<media_id>/info", "PUT /v3/media/<media_id>/info",
    "POST /v3/media/<media_id>/info", "PUT /v3/media/<media_id>", "GET /v3/media/<media_id>", "DELETE /v3/media/<media_id>",
}


def _check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, str], str]:
    code = main(["contracts", "check", "vonage", *argv])
    out = capsys.readouterr().out
    outcomes = {
        " ".join(line.split()[:2]): line.split()[2]
        for line in out.splitlines() if line.startswith(("GET ", "PUT ", "POST ", "DELETE "))
    }
    return code, outcomes, out


def test_check_passes_with_every_endpoint_ok(vonage: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    code, outcomes, out = _check(capsys, "--base-url", vonage.base_url)
    assert code == 0, out
    assert "0 violation(s)" in out
    assert outcomes == dict.fromkeys(ENDPOINTS, "ok"), out
    # The walk cleaned up: the item it uploaded is gone again.
    uploads = [e for e in vonage.journal.entries(method="POST", path="/v3/media") if e.status == 201]
    assert len(uploads) == 1
    media_id = uploads[0].response_body["json"]["id"]
    assert media_id not in vonage.state.db["media"]
    assert vonage.journal.entries(method="DELETE", path=f"/v3/media/{media_id}")


def test_check_read_only_writes_nothing(vonage: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    before = {k: dict(v) for k, v in vonage.state.db["media"].items()}
    code, outcomes, out = _check(capsys, "--base-url", vonage.base_url, "--read-only")
    assert code == 0, out
    assert outcomes["GET /v3/media"] == "ok" and outcomes["GET /v3/media/<media_id>/info"] == "ok"
    reads = {"GET /v3/media", "GET /v3/media/<media_id>/info", "GET /v3/media/<media_id>"}
    assert {k for k, v in outcomes.items() if v == "skipped"} == ENDPOINTS - reads
    assert "read-only: upload (multipart filedata)" in out
    writes = [e for e in vonage.journal.entries() if e.method in ("POST", "PUT", "DELETE")]
    assert writes == []
    downloads = [e for e in vonage.journal.entries(method="GET") if not e.path.endswith("/info") and e.path != "/v3/media"]
    assert downloads == []  # a download would count against times_downloaded
    assert vonage.state.db["media"] == before


def test_check_with_a_wrong_secret_and_no_key_reports_the_failure(
    vonage: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    creds = tmp_path / "creds.json"
    creds.write_text(json.dumps({"api_key": vonage.credentials["api_key"], "api_secret": "wrong"}))
    code, _, out = _check(capsys, "--base-url", vonage.base_url, "--credentials", str(creds), "--read-only")
    assert code == 1
    assert "list with Basic: expected status 200/404, got 401" in out
