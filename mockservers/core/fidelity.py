"""Fidelity warnings: an input accepted here that the real service might treat differently.

The fidelity policy: refuse only what the real service is known to refuse; accept
the rest as it most plausibly does, and say so on the exchange's journal entry
with :func:`warn`. The answer is the same either way; strict mode (pytest
``mockservers_strict``) fails a test whose exchanges carry warnings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask import has_request_context, request

SOURCES = ("doc", "client", "inferred")


def warn(code: str, message: str, source: str = "inferred", environ: dict[str, Any] | None = None) -> None:
    """Record a warning on the current request's journal entry (no-op outside a request).

    ``code`` is a short stable name (``unknown-field``), ``message`` says what the
    real service might do differently and why, ``source`` is doc, client or inferred.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, not {source!r}")
    if environ is None:
        if not has_request_context():
            return
        environ = request.environ
    exchange = environ.get("mockservers.exchange")
    if exchange is None:
        return
    entry = {"code": code, "message": message, "source": source}
    if entry not in exchange.warnings:
        exchange.warnings.append(entry)


def collected(provider: str, exchanges: Iterable[Any]) -> list[dict[str, str]]:
    """Every warning on the exchanges, each with provider, method, path, code, message and source."""
    found: list[dict[str, str]] = []
    for exchange in exchanges:
        for warning in exchange.warnings:
            found.append({"provider": provider, "method": exchange.method, "path": exchange.path, **warning})
    return found


def describe(warnings: list[dict[str, str]], limit: int = 20) -> str:
    """A strict-mode failure message listing the warnings."""
    lines = [
        f"  - {w['provider']} {w['method']} {w['path']}: [{w['code']}] {w['message']} (source: {w['source']})"
        for w in warnings[:limit]
    ]
    if len(warnings) > limit:
        lines.append(f"  ... and {len(warnings) - limit} more")
    return (
        f"{len(warnings)} fidelity warning(s) in strict mode (the real service might answer these requests differently):\n"
        + "\n".join(lines)
    )


def undeclared_query_parameters(
    provider: str, method: str, path: str, names: list[str], include_open: bool = False
) -> list[str]:
    """Query parameters the provider's contract does not declare for this endpoint (nor as credentials).

    Only where the contract closes the list (no query schema at all, or ``additionalProperties:
    false``); a query schema that admits other names (e.g. Blue Billywig's field filters) leaves
    the judgement to the provider's own code, which may ask with ``include_open=True`` for the
    names such a schema does not list.
    """
    from mockservers.core.contracts import (
        contract_set,  # contracts load jsonschema: paid on first request only
    )
    from mockservers.core.openapi import overlay
    from mockservers.core.paths import contracts_dir

    if not (contracts_dir() / provider / "endpoints.json").is_file():
        return []  # a provider without contracts (yet): nothing to judge by
    contracts = contract_set(provider)
    endpoint = contracts.endpoint_for(method, path)
    if endpoint is None:
        return []  # an unknown route answers the provider's own not-found
    schemes = overlay(provider).get("securitySchemes", {})
    declared = {s["name"] for s in schemes.values() if s.get("type") == "apiKey" and s.get("in") == "query"}
    patterns: list[str] = []
    if endpoint.query:
        closed = _collect(contracts, endpoint.query, contracts.schema(endpoint.query), declared, patterns)
        if not closed and not include_open:
            return []
    return [n for n in names if n not in declared and not any(re.search(p, n) for p in patterns)]


def _collect(contracts: Any, file: str, node: dict[str, Any], names: set[str], patterns: list[str]) -> bool:
    """Gather declared property names of a schema (following $ref and allOf); True if it admits no others."""
    closed = node.get("additionalProperties") is False
    names |= set(node.get("properties", {}))
    patterns += list(node.get("patternProperties", {}))
    ref = node.get("$ref")
    if isinstance(ref, str):
        target, _, pointer = ref.partition("#")
        target_file = target.rsplit("/", 1)[-1] if target else file
        referenced: Any = contracts.schema(target_file)
        for part in [p for p in pointer.split("/") if p]:
            referenced = referenced[part.replace("~1", "/").replace("~0", "~")]
        closed = _collect(contracts, target_file, referenced, names, patterns) or closed
    for sub in node.get("allOf", []):
        closed = _collect(contracts, file, sub, names, patterns) or closed
    return closed


def warn_undeclared_query(provider: str, method: str, path: str, names: list[str], include_open: bool = False) -> None:
    """Warn once per query parameter the documented API does not have: the real service may refuse it."""
    for name in undeclared_query_parameters(provider, method, path, names, include_open):
        warn(
            "unknown-parameter",
            f"query parameter {name!r} is not in the documented API; it is ignored here, the real service may refuse it",
            "inferred",
        )
