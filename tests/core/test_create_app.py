"""Every provider's ``create_app(config)`` factory gives an isolated, working Flask app.

Isolation is checked so that it can fail: two apps side by side (mutating one
leaves the other as it was), the same bad request answering the same body on a
later fresh app, and no module-level mutable object of the provider or the core
changing while an app is used (a module-global counter or registry would).
"""

from __future__ import annotations

import collections
import itertools
import sys
from importlib import import_module
from typing import Any

import pytest

from mockservers.conformance.check import run_check
from mockservers.registry import PROVIDERS

# Module-level objects that may change by design: caches of pure results (same input, same
# output), so they cannot make one emulator differ from another.
CACHES = {("mockservers.core.state", "_BUILT_WORLDS"), ("mockservers.core.probe", "_PROBE_CACHE")}
MUTABLE = (dict, list, set, bytearray, itertools.count, collections.Counter, collections.deque)


def _module_state(name: str) -> dict[tuple[str, str], str]:
    found = {}
    for module_name, module in list(sys.modules.items()):
        if module is None or not (module_name.startswith(f"mockservers.{name}") or module_name.startswith("mockservers.core")):
            continue
        for attribute, value in list(vars(module).items()):
            if isinstance(value, MUTABLE) and not attribute.startswith("__") and (module_name, attribute) not in CACHES:
                found[(module_name, attribute)] = repr(value)
    return found


@pytest.mark.parametrize("name", list(PROVIDERS))
def test_create_app_takes_a_config_dict(name: str) -> None:
    create_app = import_module(PROVIDERS[name]).create_app
    first, second = create_app({"seed": 3}), create_app()
    emulator = first.extensions["mockservers"]
    assert emulator is not second.extensions["mockservers"]
    assert emulator.config.seed == 3
    try:
        answer = first.test_client().get("/__admin/clock")
        assert answer.status_code == 200 and "now" in answer.get_json()
    finally:
        emulator.close()
        second.extensions["mockservers"].close()


@pytest.mark.parametrize("name", list(PROVIDERS))
def test_using_one_app_leaves_another_unchanged(name: str, mockservers_s3: Any) -> None:
    create_app = import_module(PROVIDERS[name]).create_app
    used_app = create_app({"s3": mockservers_s3})
    other_app = create_app({"s3": mockservers_s3})
    used, other = used_app.extensions["mockservers"], other_app.extensions["mockservers"]
    try:
        before = other.state.snapshot()
        first_error = other_app.test_client().get("/mockservers-kit/no-such-route").get_data()
        other.journal.clear()
        used.start()
        run_check(name, used.base_url, used.credentials)  # writes, uploads, errors
        used.clock.advance(3600)
        used.faults.add(kind="drop", path="/anything")
        assert used.state.snapshot() != before, "the walk changed nothing, so this check proves nothing"
        assert other.state.snapshot() == before
        assert other.faults.rules() == [] and other.journal.entries(include_admin=True) == []
        assert abs(other.clock.time() - used.clock.time()) > 3000
        # A later fresh app answers the same bad request with the same body (no module-global counter).
        late_app = create_app({"s3": mockservers_s3})
        try:
            assert late_app.test_client().get("/mockservers-kit/no-such-route").get_data() == first_error
        finally:
            late_app.extensions["mockservers"].close()
    finally:
        used.close()
        other.close()


@pytest.mark.parametrize("name", list(PROVIDERS))
def test_no_module_level_state_changes_while_an_app_is_used(name: str, mockservers_s3: Any) -> None:
    create_app = import_module(PROVIDERS[name]).create_app
    warm = create_app({"s3": mockservers_s3}).extensions["mockservers"].start()
    run_check(name, warm.base_url, warm.credentials)  # imports everything a run needs, fills lazy tables
    warm.close()
    before = _module_state(name)
    emulator = create_app({"s3": mockservers_s3}).extensions["mockservers"].start()
    try:
        run_check(name, emulator.base_url, emulator.credentials)
        emulator.app.test_client().get("/mockservers-kit/no-such-route")
    finally:
        emulator.close()
    after = _module_state(name)
    changed = sorted(f"{module}.{attribute}" for module, attribute in before.keys() & after.keys() if before[(module, attribute)] != after[(module, attribute)])
    assert changed == []
