"""The Mediabank contract files: valid 2020-12 schemas with their $id, refs that resolve, an index covering them."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "mediabank"
BASE_ID = "https://mockservers.local/contracts/mediabank/"
# Not answered by an endpoint: the body the emulator POSTs to callback_url.
NOT_IN_INDEX = {"common.json", "ingest-callback.json"}


@cache
def schemas() -> dict[str, dict[str, Any]]:
    """Every schema file by name."""
    return {p.name: json.loads(p.read_text()) for p in sorted(CONTRACTS.glob("*.json")) if p.name != "endpoints.json"}


@cache
def index() -> dict[str, Any]:
    """The endpoint index."""
    return json.loads((CONTRACTS / "endpoints.json").read_text())


def validator(name: str) -> Draft202012Validator:
    """A validator resolving refs through every schema."""
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas().values())
    return Draft202012Validator(schemas()[name], registry=registry)


@pytest.mark.parametrize("name", sorted(schemas()))
def test_schema_is_valid_with_its_id(name: str) -> None:
    schema = schemas()[name]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == BASE_ID + name
    Draft202012Validator.check_schema(schema)


def test_index_covers_every_schema_and_routes_are_unique() -> None:
    entries = index()["endpoints"]
    assert index()["provider"] == "mediabank"
    named = {n for e in entries for n in [e["request"], e.get("query"), *e["responses"].values()] if n}
    assert named <= set(schemas())
    assert set(schemas()) - named == NOT_IN_INDEX
    routes = [(e["method"], e["path"]) for e in entries]
    assert len(routes) == len(set(routes))
    for entry in entries:
        assert entry["responses"]["default"] == "error.json"
        assert set(entry["responses"]) == {"200", "default"}  # seed: 200 is the only success
        stem = re.sub(r"(?<!^)(?=[A-Z])", "-", entry["operation"]).lower()
        assert all(n == f"{stem}.response.json" for s, n in entry["responses"].items() if s != "default")


FILE = {
    "id": "f-1", "filename": "a.mov", "storage_id": "s-1", "bucket": "b", "key": "in/a.mov", "size": 10,
    "mime_type": "video/quicktime", "checksum": {"md5": "0" * 32, "sha256": "0" * 64},
    "media": {"container": "mov", "format": "QuickTime / MOV", "duration_ms": 1000, "bit_rate": 10, "video": None,
              "audio": {"codec": "aac", "sample_rate": 48000, "channels": 2}},
    "ingest_id": "i-1", "ingested_at": "2026-01-05T09:00:00Z",
}
CALLBACK = {"event": "ingest.completed", "timestamp": "2026-01-05T09:00:00Z", "ingest_id": "i-1", "asset_id": 10102499004,
            "status": "completed", "reason": None, "file": FILE}


@pytest.mark.parametrize(
    ("name", "document", "valid"),
    [
        ("error.json", {"code": 401, "error": "token_expired", "description": "expired"}, True),
        ("error.json", {"code": 200, "error": "token_expired", "description": "x"}, False),
        ("error.json", {"code": 401, "error": "Token Expired", "description": "x"}, False),
        ("login.response.json", {"token": "a.b.c", "ttl": 3600}, True),
        ("login.response.json", {"token": "not-a-jwt", "ttl": 3600}, False),
        ("update-asset.request.json", {"id": "10102499004", "metadata": "{\"t\": 1}", "notify": "true"}, True),
        ("update-asset.request.json", {"id": "a", "metadata": "{}"}, False),
        ("update-asset.request.json", {"id": "a", "metadata": "{}", "notify": "perhaps"}, False),
        ("update-asset.request.json", {"metadata": "{}"}, False),
        ("create-ingest.request.json", {"asset_id": 10102499004, "key": "k", "callback_url": "https://x/cb"}, True),
        ("create-ingest.request.json", {"asset_id": "a", "key": "k", "callback_url": "ftp://x"}, False),
        ("ingest-callback.json", CALLBACK, True),
        ("ingest-callback.json", {**CALLBACK, "status": "failed", "event": "ingest.failed", "reason": "gone", "file": None}, True),
        ("ingest-callback.json", {**CALLBACK, "status": "failed"}, False),
        ("ingest-callback.json", {**CALLBACK, "file": None}, False),
        ("list-assets.query.json", {"page": "2", "per_page": "100", "q": "news"}, True),
        ("list-assets.query.json", {"per_page": "101"}, False),
    ],
)
def test_examples(name: str, document: Any, valid: bool) -> None:
    errors = list(validator(name).iter_errors(document))
    assert (errors == []) is valid, [e.message for e in errors]
