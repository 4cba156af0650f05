"""Loading the pytest plugin (every pytest run where mockservers is installed does) imports almost nothing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("flask", "werkzeug", "jsonschema", "referencing", "jwt", "waitress", "faker", "requests", "mockservers.core.emulator", "mockservers.pixop")


def _modules_after(statement: str) -> set[str]:
    script = f"import sys\n{statement}\nimport json\nprint(json.dumps(sorted(sys.modules)))\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_importing_the_plugin_loads_no_web_stack_and_no_provider() -> None:
    loaded = _modules_after("import mockservers.pytest_plugin")
    assert "mockservers.pytest_plugin" in loaded
    assert _heavy(loaded) == []


def test_the_check_detects_a_heavy_import() -> None:
    # The same check on something that does load the web stack must see it.
    assert "flask" in _heavy(_modules_after("import mockservers.core.app"))


def test_the_package_names_still_resolve_on_use() -> None:
    import mockservers
    from mockservers.core.emulator import Emulator, EmulatorConfig
    from mockservers.intercept.core import intercept

    assert mockservers.Emulator is Emulator and mockservers.EmulatorConfig is EmulatorConfig
    assert mockservers.intercept is intercept  # the function, though a subpackage has the same name
    assert list(mockservers.PROVIDERS) == ["pixop", "vonage", "bluebillywig", "mediaflow", "mediabank"]
    assert callable(mockservers.create_emulator)


def test_an_unknown_package_attribute_is_an_attribute_error() -> None:
    import mockservers

    with pytest.raises(AttributeError, match="no_such_name"):
        mockservers.no_such_name  # noqa: B018
