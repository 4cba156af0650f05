"""Schema-driven fuzzing: Schemathesis over every emulator's OpenAPI document.

Each provider's fixture emulator is fuzzed over a real socket, logged in with
the provider's own walk ``authenticate``; path parameters are drawn half the
time from ids that exist in the seeded world so the happy paths are reached.
Zero server errors are allowed, and the plugin's teardown checks every
answer against the contracts.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockservers.core.emulator import Emulator
from mockservers.core.openapi import openapi_copy
from mockservers.registry import PROVIDERS, authenticate_of

EXAMPLES_PER_OPERATION = 12
CASE_COUNTS: dict[str, dict[str, int]] = {}


def _known_ids(emulator: Emulator) -> list[str]:
    ids: set[str] = set()
    for table in emulator.state.db.values():
        ids.update(str(key) for key in list(table)[:50])
    return sorted(ids)


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_fuzz_emulator(provider: str, request: pytest.FixtureRequest) -> None:
    emulator: Emulator = request.getfixturevalue(provider)
    document = openapi_copy(provider)
    document["servers"] = [{"url": emulator.base_url}]
    schema = schemathesis.openapi.from_dict(document)
    session = requests.Session()
    authenticate_of(provider)(session, emulator.base_url, emulator.credentials)
    known = _known_ids(emulator)
    counts = CASE_COUNTS.setdefault(provider, {"operations": 0, "cases": 0, "2xx": 0, "4xx": 0})
    for result in schema.get_all_operations():
        operation = result.ok()
        counts["operations"] += 1
        params = [p.name for p in operation.path_parameters]
        ids = st.fixed_dictionaries({name: st.sampled_from(known) for name in params}) if params and known else st.just({})

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(), real_ids=ids, use_real=st.booleans())
        def fuzz(case: Any, real_ids: dict[str, str], use_real: bool) -> None:
            if use_real and real_ids:
                case.path_parameters = {**(case.path_parameters or {}), **real_ids}
            response = case.call(base_url=emulator.base_url, session=session)
            counts["cases"] += 1
            counts[f"{response.status_code // 100}xx"] = counts.get(f"{response.status_code // 100}xx", 0) + 1
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"

        fuzz()
    assert counts["cases"] >= counts["operations"]
