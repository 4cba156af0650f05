"""Hypothesis strategies for every request body and query of every provider, from the contracts.

Valid values come from Schemathesis's generator over the provider's OpenAPI
document (assembled from the contracts), and each is checked against its
contract schema, so every drawn value validates. Invalid variants
start from a valid value and break exactly one rule (a required field
dropped, a wrong type, a value outside an enum, an unknown field where none
are allowed, a string too short); each is checked to really fail the schema.

    from mockservers import strategies
    @given(strategies.request_body("pixop", "createProject"))
    def test_my_client_serializes(body): ...
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from hypothesis import strategies as st

from mockservers.core.contracts import Endpoint, contract_set
from mockservers.core.openapi import openapi_copy

_DROP = ("$schema", "$id", "$defs", "$comment", "title", "description", "examples")


@dataclass(frozen=True)
class Invalid:
    """A request value that breaks one rule of its contract, and which rule."""

    value: Any
    rule: str


def operations(provider: str) -> list[str]:
    """Operation ids of a provider that take a JSON body or a query."""
    return [e.operation for e in contract_set(provider).endpoints if e.request or e.query]


def endpoint(provider: str, operation: str) -> Endpoint:
    """The contract endpoint of one operation id."""
    for found in contract_set(provider).endpoints:
        if found.operation == operation:
            return found
    raise KeyError(f"{provider} has no operation {operation!r}")


@cache
def resolved_schema(provider: str, file_name: str) -> dict[str, Any]:
    """A contract schema with every ``$ref`` inlined (a standalone schema for generators)."""
    contracts = contract_set(provider)
    root = contracts.schema(file_name)
    by_id = {s["$id"]: name for name, s in contracts.schemas.items() if "$id" in s}

    def lookup(doc_name: str, pointer: str) -> tuple[str, Any]:
        node: Any = contracts.schema(doc_name)
        for part in [p for p in pointer.split("/") if p]:
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return doc_name, node

    def inline(node: Any, doc_name: str, depth: int) -> Any:
        if depth > 30:
            raise ValueError(f"{provider}/{file_name}: $ref nesting too deep (recursive schema?)")
        if isinstance(node, list):
            return [inline(item, doc_name, depth) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            target, _, fragment = node["$ref"].partition("#")
            target_doc = doc_name if not target else by_id.get(target, target.rsplit("/", 1)[-1])
            ref_doc, found = lookup(target_doc, fragment)
            merged = inline(found, ref_doc, depth + 1)
            rest = {k: inline(v, doc_name, depth) for k, v in node.items() if k != "$ref" and k not in _DROP}
            return {**merged, **rest} if rest else merged
        return {k: inline(v, doc_name, depth) for k, v in node.items() if k not in _DROP}

    return inline(root, file_name, 0)


def _schema_of(provider: str, operation: str, part: str) -> dict[str, Any]:
    found = endpoint(provider, operation)
    file_name = found.request if part == "request" else found.query
    if not file_name:
        raise KeyError(f"{provider} {operation} has no {part} contract")
    return resolved_schema(provider, file_name)


@cache
def _api_operation(provider: str, operation: str) -> Any:
    import schemathesis

    document = openapi_copy(provider)
    document["servers"] = [{"url": "http://127.0.0.1"}]
    return schemathesis.openapi.from_dict(document).find_operation_by_id(operation)


def _valid(provider: str, operation: str, part: str) -> st.SearchStrategy[Any]:
    found = endpoint(provider, operation)
    file_name = found.request if part == "request" else found.query
    if not file_name:
        raise KeyError(f"{provider} {operation} has no {part} contract")
    validator = contract_set(provider).validator(file_name)
    if part == "request":
        cases = _api_operation(provider, operation).as_strategy(media_type="application/json")
        values = cases.map(lambda case: case.body)
    else:
        # On the wire every query value is a string; the contracts describe them as such.
        values = _api_operation(provider, operation).as_strategy().map(
            lambda case: {k: v if isinstance(v, str) else str(v) for k, v in (case.query or {}).items()}
        )
    return values.filter(validator.is_valid)


def request_body(provider: str, operation: str) -> st.SearchStrategy[Any]:
    """Valid JSON bodies of one operation."""
    return _valid(provider, operation, "request")


def query(provider: str, operation: str) -> st.SearchStrategy[dict[str, str]]:
    """Valid query parameters of one operation (values are strings, as on the wire)."""
    return _valid(provider, operation, "query")


def invalid_request_body(provider: str, operation: str) -> st.SearchStrategy[Invalid]:
    """Bodies that break exactly one rule of the operation's request contract."""
    return _invalid(provider, operation, "request")


def invalid_query(provider: str, operation: str) -> st.SearchStrategy[Invalid]:
    """Queries that break exactly one rule of the operation's query contract."""
    return _invalid(provider, operation, "query")


def _invalid(provider: str, operation: str, part: str) -> st.SearchStrategy[Invalid]:
    schema = _schema_of(provider, operation, part)
    found = endpoint(provider, operation)
    validator = contract_set(provider).validator((found.request if part == "request" else found.query) or "")
    candidates = st.one_of(
        st.just(Invalid([], "not an object")) if schema.get("type") == "object" else st.nothing(),
        _valid(provider, operation, part).flatmap(
            lambda value: st.sampled_from(_breakages(schema, value, wire=part == "query"))
            if isinstance(value, dict)
            else st.nothing()
        ),
    )
    return candidates.filter(lambda invalid: not validator.is_valid(invalid.value))


def _wrong_value(prop: dict[str, Any]) -> Any:
    """A value of a type the property does not allow."""
    allowed = prop.get("type")
    allowed = {allowed} if isinstance(allowed, str) else set(allowed or [])
    for candidate, kind in ((12345, "integer"), ("not-a-number", "string"), ({"unexpected": True}, "object"), ([1, 2], "array")):
        if allowed and kind not in allowed and not (kind == "integer" and "number" in allowed):
            return candidate
    if "enum" in prop:
        return "value-outside-the-enum"
    return None


def _breakages(schema: dict[str, Any], value: dict[str, Any], wire: bool = False) -> list[Invalid]:
    """Every single-rule breakage of a valid object value (``wire``: a query, where every value is a string)."""
    found: list[Invalid] = []
    properties = schema.get("properties", {})
    for name in schema.get("required", []):
        if name in value:
            found.append(Invalid({k: v for k, v in value.items() if k != name}, f"required {name!r} missing"))
    for name, prop in properties.items():
        if not isinstance(prop, dict):
            continue
        wrong = "not a valid value!" if wire and ("pattern" in prop or "enum" in prop) else _wrong_value(prop)
        if wire and not isinstance(wrong, str):
            wrong = None
        if wrong is not None:
            found.append(Invalid({**value, name: wrong}, f"{name!r} of a wrong type"))
        if "enum" in prop:
            found.append(Invalid({**value, name: "value-outside-the-enum"}, f"{name!r} outside its enum"))
        if prop.get("type") == "string" and prop.get("minLength", 0) >= 1:
            found.append(Invalid({**value, name: ""}, f"{name!r} empty"))
    if schema.get("additionalProperties") is False:
        found.append(Invalid({**value, "unexpectedField": 1}, "a field the contract does not allow"))
    return found or [Invalid([value], "not an object")]
