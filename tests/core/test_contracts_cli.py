"""`mockservers contracts openapi|check|verify-journal`, including the failing cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Response
from openapi_spec_validator import validate

from mockservers.cli import main
from mockservers.core.emulator import Emulator
from mockservers.registry import PROVIDERS, create_emulator


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_openapi_document_is_valid_and_self_contained(provider: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "openapi.json"
    code, _ = _run(capsys, "contracts", "openapi", provider, "--output", str(out))
    assert code == 0
    document = json.loads(out.read_text())
    validate(document)  # OpenAPI 3.1 per the official schema
    for ref in _refs(document):
        assert ref.startswith("#/"), ref
        _resolve(document, ref)  # raises KeyError when a reference dangles
    operations = {op["operationId"] for item in document["paths"].values() for op in item.values()}
    endpoints = json.loads((Path("contracts") / provider / "endpoints.json").read_text())["endpoints"]
    assert operations == {e["operation"] for e in endpoints}
    # Servers (the real host and the sandbox), security schemes and a summary on every operation.
    assert any(not s["url"].startswith("http://127.0.0.1") for s in document["servers"])
    assert any(s["url"].startswith("http://127.0.0.1") for s in document["servers"])
    schemes = document["components"]["securitySchemes"]
    assert schemes and document["security"]
    for item in document["paths"].values():
        for operation in item.values():
            assert operation["summary"]
            for requirement in operation.get("security", document["security"]):
                assert set(requirement) <= set(schemes), requirement


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_openapi_examples_come_from_the_seeded_world_and_are_valid(provider: str) -> None:
    from mockservers.conformance.examples import invalid_examples, load
    from mockservers.core.openapi import openapi_copy

    stored = load(provider)
    assert len(stored) >= 5, "regenerate with python -m mockservers.conformance.examples"
    assert invalid_examples(provider) == []
    document = openapi_copy(provider)
    shown = [
        media["example"]
        for item in document["paths"].values()
        for operation in item.values()
        for response in operation["responses"].values()
        for media in response.get("content", {}).values()
        if "example" in media
    ]
    assert len(shown) >= len(stored)


def test_openapi_is_served_by_the_emulator(pixop) -> None:
    response = requests.get(pixop.base_url + "/__admin/openapi.json", timeout=10)
    assert response.status_code == 200
    document = response.json()
    assert document["servers"][0] == {"url": pixop.base_url, "description": "this emulator"}
    assert {"url": "https://staging-api.pixop.com", "description": "Pixop staging (real)"} in document["servers"]
    assert document["paths"]["/videos/v1/video/{video_id}"]["get"]["parameters"][0]["name"] == "video_id"


def test_check_passes_against_the_emulator(pixop, capsys) -> None:
    code, out = _run(capsys, "contracts", "check", "pixop", "--base-url", pixop.base_url)
    assert code == 0, out
    assert "0 violation(s)" in out
    outcomes = {" ".join(line.split()[:2]): line.split()[2] for line in out.splitlines() if line.startswith(("GET ", "PUT ", "POST ", "DELETE "))}
    assert outcomes["GET /media/v1/download/original/<video_id>"] == "ok"
    assert set(outcomes.values()) == {"ok", "skipped"}
    assert pixop.journal.entries(method="DELETE", path="/videos/v1/video/*")  # the walk cleaned up after itself


def test_check_read_only_writes_nothing(pixop, capsys) -> None:
    code, out = _run(capsys, "contracts", "check", "pixop", "--base-url", pixop.base_url, "--read-only")
    assert code == 0, out
    assert "read-only: create a project" in out
    writes = [e for e in pixop.journal.entries() if e.method in ("PUT", "DELETE") or (e.method == "POST" and e.path != "/accounts/v1/token")]
    assert writes == []


def test_check_takes_the_sandbox_info_file(pixop, tmp_path: Path, capsys) -> None:
    info = tmp_path / "info.json"
    info.write_text(json.dumps({"pixop": {"base_url": pixop.base_url, "credentials": pixop.credentials}}))
    code, out = _run(capsys, "contracts", "check", "pixop", "--credentials", str(info), "--read-only", "--json")
    assert code == 0
    report = json.loads(out)[0]
    assert report["failed"] is False
    assert {row["outcome"] for row in report["endpoints"]} == {"ok", "skipped"}


def test_check_with_wrong_credentials_reports_the_login_failure(pixop, tmp_path: Path, capsys) -> None:
    creds = tmp_path / "creds.json"
    creds.write_text(json.dumps({"email": pixop.credentials["email"], "password": "wrong"}))
    code, out = _run(capsys, "contracts", "check", "pixop", "--base-url", pixop.base_url, "--credentials", str(creds))
    assert code == 1
    assert "log in: expected status 200, got 401" in out


@pytest.fixture
def drifting_pixop() -> Any:
    """A Pixop emulator variant whose account answer has a deliberately wrong field."""
    emulator: Emulator = create_emulator("pixop")

    @emulator.app.after_request
    def drift(response: Response) -> Response:
        body = response.get_json(silent=True) if response.is_json else None
        if isinstance(body, dict) and isinstance(body.get("user"), dict) and "email" in body["user"]:
            body["user"]["email"] = 42
            response.set_data(json.dumps(body))
        return response

    emulator.start()
    yield emulator
    emulator.close()


def test_check_fails_against_a_drifting_server(drifting_pixop, capsys) -> None:
    code, out = _run(capsys, "contracts", "check", "pixop", "--base-url", drifting_pixop.base_url, "--read-only")
    assert code == 1
    line = next(line for line in out.splitlines() if line.startswith("GET /accounts/v1/account"))
    assert "violation" in line
    assert "/user/email" in line and "42 is not of type 'string'" in line and "(value: 42)" in line


def test_a_url_where_nothing_listens_says_so(capsys) -> None:
    code = main(["contracts", "check", "pixop", "--base-url", "http://127.0.0.1:9"])
    assert code == 2
    err = capsys.readouterr().err
    assert "nothing answers at http://127.0.0.1:9" in err and "emulator" not in err


def test_a_server_that_is_no_emulator_without_credentials_is_a_usage_error(vonage, capsys) -> None:
    code = main(["contracts", "check", "pixop", "--base-url", vonage.base_url])
    assert code == 2
    assert "is not a pixop emulator; give --credentials" in capsys.readouterr().err


def _traffic(pixop, pixop_client) -> None:
    pixop_client.get("/videos/v1/projects", params={"page-size": "2"})
    pixop_client.put("/videos/v1/project", json={"name": "recorded"})
    pixop_client.get("/videos/v1/video/nope")


def test_verify_journal_export_passes_and_catches_tampering(pixop, pixop_client, tmp_path: Path, capsys) -> None:
    _traffic(pixop, pixop_client)
    export = tmp_path / "journal.jsonl"
    export.write_text(pixop.journal.export_jsonl())
    code, out = _run(capsys, "contracts", "verify-journal", str(export))
    assert code == 0, out
    assert "PUT /videos/v1/project" in out and "not in the recorded traffic" in out
    lines = [json.loads(line) for line in export.read_text().splitlines()]
    created = next(line for line in lines if line["method"] == "PUT")
    created["response_body"]["json"]["project"]["name"] = ["not", "a", "string"]
    export.write_text("".join(json.dumps(line) + "\n" for line in lines))
    code, out = _run(capsys, "contracts", "verify-journal", str(export))
    assert code == 1
    assert "response /project/name" in out and '(value: ["not", "a", "string"])' in out


def test_verify_journal_checks_request_bodies(pixop, pixop_client, tmp_path: Path, capsys) -> None:
    pixop_client.put("/videos/v1/project", json={"name": 5})  # the emulator refuses it; the recording still shows it
    export = tmp_path / "journal.jsonl"
    export.write_text(pixop.journal.export_jsonl())
    code, out = _run(capsys, "contracts", "verify-journal", str(export), "--provider", "pixop")
    assert code == 1
    assert "request /name" in out


def _har(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": entries}}


def _har_entry(response: requests.Response, url: str) -> dict[str, Any]:
    body = response.request.body
    return {
        "request": {
            "method": response.request.method,
            "url": url,
            "postData": {"mimeType": "application/json", "text": body.decode() if isinstance(body, bytes) else (body or "")},
        },
        "response": {
            "status": response.status_code,
            "content": {"mimeType": response.headers.get("Content-Type", ""), "text": response.text},
        },
    }


def test_verify_journal_reads_har_files_by_real_hostname(pixop_client, tmp_path: Path, capsys) -> None:
    listed = pixop_client.get("/videos/v1/projects")
    created = pixop_client.put("/videos/v1/project", json={"name": "from a browser"})
    entries = [
        _har_entry(listed, "https://staging-api.pixop.com/videos/v1/projects"),
        _har_entry(created, "https://staging-api.pixop.com/videos/v1/project"),
    ]
    har = tmp_path / "session.har"
    har.write_text(json.dumps(_har(entries)))
    code, out = _run(capsys, "contracts", "verify-journal", str(har))
    assert code == 0, out
    assert out.startswith("pixop: 2 recorded exchange(s)")
    entries[1]["response"]["content"]["text"] = json.dumps({"project": {"id": 7}})
    har.write_text(json.dumps(_har(entries)))
    code, out = _run(capsys, "contracts", "verify-journal", str(har))
    assert code == 1
    assert "response /project/id" in out or "response /project" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not JSON"), ('{"log": {"entries": [{"request": {}}]}}', "HAR entry 0 is incomplete"), ('{"a": 1}', "not a journal entry")],
)
def test_verify_journal_refuses_unreadable_files(content: str, message: str, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    assert main(["contracts", "verify-journal", str(bad)]) == 2
    assert message in capsys.readouterr().err


def _pointer(document: Any, pointer: str) -> Any:
    node = document
    for part in [p for p in pointer.split("/") if p]:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_openapi_links_name_real_operations_parameters_and_answers(provider: str) -> None:
    """links.json: each link sits on a documented answer, names a real operation and its parameters,
    and each ``$response.body#`` pointer finds a value in that answer's stored example (where there is one)."""
    from mockservers.core.openapi import links, openapi_copy

    declared = links(provider)
    assert declared, f"contracts/{provider}/openapi/links.json declares no links"
    document = openapi_copy(provider)
    operations = {op["operationId"]: op for item in document["paths"].values() for op in item.values()}
    resolved = 0
    for source, by_status in declared.items():
        for status, named in by_status.items():
            response = operations[source]["responses"][status]
            assert response["links"] == named  # merged into the document as declared
            example = next(iter(response.get("content", {}).values()), {}).get("example")
            source_params = {p["name"] for p in operations[source]["parameters"]}
            for name, link in named.items():
                target = operations[link["operationId"]]
                target_params = {p["name"] for p in target["parameters"]}
                assert set(link.get("parameters", {})) <= target_params, (source, name)
                if "requestBody" in link:
                    assert "requestBody" in target, (source, name)
                values = [*link.get("parameters", {}).values(), *(link.get("requestBody") or {}).values()]
                assert values, (source, name)
                for expression in values:
                    if expression.startswith("$request.path."):
                        assert expression.removeprefix("$request.path.") in source_params, (source, name, expression)
                        continue
                    assert expression.startswith("$response.body#/"), (source, name, expression)
                    if example is not None:
                        try:
                            value = _pointer(example, expression.removeprefix("$response.body#"))
                        except IndexError:
                            continue  # the example lists nothing (an empty list): nothing to point at
                        assert isinstance(value, (str, int)) and str(value), (source, name, expression)
                        resolved += 1
    assert resolved, "no link could be checked against a stored example"
