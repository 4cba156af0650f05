"""`verify-journal` as a CI job uses it: many files, globs, faults, foreign hosts, walk probes, JUnit."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
import requests

from mockservers.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def _count(out: str) -> int:
    match = re.match(r"pixop: (\d+) recorded exchange", out)
    assert match, out
    return int(match.group(1))


def _export(emulator, path: Path) -> Path:
    path.write_text(emulator.journal.export_jsonl(include_admin=True))
    return path


def test_many_files_and_globs_are_verified_together(pixop, pixop_client, tmp_path: Path, capsys) -> None:
    pixop_client.get("/videos/v1/projects")
    _export(pixop, tmp_path / "a.jsonl")
    pixop.journal.clear()
    pixop_client.put("/videos/v1/project", json={"name": "second file"})
    _export(pixop, tmp_path / "b.jsonl")
    counts = []
    for name in ("a.jsonl", "b.jsonl"):
        code, out = _run(capsys, "contracts", "verify-journal", str(tmp_path / name))
        counts.append(_count(out))
    code, out = _run(capsys, "contracts", "verify-journal", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"))
    assert code == 0, out
    assert _count(out) == sum(counts) and min(counts) >= 1
    code, out = _run(capsys, "contracts", "verify-journal", str(tmp_path / "*.jsonl"))
    assert code == 0 and _count(out) == sum(counts)
    assert main(["contracts", "verify-journal", str(tmp_path / "none-*.har")]) == 2
    assert "no file matches" in capsys.readouterr().err


def test_fault_injected_answers_are_left_out_and_counted(pixop, pixop_client, tmp_path: Path, capsys) -> None:
    pixop.faults.add({"path": "/videos/v1/projects", "status": 500, "body": {"not": "pixop's shape"}})
    assert pixop_client.get("/videos/v1/projects").status_code == 500
    pixop_client.get("/accounts/v1/account")
    code, out = _run(capsys, "contracts", "verify-journal", str(_export(pixop, tmp_path / "j.jsonl")))
    assert code == 0, out
    assert "left out (not checked): 1 fault-injected" in out


def test_foreign_hosts_in_a_browser_har_are_ignored_not_failed(pixop_client, tmp_path: Path, capsys) -> None:
    listed = pixop_client.get("/videos/v1/projects")
    har = {
        "log": {
            "version": "1.2",
            "creator": {"name": "browser", "version": "1"},
            "entries": [
                {
                    "request": {"method": "GET", "url": "https://staging-api.pixop.com/videos/v1/projects", "headers": []},
                    "response": {"status": 200, "content": {"mimeType": "application/json", "text": listed.text}},
                },
                {
                    "request": {"method": "GET", "url": "https://cdn.example.com/app.js", "headers": []},
                    "response": {"status": 200, "content": {"mimeType": "text/javascript", "text": "x()"}},
                },
            ],
        }
    }
    path = tmp_path / "browser.har"
    path.write_text(json.dumps(har))
    code, out = _run(capsys, "contracts", "verify-journal", str(path))
    assert code == 0, out
    assert "no contract covers" not in out and "/app.js" not in out.split("left out")[0]
    assert "1 host cdn.example.com (no provider)" in out


def test_a_walked_sandbox_journal_verifies_clean(pixop, tmp_path: Path, capsys) -> None:
    code, out = _run(capsys, "contracts", "check", "pixop", "--base-url", pixop.base_url)
    assert code == 0, out
    code, out = _run(capsys, "contracts", "verify-journal", str(_export(pixop, tmp_path / "walked.jsonl")))
    assert code == 0, out
    assert "deliberate bad request of the conformance walk" in out


def test_seen_only_and_junit_xml(pixop, pixop_client, tmp_path: Path, capsys) -> None:
    pixop_client.get("/videos/v1/projects")
    pixop_client.put("/videos/v1/project", json={"name": "x"})
    export = _export(pixop, tmp_path / "j.jsonl")
    junit = tmp_path / "report.xml"
    code, out = _run(capsys, "contracts", "verify-journal", str(export), "--seen-only", "--junit-xml", str(junit))
    assert code == 0, out
    rows = [line for line in out.splitlines() if line.startswith(("GET ", "PUT ", "POST ", "DELETE ", "HEAD "))]
    assert sorted(line.split()[1] for line in rows) == ["/accounts/v1/token", "/videos/v1/project", "/videos/v1/projects"]
    suite = ElementTree.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("name") == "contracts.pixop"
    assert suite.get("tests") == "3" and suite.get("failures") == "0"
    # A violation becomes a JUnit failure naming the field.
    lines = [json.loads(line) for line in export.read_text().splitlines()]
    for line in lines:
        if line["method"] == "PUT":
            line["response_body"]["json"]["project"]["name"] = 7
    export.write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert main(["contracts", "verify-journal", str(export), "--seen-only", "--junit-xml", str(junit)]) == 1
    capsys.readouterr()
    failure = ElementTree.parse(junit).getroot().find("testsuite/testcase/failure")
    assert failure is not None and "/project/name" in (failure.text or "")


def test_walk_marks_only_its_negative_probes(pixop, capsys) -> None:
    main(["contracts", "check", "pixop", "--base-url", pixop.base_url])
    capsys.readouterr()
    marked = [e for e in pixop.journal.entries() if "X-Mockservers-Probe" in e.request_headers]
    assert marked and all(e.status >= 400 for e in marked)
    assert any(e.status < 400 for e in pixop.journal.entries() if "X-Mockservers-Probe" not in e.request_headers)
    assert requests.get(pixop.base_url + "/__admin/", timeout=10).status_code == 200


def test_read_only_check_reaches_the_read_endpoints_from_listed_ids(pixop, capsys) -> None:
    code, out = _run(capsys, "contracts", "check", "pixop", "--base-url", pixop.base_url, "--read-only")
    assert code == 0, out
    rows = {line.split("  ")[0].strip(): line for line in out.splitlines() if line.startswith(("GET ", "PUT ", "POST ", "DELETE "))}
    for read in (
        "GET /videos/v1/project/<project_id>",
        "GET /videos/v1/video/<video_id>",
        "GET /videos/v1/check-ingest-video-progress/<video_id>",
        "GET /media/v1/download/original/<video_id>",
    ):
        assert " ok " in rows[read], rows[read]
    assert "read-only: this endpoint writes" in rows["DELETE /videos/v1/video/<video_id>"]
    assert not [e for e in pixop.journal.entries() if e.method in ("PUT", "POST", "DELETE") and e.path != "/accounts/v1/token"]


def test_read_only_vonage_check_reads_listed_items(vonage, capsys) -> None:
    code, out = _run(capsys, "contracts", "check", "vonage", "--base-url", vonage.base_url, "--read-only")
    assert code == 0, out
    rows = {line.split("  ")[0].strip(): line for line in out.splitlines() if line.startswith(("GET ", "PUT "))}
    assert " ok " in rows["GET /v3/media/<media_id>/info"] and " ok " in rows["GET /v3/media/<media_id>"]
