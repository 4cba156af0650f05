"""What every registered provider gets for free: run over each, a sixth provider included.

Reset equals fresh (the whole state and an error body), the same seed gives the
same world in two processes, a snapshot round-trips, the Flask routes are the
contract's routes, and the world depends neither on settings nor on what the
process built before.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from mockservers.conformance.check import run_check
from mockservers.core.contracts import contracts_dir
from mockservers.core.emulator import Emulator, EmulatorConfig
from mockservers.registry import PROVIDERS, create_emulator, provider

NO_SUCH_ROUTE = "/mockservers-kit/no-such-route"


def _digest(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True, default=str).encode()).hexdigest()


def _error_body(emulator: Emulator) -> tuple[int, bytes]:
    answer = emulator.app.test_client().get(NO_SUCH_ROUTE)
    return answer.status_code, answer.get_data()


def _build(name: str, s3: Any, **fields: Any) -> Emulator:
    return create_emulator(name, EmulatorConfig(s3=s3 if provider(name).uses_s3 else None, **fields))


@contextmanager
def _walked_and_other(name: str, s3: Any) -> Iterator[tuple[Emulator, Emulator]]:
    """An emulator the provider's own conformance walk has used (logins, writes, uploads, errors), and a fresh one."""
    used = _build(name, s3).start()
    other = _build(name, s3)
    try:
        run_check(name, used.base_url, used.credentials)
        yield used, other
    finally:
        used.close()
        other.close()


# -- reset equals fresh ----------------------------------------------------------
@pytest.mark.parametrize("name", list(PROVIDERS))
def test_reset_equals_fresh_state(name: str, mockservers_s3: Any) -> None:
    with _walked_and_other(name, mockservers_s3) as (used, fresh):
        assert used.state.snapshot() != fresh.state.snapshot(), "the walk changed nothing, so this check proves nothing"
        used.reset()
        assert used.state.snapshot() == fresh.state.snapshot()


@pytest.mark.parametrize("name", list(PROVIDERS))
def test_reset_equals_fresh_error_body(name: str, mockservers_s3: Any) -> None:
    with _walked_and_other(name, mockservers_s3) as (used, fresh):
        _error_body(used)
        used.reset()
        # The same bad request answers the same body after a reset as on a fresh emulator.
        status, body = _error_body(used)
        assert status == 404 and (status, body) == _error_body(fresh)


# -- snapshots -------------------------------------------------------------------
@pytest.mark.parametrize("name", list(PROVIDERS))
def test_snapshot_round_trips(name: str, mockservers_s3: Any) -> None:
    with _walked_and_other(name, mockservers_s3) as (used, other):
        taken = used.state.snapshot()
        json.dumps(taken)  # JSON-able, as documented
        other.state.restore(json.loads(json.dumps(taken)))
        assert other.state.snapshot() == taken


# -- routes ----------------------------------------------------------------------
def _flask_routes(emulator: Emulator) -> set[tuple[str, str]]:
    found = set()
    for rule in emulator.app.url_map.iter_rules():
        if rule.rule.startswith("/__admin") or rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"<\1>", rule.rule)  # <int:id> -> <id>
        # Flask adds HEAD and OPTIONS to every rule; an OPTIONS a view declares itself (a CORS preflight) is a route.
        implicit = {"HEAD"} | ({"OPTIONS"} if rule.provide_automatic_options else set())
        found |= {(method, path) for method in rule.methods or () if method not in implicit}
    return found


@pytest.mark.parametrize("name", list(PROVIDERS))
def test_registered_routes_are_the_contract_routes(name: str) -> None:
    emulator = create_emulator(name)
    try:
        index = json.loads((contracts_dir() / name / "endpoints.json").read_text())
        documented = {(e["method"].upper(), e["path"]) for e in index["endpoints"]}
        routes = _flask_routes(emulator)
        assert sorted(routes - documented) == [], "routes without a contract"
        assert sorted(documented - routes) == [], "contracts without a route"
    finally:
        emulator.close()


# -- determinism across processes, settings and build order ----------------------
WORLD_SCRIPT = """
import dataclasses, hashlib, json, sys
from mockservers.core.emulator import EmulatorConfig
from mockservers.registry import PROVIDERS, create_emulator, provider

def other_settings(name):
    found = {}
    for f in dataclasses.fields(provider(name).settings_class or object) if provider(name).settings_class else ():
        value = provider(name).check_settings({})[f.name]
        if isinstance(value, bool):
            found[f.name] = not value
        elif isinstance(value, (int, float)):
            found[f.name] = value * 2 + 1
        elif isinstance(value, list):
            found[f.name] = [1]
    return found

mode, seed = sys.argv[1], int(sys.argv[2])
digests = {}
for name in PROVIDERS:
    if mode == "others-first":
        # Other settings and another seed first: the default world built next must not notice.
        for first in (EmulatorConfig(seed=seed + 1, settings=other_settings(name)), EmulatorConfig(seed=seed, settings=other_settings(name))):
            create_emulator(name, first).close()
    emulator = create_emulator(name, EmulatorConfig(seed=seed))
    snapshot = emulator.state.snapshot()
    emulator.close()
    digests[name] = hashlib.sha256(json.dumps(snapshot, sort_keys=True, default=str).encode()).hexdigest()
print(json.dumps(digests))
"""


def _world_digests(mode: str, hash_seed: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    result = subprocess.run(
        [sys.executable, "-c", WORLD_SCRIPT, mode, "7"], capture_output=True, text=True, timeout=300, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def world_digests() -> dict[str, dict[str, str]]:
    """Seed 7's world per provider, built in separate processes (different hash seeds)."""
    return {
        "first": _world_digests("plain", "1"),
        "second": _world_digests("plain", "2"),
        "others-first": _world_digests("others-first", "3"),
    }


@pytest.mark.parametrize("name", list(PROVIDERS))
def test_same_seed_same_world_in_two_processes(name: str, world_digests: dict[str, dict[str, str]]) -> None:
    assert world_digests["first"][name] == world_digests["second"][name]


@pytest.mark.parametrize("name", list(PROVIDERS))
def test_world_does_not_depend_on_settings_or_on_what_was_built_before(
    name: str, world_digests: dict[str, dict[str, str]]
) -> None:
    assert world_digests["others-first"][name] == world_digests["first"][name]


@pytest.mark.parametrize("name", list(PROVIDERS))
def test_the_world_in_this_process_is_the_world_of_a_fresh_process(
    name: str, world_digests: dict[str, dict[str, str]]
) -> None:
    emulator = create_emulator(name, EmulatorConfig(seed=7))
    try:
        assert _digest(emulator.state.snapshot()) == world_digests["first"][name]
    finally:
        emulator.close()


def test_other_settings_really_differ() -> None:
    """The settings-independence check changes every setting (else it would prove nothing)."""
    for name in PROVIDERS:
        settings_class = provider(name).settings_class
        assert settings_class is not None and dataclasses.fields(settings_class)
