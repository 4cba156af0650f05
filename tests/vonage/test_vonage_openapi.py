"""The emulator's answers against Vonage's own OpenAPI document (copied into contracts/vonage/reference/)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from mockservers.core.paths import contracts_dir
from mockservers.pytest_plugin import check_contracts

SPEC_PATH = contracts_dir() / "vonage" / "reference" / "vonage-media.openapi.yml"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    """Vonage's OpenAPI document."""
    return yaml.safe_load(SPEC_PATH.read_text())


def _inline(node: Any, spec: dict[str, Any]) -> Any:
    """Resolve the document's local $refs and make every declared property required (the emulator emits them all)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return _inline(copy.deepcopy(target), spec)
        out = {k: _inline(v, spec) for k, v in node.items() if k not in ("example", "default", "x-default-is-meta")}
        if out.get("type") == "object" and "properties" in out:
            out["required"] = sorted(out["properties"])
        return out
    if isinstance(node, list):
        return [_inline(v, spec) for v in node]
    return node


def _errors(schema: dict[str, Any], value: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(schema).iter_errors(value)]


def test_list_response_has_the_documents_shape(spec, client) -> None:
    schema = _inline(spec["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"], spec)
    body = client.get("/v3/media").json()
    assert _errors(schema, body) == []
    assert body["_embedded"]["media"]


def test_item_response_has_the_documents_shape(spec, vonage, client) -> None:
    schema = _inline(spec["paths"]["/:id/info"]["get"]["responses"]["200"]["content"]["application/json"]["schema"], spec)
    item_id = client.get("/v3/media").json()["_embedded"]["media"][0]["id"]
    assert _errors(schema, client.get(f"/v3/media/{item_id}/info").json()) == []


def test_documents_update_fields_are_all_accepted(spec, vonage, client) -> None:
    fields = spec["paths"]["/:id/info"]["put"]["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    example = {name: prop["example"] for name, prop in fields.items()}
    item_id = client.get("/v3/media").json()["_embedded"]["media"][0]["id"]
    form = {k: json.dumps(v) if isinstance(v, bool) else str(v) for k, v in example.items()}
    assert client.put(f"/v3/media/{item_id}/info", files={k: (None, v) for k, v in form.items()}).status_code == 204
    info = client.get(f"/v3/media/{item_id}/info").json()
    assert {k: info[k] for k in example} == example


def test_contract_media_schema_agrees_with_the_document(spec) -> None:
    common = json.loads((contracts_dir() / "vonage" / "common.json").read_text())["$defs"]["media"]
    documented = spec["components"]["schemas"]["Media"]["properties"]
    for name, prop in documented.items():
        assert name in common["required"], name
        ours = common["properties"][name]
        declared = ours.get("type") or {"#/$defs/nonNegativeInteger": "integer", "#/$defs/timestamp": "string"}[ours["$ref"]]
        if isinstance(declared, list):  # the Node SDK adds null (string | null) where the document says string
            assert name in ("metadata_primary", "metadata_secondary") and declared == [prop["type"], "null"], name
        else:
            assert declared == prop["type"], name


def test_contract_check_catches_a_wrong_shape(vonage, client) -> None:
    client.get("/v3/media")
    assert check_contracts(vonage) == []
    entry = vonage.journal.last(path="/v3/media")
    entry.response_body["json"]["count"] = "many"
    assert [v.pointer for v in check_contracts(vonage)] == ["/count"]
    entry.response_body["json"]["count"] = 1
