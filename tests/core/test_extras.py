"""A missing optional dependency names the pip extra to install."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mockservers.core.extras import MissingExtraError, require_extra


def test_require_extra_names_the_install_to_run() -> None:
    with pytest.raises(MissingExtraError) as raised:
        require_extra("media", "mockservers_no_such_module")
    assert "pip install 'mockservers[media]'" in str(raised.value)
    assert isinstance(raised.value, ImportError)
    assert require_extra("media", "json").dumps([]) == "[]"


@pytest.mark.slow
def test_probing_without_pyav_says_which_extra(tmp_path) -> None:
    # A process where PyAV cannot be imported: importing the media modules still works,
    # and the first probe explains what to install.
    script = (
        "import sys; sys.modules['av'] = None\n"
        "import mockservers.core.media as media\n"
        "from mockservers.core.extras import MissingExtraError\n"
        f"open({str(tmp_path / 'x.mp4')!r}, 'wb').write(b'not media')\n"
        "try:\n"
        f"    media.probe_media({str(tmp_path / 'x.mp4')!r})\n"
        "except MissingExtraError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "pip install 'mockservers[media]'" in result.stdout


def test_the_core_install_leaves_heavy_dependencies_to_extras() -> None:
    from pathlib import Path

    import tomllib

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"]
    # faker too: its pytest plugin (loaded by every pytest run where it is installed) costs most of a second.
    for heavy in ("av", "pillow", "moto", "boto3", "hypothesis", "schemathesis", "faker"):
        assert not any(d.startswith(heavy) for d in project["dependencies"]), heavy
    extras = project["optional-dependencies"]
    assert {"media", "s3", "property", "all"} <= set(extras)
    assert extras["all"] == ["mockservers[media,s3,property]"]
