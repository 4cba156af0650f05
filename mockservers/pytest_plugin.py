"""pytest plugin: a running emulator per provider, reset before each test.

Fixtures (per provider NAME, here ``pixop``):
  NAME_server   session-scoped running Emulator (override to change world/address)
  NAME          function-scoped handle: the same emulator, reset before the test
  mockservers_config  session-scoped dict of EmulatorConfig fields (override it)
  mockservers_s3      session-scoped S3 endpoint (moto server) shared by providers that use S3
  mockservers_intercept  function-scoped: providers' real hostnames routed in-process to the NAME emulators
  mockservers_callback_receiver  function-scoped HTTP server recording callbacks (scriptable failures)
With ``mockservers_validate_contracts = true`` (ini) or ``--mockservers-validate``,
every exchange a test causes is checked against the provider's contracts at
teardown, and a violation fails the test. With ``mockservers_strict = true``
(ini) or ``--mockservers-strict``, a test whose exchanges carry fidelity
warnings (inputs the real service might treat differently) fails at teardown,
listing them; the emulators answer the same in both modes.

``mockservers_config`` keys are EmulatorConfig fields; ``settings`` maps a
provider name to its settings (``{"pixop": {"ingest_seconds": 1}}``). An
unknown key fails the test with a message naming it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# Only the provider names at import time: pytest loads this plugin in every run of
# every project where mockservers is installed, so Flask, jsonschema, the emulators
# and the providers are imported by the fixtures and teardown checks that use them.
from mockservers.registry import PROVIDERS

if TYPE_CHECKING:
    from mockservers.core.callbacks import CallbackReceiver
    from mockservers.core.contracts import Violation
    from mockservers.core.emulator import Emulator
    from mockservers.core.s3 import S3Endpoint
    from mockservers.intercept import Interceptor


def pytest_addoption(parser: pytest.Parser) -> None:
    """Options: contract validation of every exchange, server host."""
    group = parser.getgroup("mockservers")
    group.addoption(
        "--mockservers-validate",
        action="store_true",
        default=None,
        help="check every exchange with an emulator against the provider's contracts",
    )
    group.addoption(
        "--mockservers-record",
        default=None,
        metavar="DIR",
        help="append every test's exchanges with the emulators to DIR/<provider>-<worker>.jsonl (for verify-journal)",
    )
    group.addoption(
        "--mockservers-strict",
        action="store_true",
        default=None,
        help="fail a test whose exchanges carry fidelity warnings (inputs the real service might treat differently)",
    )
    parser.addini("mockservers_validate_contracts", "check every exchange against contracts", type="bool", default=False)
    parser.addini("mockservers_strict", "fail tests whose exchanges carry fidelity warnings", type="bool", default=False)
    parser.addini("mockservers_record_dir", "directory to record exchanges to as JSON lines (see --mockservers-record)", default="")
    parser.addini("mockservers_host", "interface the emulators bind (default 127.0.0.1)", default="127.0.0.1")


@pytest.fixture(scope="session")
def mockservers_config() -> dict[str, Any]:
    """EmulatorConfig fields shared by every provider fixture; override to change seed or settings."""
    return {"seed": int(os.environ.get("MOCKSERVERS_SEED", "0"))}


@pytest.fixture(scope="session")
def mockservers_host(pytestconfig: pytest.Config) -> str:
    """Interface to bind: MOCKSERVERS_HOST, else the ini value, else loopback."""
    return os.environ.get("MOCKSERVERS_HOST") or str(pytestconfig.getini("mockservers_host"))


@pytest.fixture(scope="session")
def mockservers_s3(mockservers_host: str) -> Iterator[S3Endpoint]:
    """The real S3-compatible endpoint (moto's server); port from MOCKSERVERS_S3_PORT, default free."""
    from mockservers.core.s3 import S3Endpoint

    endpoint = S3Endpoint(mockservers_host, int(os.environ.get("MOCKSERVERS_S3_PORT", "0"))).start()
    try:
        yield endpoint
    finally:
        endpoint.stop()


# -- callback receiver (generic; used by providers that send callbacks, e.g. Mediabank) --------
@pytest.fixture
def mockservers_callback_receiver(mockservers_host: str) -> Iterator[CallbackReceiver]:
    """A real HTTP server on loopback recording callbacks; ``fail_next(n)``, ``fail_always()``, ``go_down()``."""
    from mockservers.core.callbacks import CallbackReceiver

    receiver = CallbackReceiver(mockservers_host).start()
    try:
        yield receiver
    finally:
        receiver.stop()


# -- end of callback receiver ---------------------------------------------------------------------


def _validate_enabled(config: pytest.Config) -> bool:
    option = config.getoption("--mockservers-validate")
    return bool(option) if option is not None else bool(config.getini("mockservers_validate_contracts"))


def _record(config: pytest.Config, name: str, emulator: Emulator) -> None:
    """Append the test's exchanges to the record directory, one file per provider and xdist worker."""
    folder = config.getoption("--mockservers-record") or config.getini("mockservers_record_dir")
    if not folder:
        return
    path = Path(str(folder))
    path.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with (path / f"{name}-{worker}.jsonl").open("a") as out:
        out.write(emulator.journal.export_jsonl(include_admin=False))


def _strict_enabled(config: pytest.Config) -> bool:
    option = config.getoption("--mockservers-strict")
    return bool(option) if option is not None else bool(config.getini("mockservers_strict"))


def emulator_config(name: str, mockservers_config: dict[str, Any]) -> dict[str, Any]:
    """The EmulatorConfig fields of one provider from ``mockservers_config``; pytest failure on an unknown key."""
    from mockservers.core.emulator import EmulatorConfig

    known = EmulatorConfig.__dataclass_fields__
    unknown = sorted(k for k in mockservers_config if k not in known)
    if unknown:
        pytest.fail(f"mockservers_config has no key {unknown[0]!r}; known keys: {', '.join(known)}", pytrace=False)
    config = dict(mockservers_config)
    settings = config.get("settings") or {}
    if not isinstance(settings, dict):
        pytest.fail("mockservers_config['settings'] must map provider names to settings dicts", pytrace=False)
    strangers = sorted(k for k in settings if k not in PROVIDERS)
    if strangers:
        pytest.fail(
            f"mockservers_config['settings'] has key {strangers[0]!r}, which is not a provider; give settings per provider, "
            f"e.g. {{'pixop': {{'ingest_seconds': 1}}}} (providers: {', '.join(PROVIDERS)})",
            pytrace=False,
        )
    config["settings"] = settings.get(name) or {}
    return config


def check_warnings(emulator: Emulator) -> list[dict[str, str]]:
    """Every fidelity warning among the emulator's journaled exchanges."""
    from mockservers.core import fidelity

    return fidelity.collected(emulator.provider.name, emulator.journal.entries())


def check_contracts(emulator: Emulator) -> list[Violation]:
    """Every contract violation among the emulator's journaled exchanges (admin calls included)."""
    from mockservers.validation import exchange_violations

    return exchange_violations(emulator.provider.name, emulator.journal.entries(include_admin=True))


def _server_fixture(name: str) -> Any:
    @pytest.fixture(scope="session", name=f"{name}_server")
    def server(mockservers_config: dict[str, Any], mockservers_host: str, request: pytest.FixtureRequest) -> Iterator[Emulator]:
        from mockservers.core.emulator import EmulatorConfig
        from mockservers.core.server import PortInUseError
        from mockservers.core.settings import ConfigError
        from mockservers.registry import create_emulator, provider

        config = emulator_config(name, mockservers_config)
        if provider(name).uses_s3 and config.get("s3") is None:
            config["s3"] = request.getfixturevalue("mockservers_s3")
        try:
            emulator = create_emulator(name, EmulatorConfig(**config))
        except ConfigError as exc:  # SettingsError / WorldError: a usage error, said plainly
            pytest.fail(f"mockservers: cannot build the {name} emulator: {exc}", pytrace=False)
        port = int(os.environ.get(f"MOCKSERVERS_{name.upper()}_PORT", "0"))
        try:
            emulator.start(mockservers_host, port)
        except PortInUseError as exc:
            emulator.close()
            pytest.fail(f"mockservers: {exc}", pytrace=False)
        try:
            yield emulator
        finally:
            emulator.close()

    return server


def _handle_fixture(name: str) -> Any:
    @pytest.fixture(name=name)
    def handle(request: pytest.FixtureRequest) -> Iterator[Emulator]:
        emulator: Emulator = request.getfixturevalue(f"{name}_server")
        emulator.reset()
        yield emulator
        _record(request.config, name, emulator)
        problems: list[str] = []
        if _strict_enabled(request.config):
            warnings = check_warnings(emulator)
            if warnings:
                from mockservers.core import fidelity

                problems.append(fidelity.describe(warnings))
        if _validate_enabled(request.config):
            violations = check_contracts(emulator)
            if violations:
                listing = "\n".join(f"  - {v}" for v in violations[:20])
                problems.append(f"{len(violations)} contract violation(s) in exchanges with {name}:\n{listing}")
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)

    return handle


@pytest.fixture
def mockservers_intercept(request: pytest.FixtureRequest) -> Iterator[Interceptor]:
    """requests/httpx calls to every provider's real hosts go, in-process, to this test's ``<name>`` emulators.

    A provider's fixture is requested lazily, on the first request to one of its
    hosts (or ``mockservers_intercept["name"]``), so only the providers a test
    talks to are set up; it is the same emulator as the ``<name>`` fixture, contract checks included.
    """
    from mockservers.intercept import Interceptor

    with Interceptor(PROVIDERS, emulator_factory=request.getfixturevalue) as interceptor:
        yield interceptor


for _name in PROVIDERS:
    globals()[f"{_name}_server"] = _server_fixture(_name)
    globals()[_name] = _handle_fixture(_name)
