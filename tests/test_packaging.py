"""The wheel carries contracts/ and fixtures/, and its CLI and pytest plugin work from a fresh virtualenv."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PLUGIN_TEST = textwrap.dedent(
    '''
    import mockservers
    import requests
    from pathlib import Path

    def test_installed_plugin(pixop):
        # The package and its data come from the wheel, not from the source tree.
        assert Path(mockservers.__file__).resolve().is_relative_to(Path(__import__("sys").prefix).resolve())
        from mockservers.core.paths import contracts_dir, fixtures_dir
        assert "_data" in contracts_dir().parts and (fixtures_dir() / "media" / "small.mov").is_file()
        creds = pixop.credentials
        token = requests.get(pixop.base_url + "/accounts/v1/token", auth=(creds["email"], creds["password"]), timeout=5)
        assert token.status_code == 200 and token.json()["teamId"] == creds["team_id"]
    '''
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel with the project's build backend (no network: --no-isolation)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    (found,) = out.glob("mockservers-*.whl")
    return found


def test_wheel_ships_data_folders(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for contract in (ROOT / "contracts").rglob("*.json"):
        assert f"mockservers/_data/contracts/{contract.relative_to(ROOT / 'contracts').as_posix()}" in names
    assert "mockservers/_data/fixtures/media/small.mov" in names
    assert "mockservers/_data/fixtures/pixop/world.json" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[pytest11]" in text and "mockservers = mockservers.pytest_plugin" in text
    assert "mockservers = mockservers.cli:main" in text


@pytest.mark.slow
def test_cli_and_plugin_from_a_fresh_virtualenv(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
    )
    # Dependencies (flask, av, pytest...) are borrowed from the test environment so
    # the check runs offline; mockservers itself resolves to the wheel's copy,
    # which the plugin test below asserts.
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "work"
    work.mkdir()
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER")}
    providers = subprocess.run([str(env_dir / "bin" / "mockservers"), "providers"], cwd=work, capture_output=True, text=True, env=clean_env)
    assert providers.returncode == 0, providers.stderr
    assert "pixop" in providers.stdout
    info = work / "info.json"
    serve = subprocess.Popen(
        [str(env_dir / "bin" / "mockservers"), "serve", "pixop", "--port", "pixop=0", "--info-file", str(info)],
        cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env,
    )
    try:
        line = serve.stdout.readline() if serve.stdout else ""  # the header line is printed once serving
        assert line.startswith("provider"), serve.stderr.read() if serve.stderr else line
        assert json.loads(info.read_text())["pixop"]["base_url"].startswith("http://127.0.0.1:")
    finally:
        serve.terminate()
        serve.wait(timeout=10)
    (work / "test_user.py").write_text(PLUGIN_TEST)
    result = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py"], cwd=work, capture_output=True, text=True, env=clean_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
