"""The provider surface is explicit: Provider fields first, the naming convention as a fallback."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mockservers.core.emulator import Provider
from mockservers.registry import PROVIDERS, authenticate_of, error_contract_of, machine_of, provider, walk_of


def walk(w: object) -> None:
    """A stand-in walk for the field tests."""


@pytest.mark.parametrize("name", list(PROVIDERS))
def test_every_provider_has_a_walk_authenticate_and_machine(name: str) -> None:
    assert callable(walk_of(name)) and callable(authenticate_of(name))
    machine = machine_of(name)
    assert isinstance(machine, type) and machine.__name__.endswith("Machine")
    assert error_contract_of(name) == "error.json"


def test_fields_win_over_the_convention() -> None:
    pixop: Provider = provider("pixop")
    declared = replace(pixop, walk=f"{__name__}:walk", authenticate=walk, machine=dict, error_contract="problem.json")
    assert declared.find_walk() is walk and declared.find_authenticate() is walk
    assert declared.find_machine() is dict and declared.error_contract_name() == "problem.json"


def test_a_provider_without_the_modules_has_none() -> None:
    from mockservers.core.state import BaseState

    class LonelyState(BaseState):
        provider = "lonely"

    LonelyState.__module__ = "somewhere_else.lonely.state"
    lonely = Provider("lonely", "t", 0, LonelyState, lambda app: None, lambda e: None)  # type: ignore[arg-type,return-value]
    assert lonely.package == "somewhere_else.lonely"
    assert lonely.find_walk() is None and lonely.find_machine() is None and lonely.find_authenticate() is None


def test_the_error_document_is_declared_not_a_magic_name(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from mockservers.core.contracts import ContractSet

    folder = tmp_path / "demo"
    folder.mkdir()
    endpoint = {"operation": "x", "method": "GET", "path": "/x", "responses": {"200": None, "default": "problem.json"}}
    (folder / "endpoints.json").write_text(json.dumps({"provider": "demo", "endpoints": [endpoint]}))
    (folder / "problem.json").write_text(json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "required": ["title"]}))
    assert ContractSet("demo", tmp_path).error_contract == "problem.json"  # the endpoints' shared default
    assert ContractSet("demo", tmp_path, "other.json").error_contract == "other.json"  # Provider.error_contract wins
    contracts = ContractSet("demo", tmp_path)
    assert contracts.check_exchange("GET", "/nowhere", 404, {"title": "t"}, True) == []
    assert contracts.check_exchange("GET", "/nowhere", 404, {"error": "t"}, True) != []
