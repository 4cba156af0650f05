"""Each provider's state machine runs against its emulator (CI profile: a few dozen runs)."""

from __future__ import annotations

import pytest
from hypothesis import Phase

from mockservers.machines import machine_for, run_machine
from mockservers.registry import PROVIDERS


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_state_machine(provider: str, request: pytest.FixtureRequest) -> None:
    emulator = request.getfixturevalue(provider)
    run_machine(machine_for(provider), emulator, max_examples=25)


def test_the_pixop_machine_catches_a_client_bug(pixop) -> None:
    from mockservers.pixop.machine import PixopMachine

    class ForgetfulClient(PixopMachine):
        """A client that never logs in again after its token expired."""

        def client_login(self) -> None:
            if "Authorization" not in self.session.headers:
                super().client_login()

    with pytest.raises(AssertionError, match="401"):
        # No shrinking: finding the bug is the point, a minimal example is not needed here.
        run_machine(ForgetfulClient, pixop, max_examples=50, stateful_step_count=20, phases=[Phase.explicit, Phase.generate])
