"""`mockservers serve` options, run in-process with a stop event instead of Ctrl-C."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import requests
from authenticated_calls import AUTHENTICATED_CALLS

from mockservers.cli import build_parser, main, serve
from mockservers.core.paths import fixtures_dir


def _serve_in_thread(argv: list[str]) -> tuple[threading.Thread, threading.Event, list[int]]:
    args = build_parser().parse_args(argv)
    stop = threading.Event()
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(serve(args, stop)), daemon=True)
    thread.start()
    return thread, stop, result


def _wait_for(path: Path, thread: threading.Thread) -> dict:
    thread.join(timeout=0.001)
    for _ in range(500):
        if path.exists() and path.stat().st_size:
            return json.loads(path.read_text())
        thread.join(timeout=0.01)  # waiting for start-up, bounded
    raise AssertionError("the sandbox did not write its info file")


def test_custom_world_seed_and_settings(tmp_path: Path) -> None:
    world = json.loads((fixtures_dir() / "pixop" / "world.json").read_text())
    world["users"][0]["email"] = "someone@studio.example"
    world["users"][0]["password"] = "another-password"
    world_file = tmp_path / "world.json"
    world_file.write_text(json.dumps(world))
    info_file = tmp_path / "info.json"
    thread, stop, result = _serve_in_thread(
        ["serve", "pixop", "--port", "pixop=0", "--seed", "9", "--world", str(world_file),
         "--setting", "pixop.ingest_seconds=0.5", "--info-file", str(info_file)]
    )
    try:
        info = _wait_for(info_file, thread)["pixop"]
        assert info["credentials"]["email"] == "someone@studio.example"
        token = requests.get(f"{info['base_url']}/accounts/v1/token", auth=("someone@studio.example", "another-password"), timeout=5)
        assert token.status_code == 200
        admin = requests.get(f"{info['base_url']}/__admin/", timeout=5).json()
        assert admin["seed"] == 9
    finally:
        stop.set()
        thread.join(timeout=10)
    assert result == [0]


def test_same_seed_same_world_different_seed_different_ids(tmp_path: Path) -> None:
    ids = []
    for seed in ("4", "4", "5"):
        info_file = tmp_path / f"info-{len(ids)}.json"
        thread, stop, _ = _serve_in_thread(["serve", "pixop", "--port", "pixop=0", "--seed", seed, "--info-file", str(info_file)])
        try:
            ids.append(_wait_for(info_file, thread)["pixop"]["credentials"]["team_id"])
        finally:
            stop.set()
            thread.join(timeout=10)
    assert ids[0] == ids[1] != ids[2]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["serve", "nosuch"], "unknown provider"),
        (["serve", "pixop", "--port", "pixop"], "PROVIDER=VALUE"),
        (["serve", "pixop", "--setting", "ingest_seconds=1"], "PROVIDER.KEY=VALUE"),
    ],
)
def test_bad_arguments_are_explained(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(argv)
    except SystemExit as exit_:
        code, text = 2, str(exit_.code)
    else:
        text = capsys.readouterr().err
    assert code == 2
    assert message in text


def test_providers_lists_default_ports(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["providers"]) == 0
    out = capsys.readouterr().out
    assert "pixop" in out and "8701" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import mockservers

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"mockservers {mockservers.__version__}"




@pytest.mark.slow
def test_token_command_prints_a_working_header(run_sandbox, tmp_path: Path) -> None:
    import subprocess
    import sys

    names = list(AUTHENTICATED_CALLS)
    ports = [arg for name in [*names, "s3", "dashboard"] for arg in ("--port", f"{name}=0")]
    _process, info = run_sandbox(*names, *ports)
    info_file = tmp_path / "info.json"
    info_file.write_text(json.dumps(info))
    for name, path in AUTHENTICATED_CALLS.items():
        base = info[name]["base_url"]
        # Without the header the call is refused, so a 200 below is the header's doing.
        assert requests.get(base + path, timeout=10).status_code in (401, 403), name
        for where in (["--base-url", base], ["--info-file", str(info_file)]):
            result = subprocess.run([sys.executable, "-m", "mockservers", "token", name, *where], capture_output=True, text=True, timeout=60)
            assert result.returncode == 0, result.stderr
            header, _, value = result.stdout.strip().partition(": ")
            assert header in ("Authorization", "rpctoken") and value, result.stdout
            headers = {header: value}
            if name == "mediabank":
                headers["MAP-Application"] = info[name]["credentials"]["map_application"]
            answer = requests.get(base + path, headers=headers, timeout=10)
            assert answer.status_code == 200, (name, where, answer.text)


def test_token_command_explains_an_unreachable_sandbox(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main(["token", "pixop", "--base-url", f"http://127.0.0.1:{port}"]) == 1
    assert "is `mockservers serve` running?" in capsys.readouterr().err
