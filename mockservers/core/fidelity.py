"""Fidelity warnings: an input accepted here that the real service might treat differently.

The fidelity policy: refuse only what the real service is known to refuse; accept
the rest as it most plausibly does, and say so on the exchange's journal entry
with :func:`warn`. The answer is the same either way; strict mode (pytest
``mockservers_strict``) fails a test whose exchanges carry warnings.
"""

from __future__ import annotations

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
