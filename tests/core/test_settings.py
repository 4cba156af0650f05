"""Typed provider settings and world files: a mistake names the key or the file, from every entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from mockservers.core.emulator import EmulatorConfig
from mockservers.core.settings import SettingsError, WorldError, check_settings
from mockservers.registry import PROVIDERS, create_emulator, provider

pytest_plugins = ["pytester"]


@dataclass
class _Knobs:
    wait_seconds: float = 1.0
    attempts: int = 3
    label: str = "x"


def test_defaults_and_overrides_are_typed() -> None:
    assert check_settings("demo", _Knobs, {}, {}) == {"wait_seconds": 1.0, "attempts": 3, "label": "x"}
    found = check_settings("demo", _Knobs, {}, {"wait_seconds": 2, "attempts": 5})
    assert found["wait_seconds"] == 2.0 and isinstance(found["wait_seconds"], float) and found["attempts"] == 5


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"wait_secnds": 1}, "demo has no setting 'wait_secnds'; known settings: attempts, label, wait_seconds"),
        ({"wait_seconds": "soon"}, "demo.wait_seconds must be a number, not 'soon'"),
        ({"attempts": 1.5}, "demo.attempts must be an integer, not 1.5"),
        ({"attempts": True}, "demo.attempts must be an integer, not True"),
        ({"label": 3}, "demo.label must be a string, not 3"),
    ],
)
def test_mistakes_are_refused_naming_the_key(given: dict, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        check_settings("demo", _Knobs, {}, given)
    assert str(caught.value) == message


def test_without_a_settings_class_the_default_settings_are_the_known_keys() -> None:
    assert check_settings("demo", None, {"a": 1}, {"a": 2}) == {"a": 2}
    with pytest.raises(SettingsError, match="known settings: a"):
        check_settings("demo", None, {"a": 1}, {"b": 2})


@pytest.mark.parametrize("name", list(PROVIDERS))
def test_every_provider_declares_its_settings(name: str) -> None:
    definition = provider(name)
    assert definition.settings_class is not None
    # The dataclass and the legacy default_settings agree, so either may be the source.
    assert definition.check_settings({}) == {**definition.check_settings({}), **definition.default_settings}
    with pytest.raises(SettingsError, match=f"{name} has no setting 'nonsense'"):
        create_emulator(name, EmulatorConfig(settings={"nonsense": 1}))


def test_a_bad_world_file_names_the_file_and_the_problem(tmp_path: Path) -> None:
    cases = {
        "missing.json": None,
        "broken.json": "{",
        "list.json": "[1, 2]",
        "wrong.json": json.dumps({"users": 5}),
    }
    for file_name, text in cases.items():
        path = tmp_path / file_name
        if text is not None:
            path.write_text(text)
        with pytest.raises(WorldError) as caught:
            create_emulator("pixop", EmulatorConfig(world=str(path)))
        assert str(path) in str(caught.value), caught.value


def _serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockservers", "serve", "pixop", "--port", "pixop=0", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_refuses_an_unknown_setting_with_exit_code_2_and_no_traceback(tmp_path: Path) -> None:
    result = _serve("--setting", "pixop.ingest_secnds=1")
    assert result.returncode == 2
    assert "pixop has no setting 'ingest_secnds'; known settings: ingest_seconds, process_seconds" in result.stderr
    assert "Traceback" not in result.stderr
    world = tmp_path / "world.json"
    world.write_text("[")
    result = _serve("--world", str(world))
    assert result.returncode == 2 and f"world file {world} is not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_plugin_fails_clearly_on_an_unknown_setting(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture(scope="session")
        def mockservers_config():
            return {"settings": {"pixop": {"ingest_secnds": 1}}}
        """
    )
    pytester.makepyfile("def test_uses_pixop(pixop):\n    pass\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*pixop has no setting 'ingest_secnds'; known settings: ingest_seconds, process_seconds*"])
    assert "Traceback" not in result.stdout.str()


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ('{"sead": 1}', "mockservers_config has no key 'sead'"),
        ('{"settings": {"ingest_seconds": 1}}', "'ingest_seconds', which is not a provider"),
    ],
)
def test_plugin_fails_clearly_on_a_bad_config_shape(pytester: pytest.Pytester, config: str, words: str) -> None:
    pytester.makeconftest(
        f"""
        import pytest

        @pytest.fixture(scope="session")
        def mockservers_config():
            return {config}
        """
    )
    pytester.makepyfile("def test_uses_pixop(pixop):\n    pass\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly")
    result.assert_outcomes(errors=1)
    assert words in result.stdout.str()


def test_plugin_applies_per_provider_settings(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture(scope="session")
        def mockservers_config():
            return {"seed": 0, "settings": {"pixop": {"ingest_seconds": 1}}}
        """
    )
    pytester.makepyfile(
        """
        def test_settings(pixop, mediaflow):
            assert pixop.context.settings["ingest_seconds"] == 1.0
            assert mediaflow.context.settings["process_seconds"] == 3.0
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly")
    result.assert_outcomes(passed=1)


def test_the_emulator_exposes_typed_settings() -> None:
    emulator = create_emulator("pixop", EmulatorConfig(settings={"ingest_seconds": 1}))
    try:
        assert emulator.settings.ingest_seconds == 1.0 and emulator.settings.process_seconds == 4.0
        assert emulator.context.settings["ingest_seconds"] == 1.0  # the dict view providers read today
    finally:
        emulator.close()
