"""The plugin checks the user's own requests, not only the emulator's answers."""

from __future__ import annotations

from mockservers.core.journal import Exchange
from mockservers.validation import exchange_violations


def _exchange(status: int, body: object, admin: bool = False) -> Exchange:
    exchange = Exchange(1, 0.0, "PUT", "/videos/v1/project", "", {}, admin=admin, status=status)
    exchange.request_body = {"size": 10, "content_type": "application/json", "json": body}
    answer = {"project": {"id": "p1", "name": "x"}} if status < 400 else {"exception": "X", "errorMessage": "no"}
    exchange.response_body = {"size": 10, "content_type": "application/json", "json": answer}
    return exchange


def test_an_accepted_request_that_breaks_its_contract_is_a_violation() -> None:
    found = exchange_violations("pixop", [_exchange(200, {"name": 5})])
    assert [(v.part, v.pointer) for v in found if v.part == "request"] == [("request", "/name")]


def test_a_request_the_emulator_refused_is_the_tests_own_bad_input() -> None:
    found = exchange_violations("pixop", [_exchange(400, {"name": 5})])
    assert not [v for v in found if v.part == "request"]


def test_request_checks_can_be_turned_off() -> None:
    assert not [v for v in exchange_violations("pixop", [_exchange(200, {"name": 5})], check_requests=False) if v.part == "request"]
