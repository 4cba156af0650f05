"""mockservers.strategies: valid values validate, invalid ones break exactly the rule they name."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from mockservers import strategies
from mockservers.core.contracts import contract_set
from mockservers.registry import PROVIDERS

CASES = [
    (provider, operation, part)
    for provider in PROVIDERS
    for operation in strategies.operations(provider)
    for part in ("request", "query")
    if getattr(strategies.endpoint(provider, operation), part)
]
FAST = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
# Every example adds to one emulator's state; the plugin's teardown then checks all the answers against contracts.
OVER_HTTP = settings(FAST, suppress_health_check=[*FAST.suppress_health_check, HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize(("provider", "operation", "part"), CASES)
def test_valid_values_validate_and_invalid_ones_do_not(provider: str, operation: str, part: str) -> None:
    endpoint = strategies.endpoint(provider, operation)
    validator = contract_set(provider).validator(getattr(endpoint, part))
    valid = strategies.request_body(provider, operation) if part == "request" else strategies.query(provider, operation)
    invalid = (
        strategies.invalid_request_body(provider, operation) if part == "request" else strategies.invalid_query(provider, operation)
    )

    @FAST
    @given(valid)
    def check_valid(value: object) -> None:
        assert validator.is_valid(value)

    @FAST
    @given(invalid)
    def check_invalid(broken: strategies.Invalid) -> None:
        errors = list(validator.iter_errors(broken.value))
        assert errors, broken
        assert broken.rule

    check_valid()
    check_invalid()


def test_unknown_operation_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="no operation 'nope'"):
        strategies.request_body("pixop", "nope")


@OVER_HTTP
@given(broken=strategies.invalid_request_body("pixop", "createProject"))
def test_pixop_refuses_every_invalid_project_body(pixop, pixop_client, broken: strategies.Invalid) -> None:
    response = pixop_client.put("/videos/v1/project", json=broken.value)
    assert response.status_code == 400, (broken, response.text)


@OVER_HTTP
@given(body=strategies.request_body("pixop", "createProject"))
def test_pixop_accepts_every_valid_project_body(pixop, pixop_client, body: dict) -> None:
    response = pixop_client.put("/videos/v1/project", json=body)
    assert response.status_code == 200, (body, response.text)
    assert response.json()["project"]["name"] == body["name"]
