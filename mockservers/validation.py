"""Checking recorded exchanges against the contracts (provider routes and the admin API)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl

from mockservers.core.contracts import Violation, contract_set
from mockservers.core.journal import Exchange
from mockservers.registry import PROVIDERS, error_contract_of


def exchange_violations(provider: str, exchanges: Iterable[Exchange], check_requests: bool = True) -> list[Violation]:
    """Violations among exchanges; fault-injected and dropped exchanges are skipped (a test asked for them).

    With ``check_requests``, every request the emulator ACCEPTED (answered below 400) is checked
    against its request contract too: a client sending what the documented API calls invalid fails
    its test even where the emulator, following the real service, let it through (with a fidelity
    warning). A request the emulator refused is the test's own deliberate bad input.
    """
    found: list[Violation] = []
    # The error document is declared by the provider (Provider.error_contract); unregistered names keep the default.
    error_contract = error_contract_of(provider) if provider in PROVIDERS else None
    for exchange in exchanges:
        if exchange.fault is not None or exchange.dropped:
            continue
        if exchange.outbound:
            continue  # a callback the emulator made: the receiver's answer is not the provider's contract
        if exchange.status >= 500:
            # An emulator-side failure is only ever one a test asked for (a fault rule).
            found.append(Violation(f"{exchange.method} {exchange.path}", "status", "", f"server error {exchange.status}"))
            continue
        contracts = contract_set("admin") if exchange.admin else contract_set(provider, error_contract)
        body = exchange.response_body
        if body.get("truncated") and _is_json(body.get("content_type", "")):
            found.append(Violation(f"{exchange.method} {exchange.path}", "response", "", "body too large to check"))
            continue
        has_json = "json" in body
        if body.get("size") and not has_json and _is_json(body.get("content_type", "")):
            found.append(Violation(f"{exchange.method} {exchange.path}", "response", "", "body is not valid JSON"))
            continue
        found += contracts.check_exchange(
            exchange.method,
            exchange.path,
            exchange.status,
            body.get("json"),
            has_json,
            request_json=exchange.request_body.get("json"),
            query=dict(parse_qsl(exchange.query)),
            check_request=check_requests and not exchange.admin and exchange.status < 400,
        )
    return found


def _is_json(content_type: str) -> bool:
    base = content_type.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")
