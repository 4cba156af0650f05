"""The contract check that the plugin runs at teardown."""

from __future__ import annotations

from mockservers.core.journal import Exchange
from mockservers.validation import exchange_violations


def _exchange(status: int, body: dict | None, fault: str | None = None, method: str = "GET") -> Exchange:
    exchange = Exchange(1, 0.0, method, "/videos/v1/project/p1", "", {}, status=status, fault=fault)
    raw = b"" if body is None else __import__("json").dumps(body).encode()
    exchange.set_raw_bodies(("", b"", 0), ("application/json", raw, len(raw)))
    return exchange


def test_server_errors_are_violations_unless_a_fault_asked_for_them() -> None:
    error = {"exception": "InternalServerErrorException", "errorMessage": "boom"}
    assert [v.message for v in exchange_violations("pixop", [_exchange(500, error)])] == ["server error 500"]
    assert exchange_violations("pixop", [_exchange(500, error, fault="fault-1")]) == []


def test_wrong_error_shape_and_unknown_status_are_reported() -> None:
    bad = exchange_violations("pixop", [_exchange(404, {"error": "missing"})])
    assert bad and bad[0].part == "response"
    ok = exchange_violations("pixop", [_exchange(404, {"exception": "NotFoundException", "errorMessage": "no such project"})])
    assert ok == []
    head = exchange_violations("pixop", [_exchange(404, None, method="HEAD")])
    assert head == []
