"""The scaffold writes a sixth provider that serves, validates and resets like the five."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import mockservers
from mockservers.core.contracts import ContractSet
from mockservers.core.settings import SettingsError
from mockservers.scaffold import main, scaffold


def test_scaffolded_provider_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written = scaffold("sixth", tmp_path, "Sixth API")
    assert tmp_path / "contracts" / "sixth" / "endpoints.json" in written
    monkeypatch.setattr(mockservers, "__path__", [*mockservers.__path__, str(tmp_path / "mockservers")])
    try:
        from mockservers.sixth.app import PROVIDER  # type: ignore[import-not-found]

        world = tmp_path / "fixtures" / "sixth" / "world.json"
        with pytest.raises(SettingsError, match="sixth has no setting 'nope'"):
            PROVIDER.create_app({"world": str(world), "settings": {"nope": 1}})
        app, fresh_app = PROVIDER.create_app({"world": str(world)}), PROVIDER.create_app({"world": str(world)})
        emulator = app.extensions["mockservers"]
        client = app.test_client()
        key = {"X-Api-Key": emulator.credentials["api_key"]}
        contracts = ContractSet("sixth", tmp_path / "contracts", PROVIDER.error_contract_name())
        listed = client.get("/v1/items?page-size=1", headers=key)
        assert listed.status_code == 200 and listed.get_json()["total"] == 2 and "next" in listed.get_json()["_links"]
        item = listed.get_json()["items"][0]
        answers = [
            ("/v1/items?page-size=1", listed),
            (f"/v1/items/{item['id']}", client.get(f"/v1/items/{item['id']}", headers=key)),
            ("/v1/items/nope", client.get("/v1/items/nope", headers=key)),
            ("/v1/items", client.get("/v1/items")),
            ("/v1/elsewhere", client.get("/v1/elsewhere")),
        ]
        assert [a.status_code for _, a in answers] == [200, 200, 404, 401, 404]
        for path, answer in answers:
            assert contracts.check_exchange("GET", path.split("?")[0], answer.status_code, answer.get_json(), True) == []
        assert answers[2][1].get_json() == {"error": {"code": "not_found", "message": "no item nope"}}
        emulator.reset()
        assert emulator.state.snapshot() == fresh_app.extensions["mockservers"].state.snapshot()
        assert PROVIDER.find_walk().__name__ == "walk" and PROVIDER.find_machine() is None
        emulator.close()
        fresh_app.extensions["mockservers"].close()
    finally:
        for module in [m for m in sys.modules if m.startswith("mockservers.sixth")]:
            del sys.modules[module]


def test_scaffold_refuses_bad_or_existing_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["Bad-Name", "--root", str(tmp_path)]) == 2
    assert "lowercase letters and digits" in capsys.readouterr().err
    assert main(["seventh", "--root", str(tmp_path)]) == 0
    assert "PROVIDERS in mockservers/registry.py" in capsys.readouterr().out
    assert main(["seventh", "--root", str(tmp_path)]) == 2
    assert "exists already; nothing was written" in capsys.readouterr().err
