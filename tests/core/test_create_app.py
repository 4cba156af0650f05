"""Every provider's ``create_app(config)`` factory gives an isolated, working Flask app."""

from __future__ import annotations

from importlib import import_module

import pytest

from mockservers.registry import PROVIDERS


@pytest.mark.parametrize("name", list(PROVIDERS))
def test_create_app_takes_a_config_dict(name: str) -> None:
    create_app = import_module(PROVIDERS[name]).create_app
    first, second = create_app({"seed": 3}), create_app()
    emulator = first.extensions["mockservers"]
    assert emulator is not second.extensions["mockservers"]  # no module-level state shared
    assert emulator.config.seed == 3
    try:
        answer = first.test_client().get("/__admin/clock")
        assert answer.status_code == 200 and "now" in answer.get_json()
    finally:
        emulator.close()
        second.extensions["mockservers"].close()
