"""The Vonage state machine catches a client bug (it is run in full by tests/property/test_machines.py)."""

from __future__ import annotations

import pytest
from hypothesis import Phase

from mockservers.core.emulator import Emulator
from mockservers.machines import run_machine
from mockservers.vonage.machine import VonageMachine


def test_the_vonage_machine_catches_a_client_bug(vonage: Emulator) -> None:
    class StaleTokenClient(VonageMachine):
        """A client that signs one JWT and never signs another once it expired."""

        def client_login(self) -> None:
            if "Authorization" not in self.session.headers:
                super().client_login()

    with pytest.raises(AssertionError, match="401"):
        # No shrinking: finding the bug is the point, a minimal example is not needed here.
        run_machine(StaleTokenClient, vonage, max_examples=50, stateful_step_count=20, phases=[Phase.explicit, Phase.generate])

