"""Schema-driven fuzzing: Schemathesis over every emulator's OpenAPI document, with its checks.

Each provider's fixture emulator is fuzzed over a real socket. Two phases:

- **Per operation**: every operation with schema-valid (positive) and schema-invalid (negative)
  data; path parameters are drawn half the time from ids that exist in the seeded world so the
  happy paths are reached.
- **Stateful**: Schemathesis's state machine over the document's OpenAPI links
  (``contracts/<provider>/openapi/links.json``: create -> get/update/delete by id, list -> get),
  each scenario from a freshly reset world, with the stateful checks (a created resource is
  available, a deleted one is gone) on top.

Credentials come from the provider's own walk ``authenticate`` and reach each case through
Schemathesis's auth mechanism, not a logged-in session: when a negative case deliberately breaks
or drops a credential (the documents declare their security schemes), that broken credential is
what is sent, so the emulator's real answer to bad authentication is tested too.

Every answer goes through Schemathesis's checks: no server error, documented status codes,
content types, response schemas and headers, valid data accepted, invalid data rejected; and
through the contracts (each exchange here, the whole journal again at the plugin's teardown).
An invalid input the emulator accepts counts as rejected only when its journal entry carries a
fidelity warning (mockservers.core.fidelity.warn): that is the fidelity policy, accept what the
real service plausibly accepts and say so. Or when the contracts, which describe the documented
API, call the request valid after all: they judge the query and a JSON body (an OpenAPI document
cannot say that a query schema admits extra parameters; the contracts can). Any finding fails
the test, listed with the request that caused it.

Deterministic: Hypothesis runs from fixed seeds (one per operation and mode, one per state
machine) with its "constants from the code" pinned (see _deterministic_constants), so every run
sends the same requests whatever ran before in the worker, and a rare draw cannot make CI flaky.
Environment variables run deeper or other draws locally:

- ``MOCKSERVERS_FUZZ_SEED`` (default 0): the Hypothesis seed.
- ``MOCKSERVERS_FUZZ_EXAMPLES`` (default 4): examples per operation and generation mode.
- ``MOCKSERVERS_FUZZ_SCENARIOS`` (default 20): stateful scenarios per provider.
- ``MOCKSERVERS_FUZZ_STEPS`` (default 8): the most calls in one stateful scenario.

e.g. ``MOCKSERVERS_FUZZ_SEED=7 MOCKSERVERS_FUZZ_EXAMPLES=50 MOCKSERVERS_FUZZ_SCENARIOS=100 pytest tests/property/test_fuzz.py``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from requests.structures import CaseInsensitiveDict
from schemathesis import GenerationMode
from schemathesis import checks as sc
from schemathesis.core.failures import Failure
from schemathesis.core.parameters import ParameterLocation

import mockservers
from mockservers.core.contracts import contract_set
from mockservers.core.emulator import Emulator
from mockservers.core.journal import Exchange
from mockservers.core.openapi import openapi_copy
from mockservers.registry import PROVIDERS, authenticate_of, error_contract_of
from mockservers.validation import exchange_violations


def _setting(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw) if raw else default
    except ValueError:
        raise pytest.UsageError(f"{name} must be an integer, not {raw!r}") from None


FUZZ_SEED = _setting("MOCKSERVERS_FUZZ_SEED", 0)
EXAMPLES_PER_OPERATION = _setting("MOCKSERVERS_FUZZ_EXAMPLES", 4)
STATEFUL_SCENARIOS = _setting("MOCKSERVERS_FUZZ_SCENARIOS", 20)
STATEFUL_STEPS = _setting("MOCKSERVERS_FUZZ_STEPS", 8)
CASE_COUNTS: dict[str, dict[str, int]] = {}

# Schemathesis's checks, each on unless NOT_YET names it for the provider; ``negative_data_rejection``
# is added by Harness.checks in its warning-aware, contract-judged form.
ALL_CHECKS = [
    sc.not_a_server_error,
    sc.status_code_conformance,
    sc.content_type_conformance,
    sc.response_schema_conformance,
    sc.response_headers_conformance,
    sc.positive_data_acceptance,
]
# The stateful phase adds the checks that need a scenario's history.
STATEFUL_CHECKS = [sc.use_after_free, sc.ensure_resource_availability]
# Open findings (issue 12): contracts and emulators still disagree here, so these checks are not
# yet enforced for these providers. Each is a precise, reproducible list in the hand-over report.
#  - positive_data_acceptance: schema-valid requests the emulator refuses with 400 (limits it
#    enforces that the contracts do not state: page maxima, non-blank strings, known `fields`
#    names, query syntax, JSON text in form fields).
#  - negative data: schema-invalid query values accepted with 200 and no fidelity warning.
NOT_YET: dict[str, set[str]] = {
    "pixop": set(),
    "vonage": set(),
    "bluebillywig": set(),
    "mediaflow": set(),
    "mediabank": set(),
}


@functools.cache
def _project_constants() -> Any:
    """The constants in mockservers' own source files (Hypothesis's "local constants"), read from the files."""
    from hypothesis.internal.constants_ast import Constants, _constants_from_source
    from hypothesis.internal.floats import float_to_int
    from sortedcontainers import SortedSet

    # Sorted, as Hypothesis keeps its own: a plain set's order would follow the per-process string hash.
    found = Constants(integers=SortedSet(), floats=SortedSet(key=float_to_int), bytes=SortedSet(), strings=SortedSet())
    for path in sorted(Path(mockservers.__file__).parent.rglob("*.py")):
        found |= _constants_from_source(path.read_bytes(), limit=True)
    return found


@contextlib.contextmanager
def _deterministic_constants() -> Iterator[None]:
    """Pin the constants Hypothesis mixes into its draws.

    Hypothesis draws now and then from the constants of the project modules imported so far,
    which depends on the tests that ran before in this process (xdist spreads them differently
    each run). Pinned to every mockservers module's constants, a seed gives the same requests
    whatever ran first. (Private Hypothesis API; without it there is nothing to pin.)
    """
    from hypothesis.internal.conjecture import providers

    original = getattr(providers, "_get_local_constants", None)
    if original is None:
        yield
        return
    pinned = _project_constants()
    providers._get_local_constants = lambda: pinned
    providers.CONSTANTS_CACHE.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = original
        providers.CONSTANTS_CACHE.cache.clear()


def _seed_for(name: str) -> int:
    """One seed per operation and mode (or provider's state machine), all derived from MOCKSERVERS_FUZZ_SEED."""
    return zlib.crc32(f"{FUZZ_SEED} {name}".encode())


def _settings(**extra: Any) -> settings:
    return settings(deadline=None, database=None, derandomize=False, suppress_health_check=list(HealthCheck), **extra)


@pytest.fixture
def deterministic_constants() -> Iterator[None]:
    with _deterministic_constants():
        yield


class Harness:
    """One provider's emulator under Schemathesis: its schema, credentials, journal entries and checks."""

    def __init__(self, provider: str, emulator: Emulator) -> None:
        self.provider = provider
        self.emulator = emulator
        document = openapi_copy(provider)
        document["servers"] = [{"url": emulator.base_url}]
        self.schema = schemathesis.openapi.from_dict(document)
        # A session without credentials: they travel on each case (see _install_auth).
        self.session = requests.Session()
        self.credentials: dict[str, str] = {}
        self.exchanges: dict[str, Exchange | None] = {}
        self.findings: list[str] = []
        keys = ("operations", "cases", "2xx", "4xx", "stateful scenarios", "stateful cases", "stateful 2xx", "stateful 4xx")
        self.counts = CASE_COUNTS.setdefault(provider, dict.fromkeys(keys, 0))
        self._install_auth()
        self.login()

    def login(self) -> None:
        """Log in with the provider's walk ``authenticate``; keep the credential headers it makes requests send."""
        logged_in, plain = requests.Session(), requests.Session()
        authenticate_of(self.provider)(logged_in, self.emulator.base_url, self.emulator.credentials)
        probe = requests.Request("GET", self.emulator.base_url + "/")
        sent, default = logged_in.prepare_request(probe).headers, plain.prepare_request(probe).headers
        self.credentials = {name: value for name, value in sent.items() if default.get(name) != value}
        assert self.credentials, f"{self.provider}'s authenticate set no credentials"

    def _install_auth(self) -> None:
        """Credentials through Schemathesis's auth: it leaves them off a case whose security parameter is negated."""
        harness = self

        @self.schema.auth(refresh_interval=None)
        class WalkCredentials:
            def get(self, case: Any, context: Any) -> dict[str, str]:
                return harness.credentials

            def set(self, case: Any, data: dict[str, str], context: Any) -> None:
                headers = CaseInsensitiveDict(case.headers or {})
                headers.update(data)
                case.headers = headers

    def call(self, case: Any, phase: str = "") -> Any:
        """Send one case; remember its journal entry (the exchange is journaled before the answer ends)."""
        response = case.call(base_url=self.emulator.base_url, session=self.session)
        self.exchanges[case.id] = self.emulator.journal.last()
        for key in ("cases", f"{response.status_code // 100}xx"):
            key = f"{phase} {key}" if phase else key
            self.counts[key] = self.counts.get(key, 0) + 1
        return response

    def checks(self, *extra: Any) -> list[Any]:
        chosen = [check for check in [*ALL_CHECKS, *extra] if check.__name__ not in NOT_YET[self.provider]]
        if "negative_data_rejection" not in NOT_YET[self.provider]:
            chosen.append(self._negative_data_rejection)
        return chosen

    @property
    def _negative_data_rejection(self) -> Any:
        """Schemathesis's check, warning-aware and judged by the contracts (see test_fuzz_emulator)."""

        @functools.wraps(sc.negative_data_rejection)
        def negative_data_rejection(ctx: Any, response: Any, case: Any) -> bool | None:
            if self._warned(case):
                return None  # accepted under the fidelity policy, and said so
            if case.meta is not None and case.meta.generation.mode.is_negative and 200 <= response.status_code < 300:
                if self._contracts_call_valid(case):
                    return None  # invalid only to the OpenAPI document (e.g. an extra query parameter the contract admits)
                raise Failure(
                    operation=case.operation.label,
                    title="Invalid data accepted without a fidelity warning",
                    message=f"Schema-invalid input answered {response.status_code} and its journal entry has no warning",
                )
            if 400 <= response.status_code < 500:
                # Refused. Schemathesis's default list (400, 401, 403, 404, 406, 422, 428) leaves out
                # answers a protocol prescribes, such as TUS's 412 for a Tus-Resumable it does not speak.
                return None
            return sc.negative_data_rejection(ctx, response, case)

        return negative_data_rejection

    def _contracts_call_valid(self, case: Any) -> bool:
        """Whether the contracts, which describe the documented API, find the request a negative case sent valid.

        They judge only the query and a JSON body; a case that broke anything else (path, headers,
        credentials, a form body) stays invalid. The request judged is the one sent: a mutation can
        vanish in serialization (an extra query parameter whose value is an empty list is not sent).
        """
        exchange = self.exchanges.get(case.id)
        if exchange is None:
            return False
        data = case.meta.phase.data
        broken = {getattr(data, "parameter_location", None)} | {m.parameter_location for m in getattr(data, "mutations", ())}
        broken.discard(None)
        if not broken:
            broken = {location for location, info in case.meta.components.items() if info.mode.is_negative}
        contracts = contract_set(self.provider, error_contract_of(self.provider))
        endpoint = contracts.endpoint_for(exchange.method, exchange.path)
        request_json = exchange.request_body.get("json")
        if endpoint is None:
            return False
        query = parse_qsl(exchange.query, keep_blank_values=True)
        judged = {ParameterLocation.QUERY} if endpoint.query or not query else set()  # no query schema: none sent
        if endpoint.request and request_json is not None:
            judged.add(ParameterLocation.BODY)
        if not broken or not broken <= judged:
            return False
        return not contracts.check_request(exchange.method, exchange.path, request_json, dict(query))

    def _warned(self, case: Any) -> bool:
        exchange = self.exchanges.get(case.id)
        return exchange is not None and bool(exchange.warnings)

    def validate(self, case: Any, response: Any, label: str, checks: list[Any], recorder: Any = None) -> None:
        """Run the checks and the contract check of the exchange; each failure becomes one finding."""
        found: list[str] = []
        try:
            case.validate_response(response, checks=checks, recorder=recorder)
        except BaseException as failure:  # Schemathesis raises a FailureGroup (a BaseExceptionGroup)
            if isinstance(failure, KeyboardInterrupt):
                raise
            found += sorted({getattr(f, "title", type(f).__name__) for f in getattr(failure, "exceptions", [failure])})
        # The plugin checks the journal at teardown, but a stateful scenario resets it (and a deep run
        # may outgrow it): each answer is checked against the contracts here too. (Requests are
        # judged by the warning-aware negative_data_rejection above.)
        exchange = self.exchanges.pop(case.id, None)
        if exchange is not None:
            found += [f"contract: {v}" for v in exchange_violations(self.provider, [exchange], check_requests=False)]
        if found:
            sent = case.as_curl_command(headers=dict(response.request.headers))
            self.findings.append(f"{label}: {'; '.join(found)} [{response.status_code}] {response.text[:200]}\n    {sent[:400]}")

    def known_ids(self) -> list[str]:
        ids: set[str] = set()
        for table in self.emulator.state.db.values():
            ids.update(str(key) for key in list(table)[:50])
        return sorted(ids)


@pytest.mark.parametrize("provider", list(PROVIDERS))
@pytest.mark.usefixtures("deterministic_constants")
def test_fuzz_emulator(provider: str, request: pytest.FixtureRequest) -> None:
    harness = Harness(provider, request.getfixturevalue(provider))
    known = harness.known_ids()
    checks = harness.checks()
    operations = 0
    for result in harness.schema.get_all_operations():
        operation = result.ok()
        operations += 1
        params = [p.name for p in operation.path_parameters]
        ids = st.fixed_dictionaries({name: st.sampled_from(known) for name in params}) if params and known else st.just({})
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            def run(mode: GenerationMode = mode, operation: Any = operation, ids: Any = ids) -> None:
                @seed(_seed_for(f"{operation.label} {mode.value}"))
                @_settings(max_examples=EXAMPLES_PER_OPERATION)
                @given(case=operation.as_strategy(generation_mode=mode), real_ids=ids, use_real=st.booleans())
                def fuzz(case: Any, real_ids: dict[str, str], use_real: bool) -> None:
                    if use_real and real_ids and mode is GenerationMode.POSITIVE:
                        case.path_parameters = {**(case.path_parameters or {}), **real_ids}
                    response = harness.call(case)
                    harness.validate(case, response, f"{case.method} {case.formatted_path} ({mode.value})", checks)

                # Unsatisfiable: no invalid variant exists (nothing in the operation to break).
                with contextlib.suppress(Unsatisfiable):
                    fuzz()

            run()
    harness.counts["operations"] = harness.counts.get("operations", 0) + operations
    assert harness.counts["cases"] >= operations
    assert not harness.findings, "\n".join(harness.findings[:40])


@pytest.mark.parametrize("provider", list(PROVIDERS))
@pytest.mark.usefixtures("deterministic_constants")
def test_stateful_emulator(provider: str, request: pytest.FixtureRequest) -> None:
    """Schemathesis's state machine over the document's links: chains of calls, each from a fresh world."""
    harness = Harness(provider, request.getfixturevalue(provider))
    checks = harness.checks(*STATEFUL_CHECKS)
    steps = {"scenarios": 0, "linked": 0}

    class Machine(harness.schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Every scenario starts from the seeded world (a reset drops tokens: log in again).
            harness.emulator.reset()
            harness.login()
            steps["scenarios"] += 1

        def step(self, input: Any) -> Any:
            if input.transition is not None and input.is_applied:
                steps["linked"] += 1
            return super().step(input)

        def call(self, case: Any, **kwargs: Any) -> Any:
            return harness.call(case, "stateful")

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            mode = case.meta.generation.mode.value if case.meta is not None else "explicit"
            harness.validate(case, response, f"{case.method} {case.formatted_path} (stateful, {mode})", checks, recorder=self.recorder)

    seed(_seed_for(f"{provider} stateful"))(Machine)
    Machine.run(settings=_settings(max_examples=STATEFUL_SCENARIOS, stateful_step_count=STATEFUL_STEPS))
    harness.counts["stateful scenarios"] = harness.counts.get("stateful scenarios", 0) + steps["scenarios"]
    harness.counts["stateful linked calls"] = harness.counts.get("stateful linked calls", 0) + steps["linked"]
    assert steps["scenarios"] >= 1
    assert steps["linked"] >= 1, "no scenario followed a link: the stateful phase tested nothing stateful"
    assert not harness.findings, "\n".join(harness.findings[:40])
