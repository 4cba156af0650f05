"""The OpenAPI overlay's per-operation tweaks: path parameter schemas and narrowed body properties."""

from __future__ import annotations

import pytest

from mockservers.core.contracts import contract_set
from mockservers.core.openapi import _narrowed_body, openapi_copy


def test_body_properties_replace_only_the_named_fields() -> None:
    contracts = contract_set("mediabank")
    narrowed = _narrowed_body(contracts, "create-ingest.request.json", {"callback_url": {"const": "http://127.0.0.1/"}})
    original = contracts.schema("create-ingest.request.json")
    assert narrowed["properties"]["callback_url"] == {"const": "http://127.0.0.1/"}
    assert set(narrowed["properties"]) == set(original["properties"])
    assert narrowed["properties"]["asset_id"] == {"$ref": "#/components/schemas/common/$defs/assetIdInput"}
    assert narrowed["required"] == original["required"] and "$id" not in narrowed
    assert original["properties"]["callback_url"]["anyOf"][0] == {"$ref": "common.json#/$defs/callbackUrl"}  # untouched


def test_body_properties_must_name_fields_of_the_body() -> None:
    with pytest.raises(ValueError, match="priority"):
        _narrowed_body(contract_set("mediabank"), "create-ingest.request.json", {"priority": {}})


def test_parameter_schemas_apply_to_their_operation_only() -> None:
    paths = openapi_copy("mediabank")["paths"]
    pattern_ref = {"$ref": "#/components/schemas/common/$defs/assetIdText"}
    assert paths["/asset/{asset_id}"]["get"]["parameters"][0]["schema"] == pattern_ref
    assert paths["/ingest/{ingest_id}"]["get"]["parameters"][0]["schema"] == {"type": "string", "minLength": 1}
