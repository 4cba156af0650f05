"""JSON Schema contracts: loaded once per provider, matched to requests by method and route."""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule

from mockservers.core.paths import contracts_dir


@dataclass(frozen=True)
class Violation:
    """A contract violation: where (JSON pointer), what, and the offending value."""

    endpoint: str
    part: str
    pointer: str
    message: str
    value: Any = None

    def __str__(self) -> str:
        return f"{self.endpoint} {self.part} at {self.pointer or '/'}: {self.message}"


@dataclass(frozen=True)
class Endpoint:
    """One documented operation."""

    operation: str
    method: str
    path: str
    request: str | None
    query: str | None
    responses: dict[str, str | None]


class ContractSet:
    """Every schema of one provider with validators built once and reused."""

    def __init__(self, provider: str, root: Path | None = None, error_contract: str | None = None) -> None:
        self.provider = provider
        self._declared_error = error_contract
        self.root = (root or contracts_dir()) / provider
        index = json.loads((self.root / "endpoints.json").read_text())
        self.index: dict[str, Any] = index
        self.endpoints = [
            Endpoint(
                operation=e["operation"],
                method=e["method"].upper(),
                path=e["path"],
                request=e.get("request"),
                query=e.get("query"),
                responses=dict(e["responses"]),
            )
            for e in index["endpoints"]
        ]
        # The provider's error document, what undocumented routes answer: Provider.error_contract when
        # given, else the one the index names ("error"), else the endpoints' shared "default" response.
        defaults = Counter(e.responses["default"] for e in self.endpoints if e.responses.get("default"))
        self.error_contract: str = (
            self._declared_error or index.get("error") or (defaults.most_common(1)[0][0] if defaults else "error.json")
        )
        self._schemas: dict[str, dict[str, Any]] = {}
        resources = []
        for file in sorted(self.root.glob("*.json")):
            if file.name in NOT_SCHEMAS:
                continue
            schema = json.loads(file.read_text())
            self._schemas[file.name] = schema
            resources.append((schema.get("$id", file.name), Resource.from_contents(schema)))
        self._registry = Registry().with_resources(resources)
        self._validators: dict[str, Draft202012Validator] = {}
        self._lock = threading.Lock()
        self._map = Map(
            [Rule(e.path, methods=[e.method], endpoint=i) for i, e in enumerate(self.endpoints)],
            strict_slashes=False,
        )

    def validator(self, name: str) -> Draft202012Validator:
        """The cached validator of one schema file."""
        with self._lock:
            found = self._validators.get(name)
            if found is None:
                found = Draft202012Validator(self._schemas[name], registry=self._registry)
                self._validators[name] = found
            return found

    @property
    def schemas(self) -> dict[str, dict[str, Any]]:
        """Every schema document by file name."""
        return self._schemas

    def schema(self, name: str) -> dict[str, Any]:
        """A schema document by file name."""
        return self._schemas[name]

    def endpoint_for(self, method: str, path: str) -> Endpoint | None:
        """The endpoint a request hits, or None when the API has no such route."""
        method = "GET" if method.upper() == "HEAD" else method.upper()
        try:
            index, _ = self._map.bind("contracts").match(path, method=method)
        except (NotFound, MethodNotAllowed):
            return None
        return self.endpoints[index]

    def check(self, schema_name: str, value: Any, endpoint: str, part: str) -> list[Violation]:
        """Validate ``value`` against one schema; every violation is returned."""
        errors = list(self.validator(schema_name).iter_errors(value))
        if not errors:
            return []
        ordered = [best_match(errors)] + [e for e in errors if e is not best_match(errors)]
        return [Violation(endpoint, part, e.json_path.replace("$", "", 1).replace(".", "/"), e.message, e.instance) for e in ordered]

    def check_request(self, method: str, path: str, request_json: Any = None, query: dict[str, str] | None = None) -> list[Violation]:
        """Check a request alone (before it is answered): route, JSON body and query."""
        endpoint = self.endpoint_for(method, path)
        if endpoint is None:
            return [Violation(f"{method} {path}", "route", "", "no contract covers this route")]
        return self._request_violations(endpoint, request_json, query)

    def _request_violations(self, endpoint: Endpoint, request_json: Any, query: dict[str, str] | None) -> list[Violation]:
        name = f"{endpoint.method} {endpoint.path}"
        found: list[Violation] = []
        if endpoint.request and request_json is not None:
            found += self.check(endpoint.request, request_json, name, "request")
        if endpoint.query and query is not None:
            found += self.check(endpoint.query, query, name, "query")
        return found

    def check_exchange(
        self,
        method: str,
        path: str,
        status: int,
        response_json: Any,
        has_body: bool,
        request_json: Any = None,
        query: dict[str, str] | None = None,
        check_request: bool = False,
    ) -> list[Violation]:
        """Check one recorded exchange: the response always, the request when asked."""
        endpoint = self.endpoint_for(method, path)
        if endpoint is None:
            # Undocumented routes answer the provider's not-found/wrong-verb error.
            endpoint_name = f"{method} {path}"
            if status in (404, 405) and self.error_contract in self._schemas:
                if method.upper() == "HEAD":
                    return []
                return self.check(self.error_contract, response_json, endpoint_name, "response") if has_body else []
            return [Violation(endpoint_name, "route", "", "no contract covers this route")]
        name = f"{endpoint.method} {endpoint.path}"
        found = self._request_violations(endpoint, request_json, query) if check_request else []
        key = str(status) if str(status) in endpoint.responses else "default"
        if key not in endpoint.responses:
            return [*found, Violation(name, "status", "", f"status {status} is not in the contract")]
        schema_name = endpoint.responses[key]
        if schema_name is None or method.upper() == "HEAD":
            return found  # no JSON body documented, or a HEAD answer (headers only)
        if not has_body:
            return [*found, Violation(name, "response", "", f"status {status} must have a JSON body")]
        return found + self.check(schema_name, response_json, name, "response")


# Files of a contracts folder that are not JSON Schemas (its OpenAPI overlay lives in openapi/).
NOT_SCHEMAS = ("endpoints.json",)


@cache
def contract_set(provider: str, error_contract: str | None = None) -> ContractSet:
    """The process-wide, loaded-once contracts of one provider (``error_contract``: Provider.error_contract)."""
    return ContractSet(provider, error_contract=error_contract)
