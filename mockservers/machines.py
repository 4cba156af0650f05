"""Hypothesis state machines that drive an emulator through random sequences of real operations.

Each provider has one (``mockservers.<provider>.machine``); all share
:class:`EmulatorMachine`: it resets the emulator before a run, talks to it
over HTTP through small overridable client methods, keeps a simple model, and
at the end checks every exchange of the run against the contracts.

To drive your own client, subclass the provider's machine and override its
client methods (each names the one API call it makes); the rules, the model
and the invariants stay. Run it with :func:`run_machine`::

    from mockservers.machines import run_machine
    from mockservers.pixop.machine import PixopMachine

    class MyClientMachine(PixopMachine):
        def client_create_project(self, name):
            return my_client.create_project(name).id

    def test_my_client(pixop):
        run_machine(MyClientMachine, pixop, max_examples=20)
"""

from __future__ import annotations

from typing import Any

import requests
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test

from mockservers.core.emulator import Emulator
from mockservers.registry import machine_of
from mockservers.validation import exchange_violations


class EmulatorMachine(RuleBasedStateMachine):
    """Base: a reset emulator, an HTTP session on it, and a contract check of the whole run at teardown."""

    def __init__(self, emulator: Emulator) -> None:
        super().__init__()
        self.emulator = emulator
        emulator.reset()
        emulator.clock.freeze()
        self.session = requests.Session()
        self.base_url = emulator.base_url

    def url(self, path: str) -> str:
        """Absolute URL on the emulator (absolute URLs pass through)."""
        return path if "://" in path else self.base_url + path

    def client_login(self) -> None:
        """Authenticate ``self.session`` (each provider's machine implements its own login)."""
        raise NotImplementedError

    def check_unauthorized(self, answer: requests.Response) -> None:
        """A 401 met mid-run; a provider's machine may assert it says why (e.g. that the token expired)."""

    def _call(
        self, method: str, path: str, expect: tuple[int, ...] = (200,), retry: bool = True, **kwargs: Any
    ) -> requests.Response:
        """One call; on 401 (a token expired on the virtual clock) log in again and retry once, as a client must."""
        kwargs.setdefault("timeout", 30)
        answer = self.session.request(method, self.url(path), **kwargs)
        if answer.status_code == 401 and retry:
            self.check_unauthorized(answer)
            self.client_login()
            answer = self.session.request(method, self.url(path), **kwargs)
        assert answer.status_code in expect, f"{method} {path}: {answer.status_code} {answer.text[:200]}"
        return answer

    def teardown(self) -> None:
        """Every exchange of the run must match the contracts (and none may be an unrequested 5xx)."""
        self.session.close()
        violations = exchange_violations(self.emulator.provider.name, self.emulator.journal.entries(include_admin=True))
        assert not violations, "\n".join(str(v) for v in violations[:10])


def machine_for(provider: str) -> type[EmulatorMachine]:
    """The provider's state machine class (Provider.machine, else its ``machine.MACHINE``)."""
    machine = machine_of(provider)
    if machine is None:
        raise LookupError(f"provider {provider!r} has no state machine")
    return machine


def run_machine(machine: type[EmulatorMachine], emulator: Emulator, **settings_kwargs: Any) -> None:
    """Run a machine against an emulator as a test (settings as for ``hypothesis.settings``)."""
    options: dict[str, Any] = {
        "deadline": None,
        "stateful_step_count": 15,
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much],
        **settings_kwargs,
    }
    run_state_machine_as_test(lambda: machine(emulator), settings=settings(**options))
