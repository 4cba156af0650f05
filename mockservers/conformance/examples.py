"""Examples for the OpenAPI documents, taken from the seeded world by walking a fresh emulator.

``python -m mockservers.conformance.examples [PROVIDER ...]`` rewrites
``contracts/<provider>/openapi/examples.json``; a test proves every example valid
against its schema, so a tool mocking the document (Prism) answers like the provider.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from mockservers.conformance.check import Walk, load_walk
from mockservers.core.contracts import contract_set
from mockservers.core.paths import contracts_dir
from mockservers.registry import PROVIDERS, create_emulator
from mockservers.registry import provider as provider_spec


def examples_path(provider: str) -> Path:
    """Where a provider's examples live."""
    return contracts_dir() / provider / "openapi" / "examples.json"


class _CollectingWalk(Walk):
    """A walk that keeps the first JSON answer of each (operation, status) it sees."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.collected: dict[str, dict[str, Any]] = {}

    def call(self, method: str, path: str, *args: Any, **kwargs: Any) -> requests.Response | None:
        response = super().call(method, path, *args, **kwargs)
        if response is None or method.upper() == "HEAD":
            return response
        endpoint = self.contracts.endpoint_for(method, urlsplit(self.url(path)).path)
        if endpoint is None or "json" not in response.headers.get("Content-Type", ""):
            return response
        try:
            body = response.json()
        except ValueError:
            return response
        status = str(response.status_code)
        self.collected.setdefault(endpoint.operation, {}).setdefault(status, body)
        return response


def collect(provider: str) -> dict[str, dict[str, Any]]:
    """``{operationId: {status: example}}`` from a walk of a fresh emulator of the default world."""
    walk_function = load_walk(provider)
    if walk_function is None:
        return {}
    with create_emulator(provider) as emulator:
        walk = _CollectingWalk(provider, emulator.base_url, emulator.credentials)
        walk_function(walk)
        base = emulator.base_url
    # Absolute URLs point at the sandbox's default port, not the walk's random one.
    default = f"http://127.0.0.1:{provider_spec(provider).default_port}"
    text = json.dumps(walk.collected).replace(base, default)
    return json.loads(text)


def write(provider: str) -> Path:
    """Collect and write one provider's examples."""
    path = examples_path(provider)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"description": f"Answers of a fresh {provider} emulator (seed 0), by operation and status.", "examples": collect(provider)}
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    return path


def load(provider: str) -> dict[str, dict[str, Any]]:
    """The stored examples, or {}."""
    path = examples_path(provider)
    return json.loads(path.read_text())["examples"] if path.is_file() else {}


def invalid_examples(provider: str) -> list[str]:
    """Stored examples that do not validate against their response schema (should be none)."""
    contracts = contract_set(provider)
    by_operation = {e.operation: e for e in contracts.endpoints}
    found = []
    for operation, by_status in load(provider).items():
        endpoint = by_operation.get(operation)
        if endpoint is None:
            found.append(f"{operation}: no such operation")
            continue
        for status, value in by_status.items():
            schema = endpoint.responses.get(status, endpoint.responses.get("default"))
            if schema is None:
                found.append(f"{operation} {status}: no JSON body in the contract")
                continue
            for violation in contracts.check(schema, value, operation, "response"):
                found.append(f"{operation} {status}: {violation.pointer or '/'} {violation.message}")
    return found


if __name__ == "__main__":
    for name in sys.argv[1:] or list(PROVIDERS):
        print(write(name))
