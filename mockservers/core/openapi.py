"""One OpenAPI 3.1 document per provider, assembled from its JSON Schema contracts.

The contracts stay the single source: each schema file becomes a component
(``#/components/schemas/<file stem>``) with its ``$ref``s rewritten to point
inside the document, so the result is self-contained and any OpenAPI tool
(Schemathesis, code generators, Swagger UI) can read it. OpenAPI-only additions
live in ``contracts/<provider>/openapi/``: ``overlay.json`` (servers, security),
``examples.json`` (answers from the seeded world) and ``links.json`` (which
answer's id feeds which call: the links Schemathesis's stateful phase follows).
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from typing import Any

from mockservers.core.contracts import ContractSet, Endpoint, contract_set
from mockservers.core.paths import contracts_dir

# werkzeug converters -> JSON Schema of the path parameter.
_CONVERTERS = {"int": {"type": "integer", "minimum": 0}, "float": {"type": "number"}}
_RULE_PART = re.compile(r"<(?:(?P<converter>[a-zA-Z_]+)(?:\([^)]*\))?:)?(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>")
JSON = "application/json"


def component_name(file_name: str) -> str:
    """The component a schema file becomes: its name without ``.json``."""
    return file_name[: -len(".json")] if file_name.endswith(".json") else file_name


def openapi_path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    """A werkzeug rule as an OpenAPI path template plus its path parameters."""
    params: list[dict[str, Any]] = []

    def replace(match: re.Match[str]) -> str:
        schema = dict(_CONVERTERS.get(match.group("converter") or "", {"type": "string", "minLength": 1}))
        params.append({"name": match.group("name"), "in": "path", "required": True, "schema": schema})
        return "{" + match.group("name") + "}"

    return _RULE_PART.sub(replace, rule), params


def _rewrite_refs(node: Any, file_name: str, by_id: dict[str, str]) -> Any:
    """Point every ``$ref`` of one schema file at the document's components."""
    if isinstance(node, list):
        return [_rewrite_refs(item, file_name, by_id) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("$id", "$schema"):
            continue
        if key == "$ref" and isinstance(value, str):
            target, _, fragment = value.partition("#")
            target_file = file_name if not target else by_id.get(target, target.rsplit("/", 1)[-1])
            out[key] = f"#/components/schemas/{component_name(target_file)}{fragment}"
        else:
            out[key] = _rewrite_refs(value, file_name, by_id)
    return out


def _query_parameters(contracts: ContractSet, schema_file: str) -> list[dict[str, Any]]:
    schema = contracts.schema(schema_file)
    required = set(schema.get("required", []))
    base = f"#/components/schemas/{component_name(schema_file)}/properties/"
    return [
        {"name": name, "in": "query", "required": name in required, "schema": {"$ref": base + _escape(name)}}
        for name in schema.get("properties", {})
    ]


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _summary_from(operation_id: str) -> str:
    """``listProjects`` -> ``List projects``: a readable fallback where the index gives no summary."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", operation_id).lower()
    return words[:1].upper() + words[1:]


def overlay(provider: str) -> dict[str, Any]:
    """The provider's OpenAPI-only additions (servers, security schemes, path parameter schemas, examples), or {}."""
    folder = contracts_dir() / provider / "openapi"
    path = folder / "overlay.json"
    found = json.loads(path.read_text()) if path.is_file() else {}
    examples = folder / "examples.json"
    if examples.is_file():
        found["examples"] = json.loads(examples.read_text())["examples"]
    return found


def _narrowed_body(contracts: ContractSet, file_name: str, properties: dict[str, Any]) -> dict[str, Any]:
    """The request body schema with some properties replaced (the overlay's ``bodyProperties``).

    For what the sandbox accepts more narrowly than the documented API by project policy (Mediabank's
    loopback-only ``callback_url``): the contract itself stays as documented and still validates traffic.
    """
    by_id = {schema["$id"]: name for name, schema in contracts.schemas.items() if "$id" in schema}
    body = _rewrite_refs(contracts.schema(file_name), file_name, by_id)
    unknown = sorted(set(properties) - set(body.get("properties", {})))
    if unknown:
        raise ValueError(f"overlay bodyProperties name fields {file_name} does not have: {', '.join(unknown)}")
    body["properties"] = {**body["properties"], **copy.deepcopy(properties)}
    return body


def links(provider: str) -> dict[str, dict[str, dict[str, Any]]]:
    """The provider's OpenAPI links (``openapi/links.json``): source operationId -> status -> name -> Link Object."""
    path = contracts_dir() / provider / "openapi" / "links.json"
    return json.loads(path.read_text())["links"] if path.is_file() else {}


def _add_links(provider: str, paths: dict[str, dict[str, Any]]) -> None:
    """Put each declared link on its source response; a link naming an unknown operation or status is an error."""
    operations = {op["operationId"]: op for item in paths.values() for op in item.values()}
    where = f"contracts/{provider}/openapi/links.json"
    for source, by_status in links(provider).items():
        if source not in operations:
            raise ValueError(f"{where}: no operation {source!r}")
        for status, named in by_status.items():
            response = operations[source]["responses"].get(status)
            if response is None:
                raise ValueError(f"{where}: {source} has no {status} response")
            for name, link in named.items():
                if link.get("operationId") not in operations:
                    raise ValueError(f"{where}: link {source} {status} {name} targets unknown operation {link.get('operationId')!r}")
            response["links"] = copy.deepcopy(named)


def _operation(contracts: ContractSet, endpoint: Endpoint, raw: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    error_type = contracts.index.get("error_content_type") or JSON
    _, path_params = openapi_path(endpoint.path)
    # The overlay may state a path parameter's schema by name (e.g. integer ids): the emulator's
    # rules (werkzeug rules take any text) stated where clients and fuzzers read them.
    # ``operations.<id>.path_parameters`` does it for one operation, and ``operations.<id>.parameters``
    # adds parameters the contracts do not model (request headers such as TUS's).
    own = extra.get("operations", {}).get(endpoint.operation, {})
    declared = {**extra.get("path_parameters", {}), **own.get("path_parameters", {})}
    path_params = [{**p, "schema": copy.deepcopy(declared[p["name"]])} if p["name"] in declared else p for p in path_params]
    operation: dict[str, Any] = {"operationId": endpoint.operation, "parameters": path_params + copy.deepcopy(own.get("parameters", []))}
    operation["summary"] = raw.get("summary") or _summary_from(endpoint.operation)
    security = own.get("security")
    if security is not None:
        operation["security"] = security
    if endpoint.query:
        operation["parameters"] += _query_parameters(contracts, endpoint.query)
    if endpoint.request:
        schema: dict[str, Any] = {"$ref": f"#/components/schemas/{component_name(endpoint.request)}"}
        if own.get("bodyProperties"):
            schema = _narrowed_body(contracts, endpoint.request, own["bodyProperties"])
        types = raw.get("request_content_types") or [JSON]
        operation["requestBody"] = {"required": True, "content": {t: {"schema": schema} for t in types}}
    responses: dict[str, Any] = {}
    examples = extra.get("examples", {}).get(endpoint.operation, {})
    for status, schema_file in endpoint.responses.items():
        entry: dict[str, Any] = {"description": "error" if status == "default" else f"status {status}"}
        if schema_file is not None:
            media: dict[str, Any] = {"schema": {"$ref": f"#/components/schemas/{component_name(schema_file)}"}}
            example = examples.get(status)
            if example is None and status == "default":
                example = next((v for k, v in examples.items() if k not in endpoint.responses), None)
            if example is not None:
                media["example"] = example
            # Errors may have their own media type (Vonage: RFC 7807 application/problem+json).
            media_type = error_type if status == "default" or not status.startswith("2") else JSON
            entry["content"] = {media_type: media}
        elif raw.get("response_content_type") and status.startswith("2"):
            entry["content"] = {raw["response_content_type"]: {}}
        responses[status] = entry
    operation["responses"] = responses
    return operation


@cache
def openapi_document(provider: str, title: str = "", version: str = "contracts") -> dict[str, Any]:
    """The provider's OpenAPI 3.1 document (built once per process; copy before mutating)."""
    contracts = contract_set(provider)
    index = contracts.index
    extra = overlay(provider)
    by_id = {schema["$id"]: name for name, schema in contracts.schemas.items() if "$id" in schema}
    components = {
        component_name(name): _rewrite_refs(schema, name, by_id) for name, schema in sorted(contracts.schemas.items())
    }
    paths: dict[str, dict[str, Any]] = {}
    for endpoint, raw in zip(contracts.endpoints, index["endpoints"], strict=True):
        template, _ = openapi_path(endpoint.path)
        paths.setdefault(template, {})[endpoint.method.lower()] = _operation(contracts, endpoint, raw, extra)
    _add_links(provider, paths)
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": title or index.get("title") or f"{provider} (mockservers contracts)",
            "version": version,
            "description": f"Assembled from contracts/{provider}/ by mockservers; the JSON Schemas are the source.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": paths,
        "components": {"schemas": components},
    }
    if extra.get("servers"):
        document["servers"] = extra["servers"]
    if extra.get("securitySchemes"):
        document["components"]["securitySchemes"] = extra["securitySchemes"]
        document["security"] = extra.get("security", [])
    return document


def openapi_copy(provider: str, title: str = "") -> dict[str, Any]:
    """A mutable copy of the provider's OpenAPI document."""
    return copy.deepcopy(openapi_document(provider, title))
