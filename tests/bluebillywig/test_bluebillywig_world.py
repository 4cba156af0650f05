"""The seeded world, credentials, contracts files and the sandbox's --info-file."""

from __future__ import annotations

import json
import re

import pytest
from jsonschema import Draft202012Validator
from werkzeug.routing import Map, Rule

from mockservers.core.paths import contracts_dir
from mockservers.registry import create_emulator

CONTRACTS = contracts_dir() / "bluebillywig"


def test_world_has_hundreds_of_clips_of_both_types_and_statuses(bluebillywig) -> None:
    clips = list(bluebillywig.state.db["mediaclips"].values())
    assert 250 <= len(clips) <= 400
    assert {c["mediatype"] for c in clips} == {"video", "audio"}
    assert {c["status"] for c in clips} == {"draft", "published", "deleted"}
    assert any(c["sourceid"] == "original_source_id_987654321" for c in clips)


def test_world_is_deterministic_per_seed(mockservers_s3) -> None:
    from mockservers.core.emulator import EmulatorConfig

    titles = []
    for seed in (0, 0, 1):
        emulator = create_emulator("bluebillywig", EmulatorConfig(seed=seed, s3=mockservers_s3))
        titles.append([c["title"] for c in emulator.state.db["mediaclips"].values()][:20])
        emulator.close()
    assert titles[0] == titles[1] != titles[2]


def test_credentials_carry_the_shared_secret_and_s3(bluebillywig) -> None:
    creds = bluebillywig.credentials
    assert re.fullmatch(r"\d+-[0-9a-f]+", creds["shared_secret"])
    assert creds["s3_endpoint_url"].startswith("http://")
    assert creds["s3_bucket"]


def test_contract_files_are_valid_and_cover_the_index() -> None:
    index = json.loads((CONTRACTS / "endpoints.json").read_text())
    assert index["provider"] == "bluebillywig"
    named: set[str] = set()
    for entry in index["endpoints"]:
        named.update(n for n in [entry["request"], entry.get("query"), *entry["responses"].values()] if n)
        assert entry["responses"]["default"] == "error.json"
    files = {p.name for p in CONTRACTS.glob("*.json")} - {"endpoints.json"}
    assert named <= files and files - named == {"common.json"}
    for name in files:
        schema = json.loads((CONTRACTS / name).read_text())
        Draft202012Validator.check_schema(schema)
        assert schema["$id"].endswith(f"/contracts/bluebillywig/{name}")
    rules = Map([Rule(e["path"], methods=[e["method"]], endpoint=e["operation"]) for e in index["endpoints"]]).bind("x")
    assert rules.match("/sapi/mediaclip/0/upload", method="GET")[0] == "startUpload"
    assert rules.match("/sapi/mediaclip/12/versions", method="GET")[0] == "listMediaclipVersions"


def test_contract_check_catches_a_wrong_shape(bluebillywig, bb) -> None:
    from mockservers.pytest_plugin import check_contracts

    bb.get("/sapi/mediaclip", params={"limit": 2})
    assert check_contracts(bluebillywig) == []
    entry = bluebillywig.journal.last(path="/sapi/mediaclip")
    entry.response_body["json"]["numfound"] = "many"
    assert [v.pointer for v in check_contracts(bluebillywig)] == ["/numfound"]
    entry.response_body["json"]["numfound"] = 0


@pytest.mark.slow
def test_sandbox_info_file(run_sandbox) -> None:
    _, data = run_sandbox("bluebillywig", "--port", "bluebillywig=0", "--port", "s3=0")
    creds = data["bluebillywig"]["credentials"]
    assert creds["shared_secret"].startswith("490-") and creds["s3_endpoint_url"] == data["s3"]["base_url"]
    from bb_sapi import SapiClient

    client = SapiClient(base_url=data["bluebillywig"]["base_url"], shared_secret=creds["shared_secret"])
    assert client.mediaclip.list(limit=1)["count"] == 1


def test_conformance_walk_passes_against_the_emulator(bluebillywig) -> None:
    from mockservers.conformance.check import run_check

    report = run_check("bluebillywig", bluebillywig.base_url, bluebillywig.credentials)
    text = report.render()
    assert "0 violation(s)" in text and "26 ok" in text, text
